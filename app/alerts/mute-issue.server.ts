// Use case: mute an issue until a time (default 24 h): its notifications stop, its
// detection does not. Audited. `until: null` unmutes.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { ACTIVE_STATUSES } from "./issue-kinds";
import { transitionIssue } from "./issue-transitions.server";
import { IssueConflictError, IssueInputError, requireIssue, type IssueRow } from "./issues.server";

export const DEFAULT_MUTE_MS = 24 * 60 * 60_000;

export async function muteIssue(db: Db, id: string, actor: string, until: Date | null | undefined): Promise<IssueRow> {
  const issue = await requireIssue(db, id);
  if (issue.status === "resolved") throw new IssueConflictError("The issue is resolved; it has nothing to mute.");
  const now = Date.now();
  const end = until === undefined ? new Date(now + DEFAULT_MUTE_MS) : until;
  if (end && end.getTime() <= now) throw new IssueInputError("until", "Invalid `until`: it must be in the future.");
  const row = await transitionIssue(
    db,
    issue,
    end ? { status: "muted", mutedUntil: end } : { status: issue.acknowledgedAt ? "acknowledged" : "open", mutedUntil: null },
    { now, change: { change: end ? "muted" : "unmuted", actor, note: end ? `until ${end.toISOString()}` : null } },
    ACTIVE_STATUSES,
  );
  if (!row) throw new IssueConflictError("The issue changed meanwhile; reload and try again.");
  await recordAudit(db, { actor, action: end ? "issue.mute" : "issue.unmute", subject: id, detail: { until: end?.toISOString() ?? null } });
  return row;
}
