// The one way an issue row changes: a conditional UPDATE on its `version`, in a
// transaction that also writes the change's history row, its per-minute occurrences
// and its notifications (the outbox the worker sends from). Several instances on one
// database may try the same transition at once; exactly one UPDATE matches, so exactly
// one notification per change is written (ADR 0011).
import type { Db, Prisma } from "~/db/prisma.server";
import type { SampleRef } from "./detect-conditions.server";
import type { IssueKind, NotificationType } from "./issue-kinds";
import { toApiIssue, type IssueRow } from "./issues.server";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface TransitionEffects {
  /** History row: opened, reopened, acknowledged, muted, unmuted, resolved. */
  change?: { change: string; actor: string; note?: string | null };
  notify?: Exclude<NotificationType, "test"> | null;
  /** Items to count in the per-minute occurrences (or a bare count at `now`). */
  occurrences?: SampleRef[] | { at: number; count: number };
  now: number;
}

const MINUTE = 60_000;

async function addOccurrences(tx: Tx, issueId: string, occurrences: TransitionEffects["occurrences"]) {
  if (!occurrences) return;
  const buckets = new Map<number, number>();
  const list = Array.isArray(occurrences) ? occurrences.map((o) => ({ at: o.at, count: 1 })) : [occurrences];
  for (const o of list) {
    if (o.count <= 0) continue;
    const minute = Math.floor(o.at / MINUTE) * MINUTE;
    buckets.set(minute, (buckets.get(minute) ?? 0) + o.count);
  }
  for (const [at, count] of buckets) {
    await tx.issueOccurrence.upsert({
      where: { issueId_at: { issueId, at: new Date(at) } },
      create: { issueId, at: new Date(at), count },
      update: { count: { increment: count } },
    });
  }
}

function channelWants(kinds: string, kind: IssueKind): boolean {
  try {
    const list = JSON.parse(kinds) as string[];
    return list.length === 0 || list.includes(kind);
  } catch {
    return true;
  }
}

/** Writes one notification per enabled channel that takes this kind (unless the issue is muted). */
export async function enqueueNotifications(tx: Tx, issue: IssueRow, type: Exclude<NotificationType, "test">, now: number) {
  if (issue.mutedUntil && issue.mutedUntil.getTime() > now) return 0;
  const channels = await tx.notificationChannel.findMany({ where: { enabled: true }, select: { id: true, kinds: true } });
  const payload = JSON.stringify({ type, issue: toApiIssue(issue) });
  const rows = channels.filter((c) => channelWants(c.kinds, issue.kind as IssueKind)).map((c) => ({ channelId: c.id, issueId: issue.id, type, payload }));
  if (rows.length) await tx.issueNotification.createMany({ data: rows });
  return rows.length;
}

async function sideEffects(tx: Tx, row: IssueRow, effects: TransitionEffects) {
  if (effects.change) await tx.issueChange.create({ data: { issueId: row.id, at: new Date(effects.now), ...effects.change } });
  await addOccurrences(tx, row.id, effects.occurrences);
  if (effects.notify) await enqueueNotifications(tx, row, effects.notify, effects.now);
}

/**
 * Applies `data` if the row is still at `issue.version` (and, optionally, in one of
 * `statuses`). Returns the new row, or null when another instance or person changed it first.
 */
export async function transitionIssue(
  db: Db,
  issue: Pick<IssueRow, "id" | "version">,
  data: Prisma.IssueUpdateManyMutationInput,
  effects: TransitionEffects,
  statuses?: readonly string[],
): Promise<IssueRow | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.issue.updateMany({
      where: { id: issue.id, version: issue.version, ...(statuses ? { status: { in: [...statuses] } } : {}) },
      data: { ...data, version: { increment: 1 } },
    });
    if (count !== 1) return null;
    const row = await tx.issue.findUniqueOrThrow({ where: { id: issue.id } });
    await sideEffects(tx, row, effects);
    return row;
  });
}

/** Opens a new issue. Null when another instance created it first (the unique (kind, subject)). */
export async function createIssue(db: Db, data: Prisma.IssueUncheckedCreateInput, effects: TransitionEffects): Promise<IssueRow | null> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.issue.create({ data });
      await sideEffects(tx, row, effects);
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: { code?: string } } | null;
  return e?.code === "P2002" || e?.cause?.code === "23505" || /unique constraint/i.test(e?.message ?? "");
}
