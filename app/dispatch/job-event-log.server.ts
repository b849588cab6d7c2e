// The job page's per-event log: one row per event of the job (a DispatchTask), in
// the job's order, with its outcome (dispatch-status.ts: the same classification as
// the counters above it) and its latest attempt. Keyset pages on `seq`; every query
// is one index range on (jobId, status, seq) with a LIMIT, so a page costs the same
// for a job of ten events or a million.
import type { Db } from "~/db/prisma.server";
import { SEND_OUTCOMES, sendOutcome, sendOutcomeConditions, type SendOutcome } from "./dispatch-status";

export const LOG_PAGE_SIZE = 50;

export interface JobLogRow {
  taskId: string;
  seq: number;
  eventId: string;
  eventType: string | null;
  resource: string | null;
  outcome: SendOutcome;
  attempts: number;
  /** HTTP status of the latest attempt (null: no answer, or not tried). */
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  /** When a retrying or pending event is due. */
  nextAttemptAt: string | null;
}

export interface JobLogPage {
  rows: JobLogRow[];
  /** `after` for the next page, or null on the last one. */
  nextAfter: number | null;
}

export async function jobEventLog(
  db: Db,
  jobId: string,
  options: { outcome?: SendOutcome | null; after?: number | null; limit?: number } = {},
): Promise<JobLogPage> {
  const limit = options.limit ?? LOG_PAGE_SIZE;
  const after = options.after ?? 0;
  const outcomes = options.outcome ? [options.outcome] : SEND_OUTCOMES;
  // One bounded query per task status (an IN list or an OR would make the databases
  // sort every matching task before the LIMIT); merged by seq here.
  const parts = await Promise.all(
    outcomes.flatMap((outcome) =>
      sendOutcomeConditions(outcome).map(({ status, tried }) =>
        db.dispatchTask.findMany({
          where: {
            jobId,
            status,
            seq: { gt: after },
            ...(tried === undefined ? {} : { attempts: tried ? { gt: 0 } : 0 }),
          },
          orderBy: { seq: "asc" },
          take: limit + 1,
          select: {
            id: true,
            seq: true,
            eventId: true,
            status: true,
            attempts: true,
            lastError: true,
            nextAttemptAt: true,
            event: { select: { type: true, resourceType: true, resourceId: true } },
          },
        }),
      ),
    ),
  );
  const merged = parts.flat().sort((a, b) => a.seq - b.seq);
  const page = merged.slice(0, limit);
  const latest = await latestAttempts(db, jobId, page.map((t) => t.eventId));
  return {
    rows: page.map((task) => {
      const outcome = sendOutcome(task);
      const attempt = latest.get(task.eventId);
      return {
        taskId: task.id,
        seq: task.seq,
        eventId: task.eventId,
        eventType: task.event?.type ?? null,
        resource: task.event?.resourceId ? `${task.event.resourceType ?? "resource"} ${task.event.resourceId}` : null,
        outcome,
        attempts: task.attempts,
        lastStatus: attempt?.status ?? null,
        // A task's own error says why it stopped (given up, canceled, taken over); an
        // attempt's says what the target answered. Its "HTTP 503" repeats lastStatus.
        lastError: explain(outcome === "failed" || outcome === "canceled" ? (task.lastError ?? attempt?.error ?? null) : (attempt?.error ?? task.lastError), attempt?.status ?? null),
        lastAttemptAt: attempt?.sentAt.toISOString() ?? null,
        nextAttemptAt: outcome === "retrying" || outcome === "pending" ? task.nextAttemptAt.toISOString() : null,
      };
    }),
    nextAfter: merged.length > limit ? (page.at(-1)?.seq ?? null) : null,
  };
}

/** The latest attempt of this job for each event (index (eventId, sentAt)). */
async function latestAttempts(db: Db, jobId: string, eventIds: string[]) {
  const latest = new Map<string, { status: number | null; error: string | null; sentAt: Date }>();
  if (eventIds.length === 0) return latest;
  const attempts = await db.dispatchAttempt.findMany({
    where: { jobId, eventId: { in: eventIds } },
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
    select: { eventId: true, status: true, error: true, sentAt: true },
  });
  for (const attempt of attempts) if (!latest.has(attempt.eventId)) latest.set(attempt.eventId, attempt);
  return latest;
}

function explain(error: string | null, status: number | null): string | null {
  if (!error || status === null) return error;
  const repeated = `HTTP ${status}`;
  if (error === repeated) return null;
  return error.startsWith(`${repeated}; `) ? error.slice(repeated.length + 2) : error;
}
