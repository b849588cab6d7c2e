// Reading issues: the API shape, lists, one issue with its history, the open count.
import type { Db } from "~/db/prisma.server";
import { ACTIVE_STATUSES, type IssueKind, type IssueStatus, type SubjectType } from "./issue-kinds";
import type { SampleRef } from "./detect-conditions.server";

export type IssueRow = Awaited<ReturnType<Db["issue"]["findUniqueOrThrow"]>>;

export interface ApiIssue {
  id: string;
  kind: IssueKind;
  status: IssueStatus;
  title: string;
  subject: { type: SubjectType; id: string };
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  openedAt: string;
  reopenCount: number;
  acknowledgedAt: string | null;
  mutedUntil: string | null;
  resolvedAt: string | null;
  url: string;
}

export class IssueNotFoundError extends Error {}
export class IssueConflictError extends Error {}
export class IssueInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function publicBaseUrl(): string {
  const configured = process.env.HOOKLINE_PUBLIC_URL?.trim();
  return (configured || `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, "");
}

export function toApiIssue(row: IssueRow): ApiIssue {
  return {
    id: row.id,
    kind: row.kind as IssueKind,
    status: row.status as IssueStatus,
    title: row.title,
    subject: { type: row.subjectType as SubjectType, id: row.subjectId },
    count: row.count,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    openedAt: row.openedAt.toISOString(),
    reopenCount: row.reopenCount,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    mutedUntil: row.mutedUntil?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    url: `${publicBaseUrl()}/issues/${row.id}`,
  };
}

export function issueSamples(row: Pick<IssueRow, "samples">): SampleRef[] {
  try {
    return JSON.parse(row.samples) as SampleRef[];
  } catch {
    return [];
  }
}

export function issueCounts(row: Pick<IssueRow, "facts">): { counts: Record<string, number>; facts: Record<string, unknown> } {
  try {
    const parsed = JSON.parse(row.facts) as { counts?: Record<string, number>; facts?: Record<string, unknown> };
    return { counts: parsed.counts ?? {}, facts: parsed.facts ?? {} };
  } catch {
    return { counts: {}, facts: {} };
  }
}

export interface IssueListQuery {
  status?: IssueStatus | "active";
  kind?: IssueKind;
  limit: number;
  cursor?: string | null;
}

/**
 * Active issues first (open, acknowledged, muted), newest activity first; then resolved
 * ones. The cursor is the last row's id (cuid, stable), paired with its sort keys.
 */
export async function listIssues(db: Db, query: IssueListQuery): Promise<{ issues: IssueRow[]; nextCursor: string | null }> {
  const where = {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.status === "active" ? { status: { in: [...ACTIVE_STATUSES] } } : query.status ? { status: query.status } : {}),
  };
  // Issues are few (one per kind and subject), so an offset cursor is enough.
  const offset = query.cursor ? Number.parseInt(Buffer.from(query.cursor, "base64url").toString("utf8"), 10) || 0 : 0;
  // Active issues have no resolvedAt: they come first, newest activity first.
  const rows = await db.issue.findMany({
    where,
    orderBy: [{ resolvedAt: { sort: "desc", nulls: "first" } }, { lastSeenAt: "desc" }, { id: "asc" }],
    skip: offset,
    take: query.limit + 1,
  });
  const more = rows.length > query.limit;
  return {
    issues: rows.slice(0, query.limit),
    nextCursor: more ? Buffer.from(String(offset + query.limit)).toString("base64url") : null,
  };
}

export async function requireIssue(db: Db, id: string): Promise<IssueRow> {
  const row = await db.issue.findUnique({ where: { id } });
  if (!row) throw new IssueNotFoundError(`No issue ${id}.`);
  return row;
}

export async function issueDetail(db: Db, id: string) {
  const row = await requireIssue(db, id);
  const [occurrences, changes] = await Promise.all([
    db.issueOccurrence.findMany({ where: { issueId: id }, orderBy: { at: "asc" }, take: 2000 }),
    db.issueChange.findMany({ where: { issueId: id }, orderBy: { at: "desc" }, take: 200 }),
  ]);
  return {
    row,
    issue: {
      ...toApiIssue(row),
      occurrences: occurrences.map((o) => ({ at: o.at.toISOString(), count: o.count })),
      samples: issueSamples(row).map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
      changes: changes.map((c) => ({ at: c.at.toISOString(), change: c.change, actor: c.actor, note: c.note })),
    },
  };
}

export async function openIssueCount(db: Db): Promise<number> {
  return db.issue.count({ where: { status: { in: [...ACTIVE_STATUSES] } } });
}

/** Active issues about one subject (the banner on a target, delivery or event page). */
export async function activeIssuesFor(db: Db, subjects: { type: SubjectType; id: string }[]): Promise<IssueRow[]> {
  if (!subjects.length) return [];
  return db.issue.findMany({
    where: { status: { in: [...ACTIVE_STATUSES] }, OR: subjects.map((s) => ({ subjectType: s.type, subjectId: s.id })) },
    orderBy: { lastSeenAt: "desc" },
    take: 5,
  });
}
