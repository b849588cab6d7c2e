// Issue kinds, statuses and their titles (issue 11). Browser-safe: pages import it.

export const ISSUE_KINDS = [
  "verification_failures",
  "target_failing",
  "dispatch_backlog",
  "source_silent",
  "billing_anomaly",
  "unknown_event_type",
] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

export const ISSUE_STATUSES = ["open", "acknowledged", "muted", "resolved"] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];
/** Not resolved: counted in the header, the metric and "needs a look". */
export const ACTIVE_STATUSES: readonly IssueStatus[] = ["open", "acknowledged", "muted"];

export type SubjectType = "source" | "target" | "subscription" | "eventType";

export const NOTIFICATION_TYPES = ["issue.opened", "issue.reopened", "issue.resolved", "test"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
/** More than this many `issue.opened` to one channel within a minute go out as one digest. */
export const DIGEST_THRESHOLD = 10;

export interface KindInfo {
  label: string;
  subjectType: SubjectType;
  /** Resolves by itself once the condition has been clear for the resolve-after time. */
  autoResolve: boolean;
  /** A resolved issue whose condition returns opens again. */
  reopens: boolean;
}

export const KIND_INFO: Record<IssueKind, KindInfo> = {
  verification_failures: { label: "Verification failures", subjectType: "source", autoResolve: true, reopens: true },
  target_failing: { label: "Target failing", subjectType: "target", autoResolve: true, reopens: true },
  dispatch_backlog: { label: "Dispatch backlog", subjectType: "target", autoResolve: true, reopens: true },
  source_silent: { label: "Source silent", subjectType: "source", autoResolve: true, reopens: true },
  billing_anomaly: { label: "Billing anomaly", subjectType: "subscription", autoResolve: true, reopens: true },
  // "First verified event of a type not in the catalog": it stays open until someone
  // resolves it, and later events of the type do not open it again.
  unknown_event_type: { label: "Unknown event type", subjectType: "eventType", autoResolve: false, reopens: false },
};

export function isIssueKind(value: string): value is IssueKind {
  return (ISSUE_KINDS as readonly string[]).includes(value);
}

/** The defaults of the issue's table; tests pass smaller ones. */
export interface Thresholds {
  verificationFailures: number;
  verificationWindowMs: number;
  targetConsecutiveFailures: number;
  targetWindowAttempts: number;
  /** The success-rate rule needs at least this many attempts in the window. */
  targetMinAttemptsForRate: number;
  backlogAgeMs: number;
  silenceMs: number;
  silenceActiveWithinMs: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  verificationFailures: 3,
  verificationWindowMs: 5 * 60_000,
  targetConsecutiveFailures: 3,
  targetWindowAttempts: 20,
  targetMinAttemptsForRate: 10,
  backlogAgeMs: 15 * 60_000,
  silenceMs: 60 * 60_000,
  silenceActiveWithinMs: 7 * 24 * 60 * 60_000,
};

/** Likely cause of a verification failure, by outcome (the title's second sentence). */
export const LIKELY_CAUSE: Record<string, string> = {
  invalid_signature: "Was the signing secret rotated in Clerk?",
  timestamp_out_of_tolerance: "Is this server's clock (or a proxy's queue) more than 5 minutes off?",
  no_secret: "The source has no signing secret configured.",
  unknown_source: "Is the endpoint URL in Clerk right?",
  malformed_payload: "Is something other than Clerk posting here?",
  missing_headers: "Is something other than Svix posting here, or a proxy stripping headers?",
  body_too_large: "Raise HOOKLINE_MAX_BODY_BYTES?",
};

function hhmm(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export interface TitleInput {
  kind: IssueKind;
  subjectLabel: string;
  /** Items by label since the issue (re)opened. */
  counts: Record<string, number>;
  facts: Record<string, unknown>;
  openedAt: number;
}

/** What the issue's title says (issue 11's table, "title says"). Times are UTC. */
export function issueTitle({ kind, subjectLabel, counts, facts, openedAt }: TitleInput): string {
  const since = `since ${hhmm(openedAt)} UTC`;
  switch (kind) {
    case "verification_failures": {
      const sorted = Object.entries(counts).sort((a, b) => b[1] - a[1]);
      const parts = sorted.map(([outcome, n]) => `${outcome} ×${n}`).join(", ") || "failed verification";
      const cause = sorted[0] ? LIKELY_CAUSE[sorted[0][0]] : undefined;
      return `${subjectLabel}: ${parts} ${since}.${cause ? ` ${cause}` : ""}`;
    }
    case "target_failing": {
      const last = String(facts.lastError ?? "failed");
      const failingSince = typeof facts.failingSince === "number" ? facts.failingSince : openedAt;
      if (facts.rule === "rate") return `${subjectLabel}: only ${facts.okCount} of the last ${facts.window} attempts succeeded; last ${last}`;
      return `${subjectLabel}: ${last} since ${hhmm(failingSince)} UTC (${plural(Number(facts.consecutive ?? 0), "failed attempt")} in a row)`;
    }
    case "dispatch_backlog": {
      const minutes = Math.round(Number(facts.oldestAgeMs ?? 0) / 60_000);
      return `${subjectLabel}: ${plural(Number(facts.waiting ?? 0), "send")} waiting, the oldest due ${minutes} min ago`;
    }
    case "source_silent":
      return `${subjectLabel}: no events since ${typeof facts.lastEventAt === "number" ? new Date(facts.lastEventAt).toISOString().replace("T", " ").slice(0, 16) : "?"} UTC`;
    case "billing_anomaly": {
      const payer = facts.payer ? ` (payer ${String(facts.payer)})` : "";
      const amount = facts.amount ? `, ${String(facts.amount)}` : "";
      return `Subscription ${subjectLabel}${payer} is past due with no successful payment after it${amount}`;
    }
    case "unknown_event_type":
      return `New event type ${subjectLabel}, not in the catalog`;
  }
}
