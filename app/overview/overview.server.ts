// The overview page's numbers (`/`): what an operator checks first. Each query is
// bounded by time and uses an index; the whole overview is cached for a few seconds
// per process, because several people may keep it open.
import { Prisma } from "~/generated/sqlite/client";
import { listSubscriptions } from "~/billing/subscriptions.server";
import type { DatabaseHandle } from "~/db/prisma.server";
import { firstIdAt } from "~/db/ids";
import { ACCEPTED_OUTCOMES } from "~/ingest/outcomes";

const HOUR = 60 * 60 * 1000;

export interface HourBucket {
  /** Start of the hour (ms). */
  hour: number;
  /** Count per resource type (events) or per outcome (failures). */
  counts: Record<string, number>;
}

export interface TargetHealth {
  id: string;
  name: string;
  enabled: boolean;
  autoForward: boolean;
  attempts24h: number;
  ok24h: number;
  successRate: number | null;
  backlog: number;
  lastFailureAt: string | null;
}

export interface Overview {
  generatedAt: string;
  range: "24h" | "7d";
  eventsPerHour: HourBucket[];
  resourceTypes: string[];
  failuresPerHour: HourBucket[];
  failureOutcomes: string[];
  totals: { events: number; failures: number; outOfOrder: number };
  targets: TargetHealth[];
  jobs: { id: string; kind: string; status: string; targetName: string; total: number; sent: number; failed: number; createdAt: string }[];
  outOfOrder: { id: string; type: string; resourceId: string | null; timestamp: number; receivedAt: string }[];
  pastDue: { subscriptionId: string; lastEventAt: number; payer: string | null }[];
}

function buckets(rows: { bucket: bigint | number; key: string | null; n: bigint | number }[], from: number, hours: number) {
  const byHour = new Map<number, Record<string, number>>();
  for (let i = 0; i < hours; i++) byHour.set(from + i * HOUR, {});
  const keys = new Set<string>();
  for (const row of rows) {
    const hour = Number(row.bucket) * HOUR;
    const key = row.key ?? "other";
    keys.add(key);
    const counts = byHour.get(hour);
    if (counts) counts[key] = (counts[key] ?? 0) + Number(row.n);
  }
  return { series: [...byHour.entries()].map(([hour, counts]) => ({ hour, counts })), keys: [...keys].sort() };
}

export async function loadOverview(handle: DatabaseHandle, range: "24h" | "7d", now = Date.now()): Promise<Overview> {
  const { db } = handle;
  const hours = range === "24h" ? 24 : 24 * 7;
  const from = Math.floor(now / HOUR) * HOUR - (hours - 1) * HOUR;
  const since = new Date(from);
  const day = new Date(now - 24 * HOUR);

  // NOTE: integer division gives the hour on both providers; bigint columns on both.
  const events = await db.$queryRaw<{ bucket: bigint; key: string | null; n: bigint }[]>`
    SELECT e."timestampMs" / ${BigInt(HOUR)} AS "bucket", e."resourceType" AS "key", COUNT(*) AS "n"
    FROM "Event" e WHERE e."timestampMs" >= ${BigInt(from)} AND e."timestampMs" <= ${BigInt(now)}
    GROUP BY 1, 2`;
  const failureRows = await db.delivery.groupBy({
    by: ["outcome"],
    where: { id: { gte: firstIdAt(since) }, outcome: { notIn: [...ACCEPTED_OUTCOMES] } },
    _count: { _all: true },
  });
  const failures = failureRows.length
    ? await db.$queryRaw<{ bucket: bigint; key: string; n: bigint }[]>`
        SELECT ${handle.provider === "postgres" ? Prisma.sql`(EXTRACT(EPOCH FROM d."receivedAt") * 1000)::bigint` : Prisma.sql`d."receivedAt"`} / ${BigInt(HOUR)} AS "bucket",
          d."outcome" AS "key", COUNT(*) AS "n"
        FROM "Delivery" d
        WHERE d."id" >= ${firstIdAt(since)} AND d."outcome" NOT IN (${Prisma.join([...ACCEPTED_OUTCOMES])})
        GROUP BY 1, 2`
    : [];
  const eventSeries = buckets(events, from, hours);
  const failureSeries = buckets(failures, from, hours);

  const targets = await db.target.findMany({ where: { deletedAt: null }, orderBy: { name: "asc" }, take: 50 });
  const [attempts, backlog, lastFailures] = await Promise.all([
    db.dispatchAttempt.groupBy({ by: ["targetId", "ok"], where: { sentAt: { gte: day } }, _count: { _all: true } }),
    db.dispatchTask.groupBy({ by: ["targetId"], where: { status: { in: ["pending", "sending"] } }, _count: { _all: true } }),
    // NOTE: one indexed lookup per target; `_max` of a DateTime comes back invalid on SQLite (stored as ms).
    Promise.all(
      targets.map((target) =>
        db.dispatchAttempt.findFirst({ where: { targetId: target.id, ok: false }, orderBy: { sentAt: "desc" }, select: { targetId: true, sentAt: true } }),
      ),
    ),
  ]);
  const targetHealth: TargetHealth[] = targets.map((target) => {
    const mine = attempts.filter((a) => a.targetId === target.id);
    const total = mine.reduce((n, a) => n + a._count._all, 0);
    const ok = mine.filter((a) => a.ok).reduce((n, a) => n + a._count._all, 0);
    return {
      id: target.id,
      name: target.name,
      enabled: target.enabled,
      autoForward: target.autoForward,
      attempts24h: total,
      ok24h: ok,
      successRate: total ? ok / total : null,
      backlog: backlog.find((b) => b.targetId === target.id)?._count._all ?? 0,
      lastFailureAt: lastFailures.find((f) => f?.targetId === target.id)?.sentAt.toISOString() ?? null,
    };
  });

  const jobs = await db.dispatchJob.findMany({
    where: { status: { in: ["queued", "running", "paused"] } },
    orderBy: { createdAt: "desc" },
    take: 10,
    include: { target: { select: { name: true } } },
  });
  // Event ids are newId(firstReceivedAt): "received since" is a primary-key range.
  const outOfOrder = await db.event.findMany({
    where: { outOfOrder: true, id: { gte: firstIdAt(since) } },
    orderBy: { id: "desc" },
    take: 10,
    select: { id: true, type: true, resourceId: true, timestampMs: true, firstReceivedAt: true },
  });
  const outOfOrderCount = await db.event.count({ where: { outOfOrder: true, id: { gte: firstIdAt(since) } } });
  const pastDue = await listSubscriptions(handle, { status: "past_due" });

  return {
    generatedAt: new Date(now).toISOString(),
    range,
    eventsPerHour: eventSeries.series,
    resourceTypes: eventSeries.keys,
    failuresPerHour: failureSeries.series,
    failureOutcomes: failureSeries.keys,
    totals: {
      events: events.reduce((n, r) => n + Number(r.n), 0),
      failures: failureRows.reduce((n, r) => n + r._count._all, 0),
      outOfOrder: outOfOrderCount,
    },
    targets: targetHealth,
    jobs: jobs.map((job) => ({
      id: job.id,
      kind: job.kind,
      status: job.status,
      targetName: job.target.name,
      total: job.total,
      sent: job.sent,
      failed: job.failed,
      createdAt: job.createdAt.toISOString(),
    })),
    outOfOrder: outOfOrder.map((e) => ({
      id: e.id,
      type: e.type,
      resourceId: e.resourceId,
      timestamp: Number(e.timestampMs),
      receivedAt: e.firstReceivedAt.toISOString(),
    })),
    pastDue: pastDue.subscriptions.slice(0, 10).map((s) => ({
      subscriptionId: s.subscriptionId,
      lastEventAt: s.lastEventAt,
      payer: s.payer?.email ?? s.payer?.name ?? s.payer?.userId ?? s.payer?.organizationId ?? null,
    })),
  };
}

const cache = new Map<string, { value: Promise<Overview>; expires: number }>();

/** The overview, computed at most every `ttlMs` per range and process. */
export function cachedOverview(handle: DatabaseHandle, range: "24h" | "7d", ttlMs = 10_000): Promise<Overview> {
  const hit = cache.get(range);
  if (hit && hit.expires > Date.now()) return hit.value;
  const value = loadOverview(handle, range);
  cache.set(range, { value, expires: Date.now() + ttlMs });
  value.catch(() => cache.delete(range));
  return value;
}
