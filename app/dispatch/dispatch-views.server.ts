// Read models for the dispatch pages: recent failed attempts, an event's sends per
// target, and the target picker. Small queries with limits; pages poll them.
import type { Db } from "~/db/prisma.server";

export interface AttemptView {
  id: string;
  eventId: string;
  eventType: string | null;
  svixId: string | null;
  targetId: string;
  targetName: string | null;
  jobId: string | null;
  attempt: number;
  status: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  sentAt: string;
  nextAttemptAt: string | null;
}

export async function recentAttempts(
  db: Db,
  where: { targetId?: string; jobId?: string; eventId?: string; ok?: boolean },
  limit = 20,
): Promise<AttemptView[]> {
  const rows = await db.dispatchAttempt.findMany({
    where,
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { event: { select: { type: true } }, target: { select: { name: true } } },
  });
  return rows.map((a) => ({
    id: a.id,
    eventId: a.eventId,
    eventType: a.event?.type ?? null,
    svixId: a.svixId,
    targetId: a.targetId,
    targetName: a.target?.name ?? null,
    jobId: a.jobId,
    attempt: a.attempt,
    status: a.status,
    ok: a.ok,
    durationMs: a.durationMs,
    error: a.error,
    responseExcerpt: a.responseExcerpt,
    sentAt: a.sentAt.toISOString(),
    nextAttemptAt: a.nextAttemptAt?.toISOString() ?? null,
  }));
}

/** One send of this event to a target (auto-forward or a job), as it stands now. */
export interface EventTaskView {
  id: string;
  targetId: string;
  targetName: string;
  jobId: string | null;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
}

export async function eventDispatchTasks(db: Db, eventId: string, limit = 50): Promise<EventTaskView[]> {
  const rows = await db.dispatchTask.findMany({
    where: { eventId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { target: { select: { name: true } } },
  });
  return rows.map((t) => ({
    id: t.id,
    targetId: t.targetId,
    targetName: t.target.name,
    jobId: t.jobId,
    status: t.status,
    attempts: t.attempts,
    nextAttemptAt: t.status === "pending" ? t.nextAttemptAt.toISOString() : null,
    lastError: t.lastError,
    createdAt: t.createdAt.toISOString(),
  }));
}

export interface TargetOption {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
}

export async function targetOptions(db: Db): Promise<TargetOption[]> {
  return db.target.findMany({
    where: { deletedAt: null },
    orderBy: [{ name: "asc" }, { createdAt: "asc" }],
    select: { id: true, name: true, url: true, enabled: true },
  });
}
