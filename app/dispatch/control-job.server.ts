// Use cases: pause, resume and cancel a job. Each checks the job's state first and
// changes it with a conditional update, so two operators (or an operator and the
// worker finishing the job) cannot leave it in a mixed state. Sends already in
// flight finish and are recorded.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { DispatchConflictError, DispatchNotFoundError } from "./dispatch-errors";
import { settleJobs } from "./dispatch-job.server";

async function loadJob(db: Db, id: string) {
  const job = await db.dispatchJob.findUnique({ where: { id }, select: { id: true, status: true, targetId: true } });
  if (!job) throw new DispatchNotFoundError(`No replay job with id "${id}".`);
  return job;
}

export async function pauseJob(db: Db, id: string, context: { actor: string }): Promise<void> {
  const job = await loadJob(db, id);
  const changed = await db.dispatchJob.updateMany({ where: { id, status: { in: ["queued", "running"] } }, data: { status: "paused" } });
  if (changed.count === 0) throw new DispatchConflictError(`The job is ${job.status}; only a queued or running job can be paused.`);
  await recordAudit(db, { actor: context.actor, action: "replay.pause", subject: id, detail: { targetId: job.targetId } });
}

export async function resumeJob(db: Db, id: string, context: { actor: string }): Promise<void> {
  const job = await loadJob(db, id);
  const changed = await db.dispatchJob.updateMany({ where: { id, status: "paused" }, data: { status: "running" } });
  if (changed.count === 0) throw new DispatchConflictError(`The job is ${job.status}; only a paused job can be resumed.`);
  await recordAudit(db, { actor: context.actor, action: "replay.resume", subject: id, detail: { targetId: job.targetId } });
  // A job paused before planning finished would otherwise keep "running" with no tasks yet.
  await settleJobs(db, [id]);
}

export async function cancelJob(db: Db, id: string, context: { actor: string }): Promise<void> {
  const job = await loadJob(db, id);
  const now = new Date();
  const canceled = await db.$transaction(async (tx) => {
    const changed = await tx.dispatchJob.updateMany({
      where: { id, status: { in: ["queued", "running", "paused"] } },
      data: { status: "canceled", finishedAt: now, planned: true },
    });
    if (changed.count === 0) return null;
    const dropped = await tx.dispatchTask.updateMany({ where: { jobId: id, status: "pending" }, data: { status: "canceled", lastError: "Job canceled" } });
    // Everything not sent, failed or still in flight is canceled, including events
    // that were never planned into tasks.
    const inFlight = await tx.dispatchTask.count({ where: { jobId: id, status: "sending" } });
    const counts = await tx.dispatchJob.findUniqueOrThrow({ where: { id }, select: { total: true, sent: true, failed: true } });
    await tx.dispatchJob.update({ where: { id }, data: { canceled: Math.max(0, counts.total - counts.sent - counts.failed - inFlight) } });
    return dropped.count;
  });
  if (canceled === null) throw new DispatchConflictError(`The job is already ${job.status}.`);
  await recordAudit(db, { actor: context.actor, action: "replay.cancel", subject: id, detail: { targetId: job.targetId, canceledTasks: canceled } });
}
