// Planning: turning a job's selection into DispatchTask rows, one chunk per worker
// turn, so a replay of a million events never holds them (let alone their payloads)
// in memory. The chunk's tasks and the job's keyset cursor are written in one
// transaction, guarded by the previous cursor, so two instances can never plan the
// same chunk twice.
import { newId } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { newMessageId } from "~/catalog/sign";
import { insertRows, type Columns } from "./bulk-insert.server";
import { settleJobs, type DispatchJobRow } from "./dispatch-job.server";
import {
  cursorOf,
  orderKeyOf,
  readEventIds,
  selectChunk,
  selectExplicit,
  type SelectedEvent,
  type SelectionCursor,
} from "./job-selection.server";

export const PLAN_CHUNK = 1000;
export const TASK_COLUMNS: Columns = [
  ["id", "text"],
  ["jobId", "text"],
  ["targetId", "text"],
  ["eventId", "text"],
  ["seq", "integer"],
  ["lane", "text"],
  ["orderKey", "text"],
  ["status", "text"],
  ["attempts", "integer"],
  ["nextAttemptAt", "timestamp"],
  ["svixId", "text"],
  ["createdAt", "timestamp"],
];
const PLAN_LEASE_MS = 60_000;

interface PlanCursor extends SelectionCursor {
  seq: number;
}

class PlanRaceError extends Error {}

/** Plans the next chunk of the oldest job that needs it. Returns true when it did some work. */
export async function planNextChunk(handle: DatabaseHandle, now = new Date()): Promise<boolean> {
  const { db } = handle;
  const free = [{ planLockedUntil: null }, { planLockedUntil: { lt: now } }];
  const job = await db.dispatchJob.findFirst({
    where: { planned: false, status: { in: ["queued", "running"] }, OR: free },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  if (!job) return false;
  const claim = await db.dispatchJob.updateMany({
    where: { id: job.id, planned: false, OR: free },
    data: { planLockedUntil: new Date(now.getTime() + PLAN_LEASE_MS) },
  });
  if (claim.count === 0) return true;
  try {
    await planChunk(handle, job, now);
  } catch (error) {
    if (!(error instanceof PlanRaceError)) throw error;
  } finally {
    await db.dispatchJob.updateMany({ where: { id: job.id }, data: { planLockedUntil: null } });
  }
  return true;
}

async function planChunk(handle: DatabaseHandle, job: DispatchJobRow, now: Date) {
  const cursor = job.planCursor ? (JSON.parse(job.planCursor) as PlanCursor) : null;
  const ids = readEventIds(job.eventIds);
  let events: SelectedEvent[];
  let last: boolean;
  if (ids) {
    // Explicit selections are bounded (MAX_EVENT_IDS), so they are planned in one go.
    events = await selectExplicit(handle, job, ids);
    last = true;
  } else {
    events = await selectChunk(handle, job, cursor, PLAN_CHUNK);
    last = events.length < PLAN_CHUNK;
  }
  const firstSeq = (cursor?.seq ?? 0) + 1;
  const lastEvent = events.at(-1);
  const nextCursor: PlanCursor | null = lastEvent ? { ...cursorOf(job.order, lastEvent), seq: firstSeq + events.length - 1 } : cursor;
  const planned = (cursor?.seq ?? 0) + events.length;
  const supersedes = job.kind === "retry" || job.onlyUndelivered;
  const touchedJobs: string[] = [job.id];

  await handle.db.$transaction(async (tx) => {
    await insertRows(
      tx,
      handle.provider,
      "DispatchTask",
      TASK_COLUMNS,
      events.map((event, i) => ({
        id: newId(now.getTime()),
        jobId: job.id,
        targetId: job.targetId,
        eventId: event.id,
        seq: firstSeq + i,
        lane: job.id,
        orderKey: orderKeyOf(event),
        status: "pending",
        attempts: 0,
        // The job's creation time for every chunk: across jobs, older jobs go first;
        // within a job, seq decides.
        nextAttemptAt: job.createdAt,
        svixId: job.newSvixId ? newMessageId() : null,
        createdAt: now,
      })),
    );
    if (supersedes && events.length) {
      // Retries still waiting in other jobs would send these events again later;
      // this job sends them now, so the old tasks stop (counted as canceled there).
      const eventIds = events.map((e) => e.id);
      for (let i = 0; i < eventIds.length; i += 500) {
        const stale = await tx.dispatchTask.findMany({
          where: {
            targetId: job.targetId,
            eventId: { in: eventIds.slice(i, i + 500) },
            status: "pending",
            attempts: { gt: 0 },
            NOT: { lane: job.id },
          },
          select: { id: true, jobId: true },
        });
        if (!stale.length) continue;
        await tx.dispatchTask.updateMany({
          where: { id: { in: stale.map((t) => t.id) }, status: "pending" },
          data: { status: "superseded", lastError: `Superseded by job ${job.id}` },
        });
        const perJob = new Map<string, number>();
        for (const task of stale) if (task.jobId) perJob.set(task.jobId, (perJob.get(task.jobId) ?? 0) + 1);
        for (const [otherJob, count] of perJob) {
          await tx.dispatchJob.update({ where: { id: otherJob }, data: { canceled: { increment: count } } });
          touchedJobs.push(otherJob);
        }
      }
    }
    const moved = await tx.dispatchJob.updateMany({
      where: { id: job.id, planned: false, planCursor: job.planCursor },
      data: {
        planCursor: nextCursor ? JSON.stringify(nextCursor) : null,
        planned: last,
        ...(last ? { total: planned } : {}),
        ...(job.startedAt ? {} : { startedAt: now }),
      },
    });
    if (moved.count === 0) throw new PlanRaceError();
    // Only a queued job starts running; one paused meanwhile stays paused.
    await tx.dispatchJob.updateMany({ where: { id: job.id, status: "queued" }, data: { status: "running" } });
  });
  const others = touchedJobs.filter((id) => id !== job.id);
  await settleJobs(handle.db, last ? [job.id, ...others] : others, now);
}
