// Use case: resolve an issue by hand. Notifies `issue.resolved` (a state change) and
// is audited. If the condition comes back with new failures, the worker reopens it.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { ACTIVE_STATUSES } from "./issue-kinds";
import { transitionIssue } from "./issue-transitions.server";
import { IssueConflictError, requireIssue, type IssueRow } from "./issues.server";

export async function resolveIssue(db: Db, id: string, actor: string, note?: string | null): Promise<IssueRow> {
  const issue = await requireIssue(db, id);
  if (issue.status === "resolved") return issue;
  const now = Date.now();
  const row = await transitionIssue(
    db,
    issue,
    { status: "resolved", resolvedAt: new Date(now), resolvedBy: actor, mutedUntil: null },
    { now, notify: "issue.resolved", change: { change: "resolved", actor, note: note ?? "resolved by hand" } },
    ACTIVE_STATUSES,
  );
  if (!row) throw new IssueConflictError("The issue changed meanwhile; reload and try again.");
  await recordAudit(db, { actor, action: "issue.resolve", subject: id, detail: { kind: row.kind, subject: row.subjectId } });
  return row;
}
