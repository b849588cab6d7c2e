// Use case: acknowledge an issue ("someone is on it"). No notification; audited.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { ACTIVE_STATUSES } from "./issue-kinds";
import { transitionIssue } from "./issue-transitions.server";
import { IssueConflictError, requireIssue, type IssueRow } from "./issues.server";

export async function acknowledgeIssue(db: Db, id: string, actor: string): Promise<IssueRow> {
  const issue = await requireIssue(db, id);
  if (issue.status === "resolved") throw new IssueConflictError("The issue is resolved; there is nothing to acknowledge.");
  if (issue.status === "acknowledged") return issue;
  const now = Date.now();
  const row = await transitionIssue(
    db,
    issue,
    { status: issue.status === "muted" ? "muted" : "acknowledged", acknowledgedAt: new Date(now), acknowledgedBy: actor },
    { now, change: { change: "acknowledged", actor } },
    ACTIVE_STATUSES,
  );
  if (!row) throw new IssueConflictError("The issue changed meanwhile; reload and try again.");
  await recordAudit(db, { actor, action: "issue.acknowledge", subject: id, detail: { kind: row.kind, subject: row.subjectId } });
  return row;
}
