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

/**
 * What became of one event of a job: the job page's counters and its per-event log
 * both classify tasks with `sendOutcome`, so they cannot disagree.
 * - delivered: the target answered 2xx;
 * - failed: given up (retries exhausted, `abort-message`, or the job was canceled
 *   after a failed try); it will not be sent again by this job;
 * - retrying: tried, not delivered, and waiting for its next attempt (a failed try,
 *   or a send interrupted by a crash); a failed *attempt* is not a failed *event*;
 * - sending: a worker holds it and the request is on the wire (or waiting for its
 *   rate-limit slot);
 * - pending: not tried yet;
 * - canceled: not sent because the job was canceled, or because a later retry job
 *   took it over (task status `superseded`).
 */
export const SEND_OUTCOMES = ["delivered", "failed", "retrying", "sending", "pending", "canceled"] as const;
export type SendOutcome = (typeof SEND_OUTCOMES)[number];

export const SEND_OUTCOME_LABELS: Record<SendOutcome, { label: string; description: string }> = {
  delivered: { label: "Delivered", description: "The target accepted it (2xx)." },
  failed: { label: "Failed", description: "Given up: no retries left, or the target asked to stop." },
  retrying: { label: "Retrying", description: "Tried and not delivered yet; it will be sent again." },
  sending: { label: "Sending", description: "On its way to the target now." },
  pending: { label: "Pending", description: "Not tried yet." },
  canceled: { label: "Canceled", description: "Not sent: the job was canceled or a retry job took it over." },
};

export function isSendOutcome(value: string): value is SendOutcome {
  return (SEND_OUTCOMES as readonly string[]).includes(value);
}

/** The outcome of one task (one event to the target) from its stored status and attempt count. */
export function sendOutcome(task: { status: string; attempts: number }): SendOutcome {
  switch (task.status as TaskStatus) {
    case "sent":
      return "delivered";
    case "failed":
      return "failed";
    case "sending":
      return "sending";
    case "canceled":
    case "superseded":
      return "canceled";
    default:
      return task.attempts > 0 ? "retrying" : "pending";
  }
}

/**
 * The same classification as task conditions, for the log's filter: each task status
 * the outcome covers, and for `pending` tasks whether they were tried before.
 */
export function sendOutcomeConditions(outcome: SendOutcome): { status: TaskStatus; tried?: boolean }[] {
  switch (outcome) {
    case "delivered":
      return [{ status: "sent" }];
    case "failed":
      return [{ status: "failed" }];
    case "sending":
      return [{ status: "sending" }];
    case "canceled":
      return [{ status: "canceled" }, { status: "superseded" }];
    case "retrying":
      return [{ status: "pending", tried: true }];
    case "pending":
      return [{ status: "pending", tried: false }];
  }
}

/**
 * Counters per outcome from the job's own counters (sent, failed, canceled: moved in
 * the same transaction as the task's status) and the live task counts (retrying,
 * sending). Pending is what is left; it includes events not yet planned into tasks.
 */
export function outcomeCounts(job: {
  total: number;
  sent: number;
  failed: number;
  canceled: number;
  left: number;
  retrying: number;
  inFlight: number;
}): Record<SendOutcome, number> {
  return {
    delivered: job.sent,
    failed: job.failed,
    retrying: job.retrying,
    sending: job.inFlight,
    pending: Math.max(0, job.left - job.retrying - job.inFlight),
    canceled: job.canceled,
  };
}
