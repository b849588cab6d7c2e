// The DispatchTask table is the queue: one row per (event, target, job). Tasks carry
// ids only; the worker re-reads the event and target when it sends. A claim is a
// lease (`status = 'sending'`, `lockedBy`, `lockedUntil`) taken inside a transaction
// that first locks the target's row, so every instance sees one consistent picture of
// the target's in-flight sends and rate budget. See docs/decisions/0007-dispatch-queue.md.
// On Postgres, a target without a rate limit is claimed by postgres-claim.server.ts
// instead: the same rules as claimTasks + applyCompletion, in one round trip. A change
// to the rules here must be made there too (claim-batching.integration.test.ts).
import { newId } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { Prisma } from "~/generated/sqlite/client";
import { idList, insertRows, type Columns } from "./bulk-insert.server";
import { settleJobs } from "./dispatch-job.server";
import type { OutboundResult } from "./outbound.server";
import { nextRetryDelay } from "./retry-schedule";

/** A target as a claim sees it (the row is locked while this is read). */
export interface ClaimTarget {
  id: string;
  url: string;
  secretEncrypted: string;
  headers: string;
  timeoutMs: number;
  maxPerSecond: number | null;
  concurrency: number;
  rateCursor: Date | null;
}

export interface ClaimedTask {
  id: string;
  jobId: string | null;
  eventId: string;
  seq: number;
  /** Attempts including this one. */
  attempt: number;
  /** A fresh svix-id chosen at planning, or null for the event's own. */
  svixId: string | null;
  createdAt: Date;
  /** When it was due before this claim (a released lease puts it back to this). */
  dueAt: Date;
  /** Not before this time (the rate limit's slot). */
  sendAt: Date;
  jobMaxPerSecond: number | null;
}

export interface ClaimOptions {
  targetId: string;
  workerId: string;
  /** At most this many tasks (the target's concurrency also caps it). */
  max: number;
  /** The lease lasts until sendAt + timeout + this margin. */
  leaseMarginMs: number;
  /** Take back expired leases first (default true). */
  reclaimExpired?: boolean;
  /** The previous batch's outcomes, written in the same transaction as this claim. */
  completion?: CompletionPlan | null;
  now?: Date;
}

type Tx = Prisma.TransactionClient;

export interface ClaimResult {
  /** Null when the target is disabled or deleted. */
  target: ClaimTarget | null;
  tasks: ClaimedTask[];
  /** Jobs the completion may have finished: pass to settleJobs. */
  settle: string[];
  /** The target or a claimed task's job has a rate limit (so the Postgres one-statement claim does not apply). */
  rateLimited?: boolean;
}

/** Rate-limited slots are handed out at most this far ahead, so leases stay short. */
const RATE_HORIZON_MS = 1000;

interface CandidateRow {
  id: string;
  jobId: string | null;
  eventId: string;
  seq: number;
  attempts: number;
  svixId: string | null;
  createdAt: Date;
  dueAt: Date;
  jobMaxPerSecond: number | null;
  jobRateCursor: Date | null;
}


/**
 * The rule for a pending task `t` that may be claimed, shared by claimTasks and the
 * Postgres claim statement (postgres-claim.server.ts): its job (if any) is running,
 * and it is the head of its resource's line: no earlier task of the same lane (job, or
 * the target's auto-forward) and resource is unfinished, so order per resource holds
 * however many are sent at once.
 * - The predecessor check reads a partial index of unfinished tasks: the status list
 *   stays literal, exactly as in the migration (..._dispatch_unfinished_lane_index).
 * - The running-job test is an EXISTS, not a filter on a joined job, so that Postgres
 *   stops after the batch whatever its statistics of DispatchJob say (ADR 0007).
 */
export const CLAIMABLE_TASK_SQL = `(t."jobId" IS NULL OR EXISTS (SELECT 1 FROM "DispatchJob" r WHERE r."id" = t."jobId" AND r."status" = 'running'))
        AND NOT EXISTS (
          SELECT 1 FROM "DispatchTask" p
          WHERE p."lane" = t."lane" AND p."orderKey" = t."orderKey" AND p."seq" < t."seq"
            AND p."status" IN ('pending', 'sending'))`;
/**
 * Claims the next tasks of one target. Null when the target is disabled or deleted;
 * an empty list when nothing is due, the concurrency is used up, or the rate budget
 * for the next second is spent.
 */
export async function claimTasks(handle: DatabaseHandle, options: ClaimOptions): Promise<ClaimResult> {
  const now = options.now ?? new Date();
  const result = await handle.db.$transaction(async (tx) => {
    // One transaction per turn: the last batch's results, then the next batch.
    const settle = options.completion ? await applyCompletion(tx, options.completion) : [];
    // A write first: on Postgres it locks the target's row until commit (claims for
    // one target run one at a time across instances); on SQLite it takes the write
    // lock, so the transaction cannot be upgraded mid-way and fail with SQLITE_BUSY.
    const [target] = await tx.$queryRaw<ClaimTarget[]>`
      UPDATE "Target" SET "forwardSeq" = "forwardSeq"
      WHERE "id" = ${options.targetId} AND "deletedAt" IS NULL AND "enabled" = TRUE
      RETURNING "id", "url", "secretEncrypted", "headers", "timeoutMs", "maxPerSecond", "concurrency", "rateCursor"`;
    if (!target) return { target: null, tasks: [], settle };

    // Leases of crashed or stalled workers: back in the queue, due at once. (A pump
    // asks for this when it starts and about once a second, not on every claim.)
    if (options.reclaimExpired !== false) {
      await tx.$executeRaw`
        UPDATE "DispatchTask" SET "status" = 'pending', "lockedBy" = NULL, "lockedUntil" = NULL
        WHERE "targetId" = ${target.id} AND "status" = 'sending' AND "lockedUntil" < ${now}`;
    }

    const [{ inFlight }] = await tx.$queryRaw<{ inFlight: bigint | number }[]>`
      SELECT COUNT(*) AS "inFlight" FROM "DispatchTask" WHERE "targetId" = ${target.id} AND "status" = 'sending'`;
    const slots = Math.min(options.max, target.concurrency - Number(inFlight));
    if (slots <= 0) return { target, tasks: [], settle };

    // The head of each resource's line (CLAIMABLE_TASK_SQL), due, in claim order.
    const candidates = await tx.$queryRaw<CandidateRow[]>`
      SELECT t."id", t."jobId", t."eventId", t."seq", t."attempts", t."svixId", t."createdAt", t."nextAttemptAt" AS "dueAt",
             j."maxPerSecond" AS "jobMaxPerSecond", j."rateCursor" AS "jobRateCursor"
      FROM "DispatchTask" t LEFT JOIN "DispatchJob" j ON j."id" = t."jobId"
      WHERE t."targetId" = ${target.id} AND t."status" = 'pending' AND t."nextAttemptAt" <= ${now}
        AND ${Prisma.raw(CLAIMABLE_TASK_SQL)}
      ORDER BY t."nextAttemptAt" ASC, t."seq" ASC
      LIMIT ${slots}`;
    const rateLimited = target.maxPerSecond !== null || candidates.some((c) => c.jobMaxPerSecond !== null);
    if (candidates.length === 0) return { target, tasks: [], settle, rateLimited };

    // Rate limits: the target's and the job's, each a cursor of the next free slot.
    const nowMs = now.getTime();
    let targetCursor = Math.max(nowMs, target.rateCursor?.getTime() ?? 0);
    const jobCursors = new Map<string, number>();
    const tasks: ClaimedTask[] = [];
    for (const row of candidates) {
      const jobRate = row.jobMaxPerSecond;
      let at = nowMs;
      if (target.maxPerSecond) at = Math.max(at, targetCursor);
      if (row.jobId && jobRate) {
        const jobCursor = jobCursors.get(row.jobId) ?? Math.max(nowMs, row.jobRateCursor?.getTime() ?? 0);
        at = Math.max(at, jobCursor);
      }
      if (at > nowMs + RATE_HORIZON_MS) break;
      if (target.maxPerSecond) targetCursor = at + 1000 / target.maxPerSecond;
      if (row.jobId && jobRate) jobCursors.set(row.jobId, at + 1000 / jobRate);
      tasks.push({
        id: row.id,
        jobId: row.jobId,
        eventId: row.eventId,
        seq: Number(row.seq),
        attempt: Number(row.attempts) + 1,
        svixId: row.svixId,
        createdAt: row.createdAt,
        dueAt: row.dueAt,
        sendAt: new Date(Math.ceil(at)),
        jobMaxPerSecond: row.jobMaxPerSecond === null ? null : Number(row.jobMaxPerSecond),
      });
    }
    if (tasks.length === 0) return { target, tasks: [], settle, rateLimited };

    // One UPDATE per distinct send time (all of them share one without a rate limit).
    const bySendAt = new Map<number, ClaimedTask[]>();
    for (const task of tasks) bySendAt.set(task.sendAt.getTime(), [...(bySendAt.get(task.sendAt.getTime()) ?? []), task]);
    const claimed = new Set<string>();
    for (const [sendAt, group] of bySendAt) {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        UPDATE "DispatchTask"
        SET "status" = 'sending', "lockedBy" = ${options.workerId}, "attempts" = "attempts" + 1,
            "nextAttemptAt" = ${new Date(sendAt)},
            "lockedUntil" = ${new Date(sendAt + target.timeoutMs + options.leaseMarginMs)}
        WHERE "id" IN ${idList(handle.provider, group.map((t) => t.id))} AND "status" = 'pending'
        RETURNING "id"`;
      for (const row of rows) claimed.add(row.id);
    }
    if (target.maxPerSecond) {
      await tx.$executeRaw`UPDATE "Target" SET "rateCursor" = ${new Date(Math.ceil(targetCursor))} WHERE "id" = ${target.id}`;
    }
    for (const [jobId, cursor] of jobCursors) {
      await tx.$executeRaw`UPDATE "DispatchJob" SET "rateCursor" = ${new Date(Math.ceil(cursor))} WHERE "id" = ${jobId}`;
    }
    return { target, tasks: tasks.filter((t) => claimed.has(t.id)), settle, rateLimited };
  });
  if (result.settle.length) await settleJobs(handle.db, result.settle, now);
  return result;
}

export const ATTEMPT_COLUMNS: Columns = [
  ["id", "text"],
  ["taskId", "text"],
  ["eventId", "text"],
  ["targetId", "text"],
  ["jobId", "text"],
  ["attempt", "integer"],
  ["status", "integer"],
  ["ok", "boolean"],
  ["durationMs", "integer"],
  ["error", "text"],
  ["responseExcerpt", "text"],
  ["svixId", "text"],
  ["sentAt", "timestamp"],
  ["nextAttemptAt", "timestamp"],
];

/** The attempt rows of a completion (the sends that went out). */
export function attemptRows(plans: CompletionPlan["plans"]) {
  return plans
    .filter((p) => p.outcome.kind === "attempted")
    .map(({ outcome, nextAttemptAt }) => {
      const o = outcome as Extract<TaskOutcome, { kind: "attempted" }>;
      return {
        id: newId(o.sentAt.getTime()),
        taskId: o.task.id,
        eventId: o.task.eventId,
        targetId: o.targetId,
        jobId: o.task.jobId,
        attempt: o.task.attempt,
        status: o.result.status,
        ok: o.result.ok,
        durationMs: o.result.durationMs,
        error: o.result.error,
        responseExcerpt: o.result.responseExcerpt,
        svixId: o.svixId,
        sentAt: o.sentAt,
        nextAttemptAt,
      };
    });
}

/** What happened to one claimed task. */
export type TaskOutcome =
  | { kind: "attempted"; task: ClaimedTask; targetId: string; svixId: string; sentAt: Date; result: OutboundResult }
  /** A later job already delivered this event to the target: no send. */
  | { kind: "superseded"; task: ClaimedTask; targetId: string }
  /** The event is gone (pruned): nothing to send. */
  | { kind: "missing"; task: ClaimedTask; targetId: string };

export interface CompleteOptions {
  workerId: string;
  retrySchedule: readonly number[];
  now?: Date;
  random?: () => number;
}

/**
 * Records attempts and moves tasks on: sent, back to pending with the next retry
 * time, or failed for good. Every task update is fenced on `lockedBy`: a worker whose
 * lease expired (and was re-claimed) still records its attempt, but no longer moves
 * the task or the job's counters.
 */
/** What completing a batch will write, worked out before the transaction. */
export interface CompletionPlan {
  provider: DatabaseHandle["provider"];
  workerId: string;
  now: Date;
  plans: {
    outcome: TaskOutcome;
    next: "sent" | "retry" | "failed" | "superseded";
    nextAttemptAt: Date | null;
    error: string | null;
  }[];
}

export async function planCompletion(handle: DatabaseHandle, outcomes: TaskOutcome[], options: CompleteOptions): Promise<CompletionPlan | null> {
  if (outcomes.length === 0) return null;
  const now = options.now ?? new Date();
  // A failed send of a canceled job is not retried; the job's status is only needed then.
  const failedJobIds = [
    ...new Set(outcomes.filter((o) => o.kind === "attempted" && !o.result.ok && o.task.jobId).map((o) => o.task.jobId!)),
  ];
  const jobStatus = new Map(
    failedJobIds.length
      ? (await handle.db.dispatchJob.findMany({ where: { id: { in: failedJobIds } }, select: { id: true, status: true } })).map((j) => [j.id, j.status])
      : [],
  );
  const plans: CompletionPlan["plans"] = outcomes.map((outcome) => {
    if (outcome.kind === "superseded") return { outcome, next: "superseded", nextAttemptAt: null, error: "Already delivered by a later job" };
    if (outcome.kind === "missing") return { outcome, next: "failed", nextAttemptAt: null, error: "The event no longer exists" };
    const { result, task } = outcome;
    if (result.ok) return { outcome, next: "sent", nextAttemptAt: null, error: null };
    const canceled = task.jobId !== null && jobStatus.get(task.jobId) === "canceled";
    const delay = result.abort || canceled ? null : nextRetryDelay(options.retrySchedule, task.attempt, result.retryAfterMs, options.random);
    if (delay === null) {
      const why = result.abort ? "; the target answered webhook-delivery: abort-message" : canceled ? "; the job was canceled" : "; no retries left";
      return { outcome, next: "failed", nextAttemptAt: null, error: `${result.error ?? "Failed"}${why}` };
    }
    return { outcome, next: "retry", nextAttemptAt: new Date(now.getTime() + delay), error: result.error };
  });
  return { provider: handle.provider, workerId: options.workerId, now, plans };
}

/**
 * Writes a completion inside a transaction. Returns the jobs that may now be
 * finished (for settleJobs once the transaction has committed).
 */
export async function applyCompletion(tx: Tx, completion: CompletionPlan): Promise<string[]> {
  const { plans, workerId } = completion;
  const settled = new Set<string>();
  await insertRows(tx, completion.provider, "DispatchAttempt", ATTEMPT_COLUMNS, attemptRows(plans));

  const sentByJob = new Map<string, number>();
  const failedByJob = new Map<string, number>();
  const bump = (map: Map<string, number>, jobId: string | null) => {
    if (jobId) map.set(jobId, (map.get(jobId) ?? 0) + 1);
  };

  // Deliveries (and supersessions, which the target also has) in one statement.
  const delivered = plans.filter((p) => p.next === "sent" || p.next === "superseded");
  for (const next of ["sent", "superseded"] as const) {
    const group = delivered.filter((p) => p.next === next);
    if (!group.length) continue;
    const rows = await tx.$queryRaw<{ id: string; jobId: string | null }[]>`
      UPDATE "DispatchTask" SET "status" = ${next}, "lockedBy" = NULL, "lockedUntil" = NULL,
        "lastError" = ${next === "superseded" ? "Already delivered by a later job" : null}
      WHERE "id" IN ${idList(completion.provider, group.map((p) => p.outcome.task.id))}
        AND "lockedBy" = ${workerId} AND "status" = 'sending'
      RETURNING "id", "jobId"`;
    for (const row of rows) bump(sentByJob, row.jobId);
  }

  for (const plan of plans.filter((p) => p.next === "retry" || p.next === "failed")) {
    const task = plan.outcome.task;
    const updated =
      plan.next === "retry"
        ? await tx.$executeRaw`
            UPDATE "DispatchTask" SET "status" = 'pending', "lockedBy" = NULL, "lockedUntil" = NULL,
              "nextAttemptAt" = ${plan.nextAttemptAt}, "lastError" = ${plan.error}
            WHERE "id" = ${task.id} AND "lockedBy" = ${workerId} AND "status" = 'sending'`
        : await tx.$executeRaw`
            UPDATE "DispatchTask" SET "status" = 'failed', "lockedBy" = NULL, "lockedUntil" = NULL, "lastError" = ${plan.error}
            WHERE "id" = ${task.id} AND "lockedBy" = ${workerId} AND "status" = 'sending'`;
    if (updated && plan.next === "failed") bump(failedByJob, task.jobId);
  }

  for (const jobId of new Set([...sentByJob.keys(), ...failedByJob.keys()])) {
    const [job] = await tx.$queryRaw<{ total: number; sent: number; failed: number; canceled: number; planned: boolean | number }[]>`
      UPDATE "DispatchJob" SET "sent" = "sent" + ${sentByJob.get(jobId) ?? 0}, "failed" = "failed" + ${failedByJob.get(jobId) ?? 0}
      WHERE "id" = ${jobId}
      RETURNING "total", "sent", "failed", "canceled", "planned"`;
    // Only a job whose counters add up can be finished; the check costs two queries.
    if (job && job.planned && Number(job.sent) + Number(job.failed) + Number(job.canceled) >= Number(job.total)) settled.add(jobId);
  }
  return [...settled];
}

/** Records a batch's outcomes on its own (the worker's last batch; tests). */
export async function completeTasks(handle: DatabaseHandle, outcomes: TaskOutcome[], options: CompleteOptions): Promise<void> {
  const completion = await planCompletion(handle, outcomes, options);
  if (!completion) return;
  const settle = await handle.db.$transaction((tx) => applyCompletion(tx, completion));
  if (settle.length) await settleJobs(handle.db, settle, completion.now);
}

/**
 * Gives back the leases of tasks this worker claimed but did not send, because it is
 * shutting down: they are pending again, due when they were due before the claim (so
 * the next worker takes them at once, in their order), and the claim's attempt is not
 * counted. Fenced on `lockedBy` like completions: a lease that expired and was taken
 * by another worker is left alone. Returns how many were released.
 */
export async function releaseTasks(handle: DatabaseHandle, tasks: Pick<ClaimedTask, "id" | "dueAt">[], workerId: string): Promise<number> {
  if (tasks.length === 0) return 0;
  // One UPDATE per distinct due time (a job's first attempts share one).
  const byDueAt = new Map<number, string[]>();
  for (const task of tasks) byDueAt.set(task.dueAt.getTime(), [...(byDueAt.get(task.dueAt.getTime()) ?? []), task.id]);
  return handle.db.$transaction(async (tx) => {
    let released = 0;
    for (const [dueAt, ids] of byDueAt) {
      released += await tx.$executeRaw`
        UPDATE "DispatchTask" SET "status" = 'pending', "lockedBy" = NULL, "lockedUntil" = NULL,
          "attempts" = "attempts" - 1, "nextAttemptAt" = ${new Date(dueAt)}
        WHERE "id" IN ${idList(handle.provider, ids)} AND "lockedBy" = ${workerId} AND "status" = 'sending'`;
    }
    return released;
  });
}

/** Targets with tasks due now (or leases to take back), for the worker to start on. */
export async function targetsWithDueTasks(handle: DatabaseHandle, exclude: Set<string>, now = new Date()): Promise<string[]> {
  const targets = await handle.db.target.findMany({ where: { deletedAt: null, enabled: true }, select: { id: true } });
  const due: string[] = [];
  for (const { id } of targets) {
    if (exclude.has(id)) continue;
    const [pending] = await handle.db.$queryRaw<{ one: number }[]>`
      SELECT 1 AS "one" FROM "DispatchTask" t LEFT JOIN "DispatchJob" j ON j."id" = t."jobId"
      WHERE t."targetId" = ${id} AND t."status" = 'pending' AND t."nextAttemptAt" <= ${now}
        AND (t."jobId" IS NULL OR j."status" = 'running')
      LIMIT 1`;
    if (pending) {
      due.push(id);
      continue;
    }
    const [expired] = await handle.db.$queryRaw<{ one: number }[]>`
      SELECT 1 AS "one" FROM "DispatchTask" WHERE "targetId" = ${id} AND "status" = 'sending' AND "lockedUntil" < ${now} LIMIT 1`;
    if (expired) due.push(id);
  }
  return due;
}
