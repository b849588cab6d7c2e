// The DispatchJob table: a replay or retry request and its progress counters. Tasks
// are created from it in chunks by the worker (plan-job.server.ts); the counters are
// moved by the worker as tasks finish (dispatch-task.server.ts).
import type { Db } from "~/db/prisma.server";
import type { DispatchJob } from "~/generated/sqlite/client";
import { DispatchNotFoundError } from "./dispatch-errors";
import { isFinished, type JobStatus } from "./dispatch-status";
import { readEventIds, readFilter, readMode, readTargetTypes } from "./job-selection.server";
import type { ReplayMode } from "./replay-input";

export type DispatchJobRow = DispatchJob;

/** The job as `GET /api/v1/replays/:id` answers (DESIGN.md: id, status, total, sent, failed, ...). */
export interface ApiJob {
  id: string;
  kind: string;
  status: JobStatus;
  targetId: string;
  targetName: string | null;
  /** "latest": each selected resource's latest event only (a rebuild). */
  mode: ReplayMode;
  /** Only events of these types (the target's, when the job was made) are sent; null: every selected type. */
  targetTypes: string[] | null;
  total: number;
  sent: number;
  failed: number;
  canceled: number;
  /** Not yet sent or given up on: total - sent - failed - canceled. */
  left: number;
  /** Of `left`, those waiting for a retry. */
  retrying: number;
  inFlight: number;
  /** Sends finished per second over the last 10 seconds. */
  rate: number;
  /** Seconds left at `rate` (null when nothing is moving). */
  etaSeconds: number | null;
  order: string;
  maxPerSecond: number | null;
  newSvixId: boolean;
  filter: Record<string, unknown> | null;
  eventCount: number | null;
  onlyUndelivered: boolean;
  includeNeverSent: boolean;
  since: string | null;
  planned: boolean;
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobLiveCounts {
  retrying: number;
  inFlight: number;
  rate: number;
}

const RATE_WINDOW_MS = 10_000;

export async function jobLiveCounts(db: Db, jobId: string, now = new Date()): Promise<JobLiveCounts> {
  const [retrying, inFlight, recent] = await Promise.all([
    db.dispatchTask.count({ where: { jobId, status: "pending", attempts: { gt: 0 } } }),
    db.dispatchTask.count({ where: { jobId, status: "sending" } }),
    db.dispatchAttempt.count({ where: { jobId, sentAt: { gte: new Date(now.getTime() - RATE_WINDOW_MS) } } }),
  ]);
  return { retrying, inFlight, rate: recent / (RATE_WINDOW_MS / 1000) };
}

export function toApiJob(row: DispatchJobRow & { target?: { name: string } | null }, live: JobLiveCounts | null): ApiJob {
  const left = isFinished(row.status) && row.status !== "canceled" ? 0 : Math.max(0, row.total - row.sent - row.failed - row.canceled);
  const rate = live?.rate ?? 0;
  const filter = readFilter(row.filter);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status as JobStatus,
    targetId: row.targetId,
    targetName: row.target?.name ?? null,
    total: row.total,
    sent: row.sent,
    failed: row.failed,
    canceled: row.canceled,
    left,
    retrying: live?.retrying ?? 0,
    inFlight: live?.inFlight ?? 0,
    rate: Math.round(rate * 10) / 10,
    etaSeconds: !isFinished(row.status) && rate > 0 && left > 0 ? Math.ceil(left / rate) : null,
    order: row.order,
    mode: readMode(row.filter),
    targetTypes: readTargetTypes(row.filter),
    maxPerSecond: row.maxPerSecond,
    newSvixId: row.newSvixId,
    filter: filter
      ? Object.fromEntries(
          Object.entries({ ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() }).filter(
            ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
          ),
        )
      : null,
    eventCount: readEventIds(row.eventIds)?.length ?? null,
    onlyUndelivered: row.onlyUndelivered,
    includeNeverSent: row.includeNeverSent,
    since: row.since?.toISOString() ?? null,
    planned: row.planned,
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export async function getJob(db: Db, id: string): Promise<ApiJob> {
  const row = await db.dispatchJob.findUnique({ where: { id }, include: { target: { select: { name: true } } } });
  if (!row) throw new DispatchNotFoundError(`No replay job with id "${id}".`);
  return toApiJob(row, await jobLiveCounts(db, id));
}

export const JOBS_PAGE_SIZE = 25;

/** Newest first, keyset-paged on (createdAt, id). */
export async function listJobs(
  db: Db,
  options: { before?: string | null; targetId?: string | null; limit?: number } = {},
): Promise<{ jobs: ApiJob[]; nextBefore: string | null }> {
  const limit = options.limit ?? JOBS_PAGE_SIZE;
  const anchor = options.before ? await db.dispatchJob.findUnique({ where: { id: options.before }, select: { createdAt: true, id: true } }) : null;
  const rows = await db.dispatchJob.findMany({
    where: {
      ...(options.targetId ? { targetId: options.targetId } : {}),
      ...(anchor ? { OR: [{ createdAt: { lt: anchor.createdAt } }, { createdAt: anchor.createdAt, id: { lt: anchor.id } }] } : {}),
    },
    include: { target: { select: { name: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const jobs = await Promise.all(page.map(async (row) => toApiJob(row, isFinished(row.status) ? null : await jobLiveCounts(db, row.id))));
  return { jobs, nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/**
 * Marks jobs finished once every task is settled: `done`, or `failed` when nothing
 * was delivered and something failed. Conditional, so concurrent workers agree.
 */
export async function settleJobs(db: Db, jobIds: Iterable<string>, now = new Date()): Promise<void> {
  for (const jobId of new Set(jobIds)) {
    const job = await db.dispatchJob.findUnique({ where: { id: jobId }, select: { planned: true, status: true, sent: true, failed: true } });
    if (!job || !job.planned || isFinished(job.status)) continue;
    const open = await db.dispatchTask.findFirst({ where: { jobId, status: { in: ["pending", "sending"] } }, select: { id: true } });
    if (open) continue;
    const status: JobStatus = job.sent === 0 && job.failed > 0 ? "failed" : "done";
    await db.dispatchJob.updateMany({
      where: { id: jobId, status: { in: ["queued", "running", "paused"] } },
      data: {
        status,
        finishedAt: now,
        error: status === "failed" ? "No event was delivered; see the failed attempts." : undefined,
      },
    });
  }
}
