// Statuses of dispatch jobs and tasks. Browser-safe: pages use them for badges.

/** DESIGN.md contract for `GET /api/v1/replays/:id`. */
export const JOB_STATUSES = ["queued", "running", "paused", "done", "canceled", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A job in one of these will not change any more. */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ["done", "canceled", "failed"];

export function isFinished(status: string): boolean {
  return (FINISHED_JOB_STATUSES as readonly string[]).includes(status);
}

export const JOB_KINDS = ["replay", "retry", "forward"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_ORDERS = ["timestamp", "received"] as const;
export type JobOrder = (typeof JOB_ORDERS)[number];

/**
 * pending: waiting (first send or a retry at nextAttemptAt); sending: claimed by a
 * worker until lockedUntil; then sent, failed (retries exhausted or aborted),
 * canceled, or superseded (a later retry job delivered the event).
 */
export const TASK_STATUSES = ["pending", "sending", "sent", "failed", "canceled", "superseded"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
