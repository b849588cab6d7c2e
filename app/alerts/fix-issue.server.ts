// Use cases: the one action that fixes an issue, from its page.
// - verification_failures: re-verify the source's failed deliveries since the issue
//   opened with the current secrets (ADR 0006), then resolve at once if the condition
//   is clear now (no waiting out HOOKLINE_ALERT_RESOLVE_AFTER_MS after a fix).
// - target_failing / dispatch_backlog: "retry everything that failed since T" (ADR 0007).
import { REVERIFIABLE_OUTCOMES, reverifyFailedDeliveries, type BulkReverifySummary } from "~/deliveries/reverify.server";
import { firstIdAt } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { retryFailedSince } from "~/dispatch/retry-failed.server";
import type { SourceResolver } from "~/sources/sources.server";
import { resolveIfClear } from "./evaluate-issues.server";
import { DEFAULT_THRESHOLDS } from "./issue-kinds";
import { IssueConflictError, requireIssue, type IssueRow } from "./issues.server";

/** How far before the issue opened its failed deliveries are re-verified. */
function reverifySince(issue: IssueRow): Date {
  return new Date(Math.min(issue.firstSeenAt.getTime(), issue.openedAt.getTime()) - DEFAULT_THRESHOLDS.verificationWindowMs);
}

export async function countReverifiable(handle: DatabaseHandle, issue: IssueRow): Promise<number> {
  return handle.db.delivery.count({
    where: { sourceSlug: issue.subjectId, id: { gte: firstIdAt(reverifySince(issue)) }, eventId: null, truncated: false, outcome: { in: [...REVERIFIABLE_OUTCOMES] } },
  });
}

export async function reverifyIssueDeliveries(
  handle: DatabaseHandle,
  issueId: string,
  deps: { sources: Pick<SourceResolver, "resolveFresh"> },
  actor: string,
): Promise<{ summary: BulkReverifySummary; issue: IssueRow }> {
  const issue = await requireIssue(handle.db, issueId);
  if (issue.kind !== "verification_failures") throw new IssueConflictError("Only verification failures are fixed by re-verifying.");
  const summary = await reverifyFailedDeliveries({ db: handle.db, sources: deps.sources }, { source: issue.subjectId, since: reverifySince(issue) }, { actor });
  const fresh = await requireIssue(handle.db, issueId);
  const resolved = fresh.status === "resolved" ? null : await resolveIfClear(handle, fresh, actor, `re-verified: ${summary.counts.verified + summary.counts.duplicate} delivered, ${summary.counts.still_invalid} still invalid`);
  return { summary, issue: resolved ?? (await requireIssue(handle.db, issueId)) };
}

export async function retryIssueTarget(handle: DatabaseHandle, issueId: string, actor: string) {
  const issue = await requireIssue(handle.db, issueId);
  if (issue.subjectType !== "target") throw new IssueConflictError("Only target issues are fixed by retrying.");
  const since = new Date(Math.min(issue.openedAt.getTime(), Date.now()) - 60 * 60_000);
  return retryFailedSince(handle, { targetId: issue.subjectId, since, actor });
}
