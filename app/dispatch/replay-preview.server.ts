// The dry run of /replays/new: what a replay of this selection to this target would
// send, before anything is queued. Counts by type (one GROUP BY on the type index),
// how many fall outside the target's event types, how many distinct resources (a
// DISTINCT over at most RESOURCE_ROW_CAP rows, so a million-event selection costs a
// bounded scan and says "at least"), and what the pace estimate needs.
import { typeMatchesPatterns } from "~/catalog/event-catalog";
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventFilter } from "~/events/event-filter";
import { eventFilterConditions, whereClause } from "~/events/event-query.server";
import { Prisma } from "~/generated/sqlite/client";
import { parseEventTypes, type TargetRow } from "./target.server";

export const RESOURCE_ROW_CAP = 20_000;
const LATENCY_SAMPLE = 50;

export type ReplaySelection = { kind: "filter"; filter: EventFilter } | { kind: "ids"; eventIds: string[] };

export interface TypeCount {
  type: string;
  count: number;
  /** The target subscribes to it (always true when the target takes every type). */
  inTargetTypes: boolean;
}

export interface ReplayPreview {
  /** Every selected event, whatever its type. */
  selected: number;
  byType: TypeCount[];
  /** Selected events whose type the target does not subscribe to. */
  outside: number;
  /** The target's event types; empty: it takes every type. */
  targetTypes: string[];
  includeOutsideTypes: boolean;
  /** What the job will send with the choice made. */
  toSend: number;
  resources: { count: number; exact: boolean; byType: { resourceType: string; count: number }[] };
  target: { maxPerSecond: number | null; concurrency: number; latencyMs: number | null } | null;
}

export async function previewReplay(
  handle: DatabaseHandle,
  selection: ReplaySelection,
  target: TargetRow | null,
  options: { includeOutsideTypes: boolean },
): Promise<ReplayPreview> {
  const targetTypes = target ? parseEventTypes(target.eventTypes) : [];
  const counts = selection.kind === "filter" ? await countByTypeForFilter(handle, selection.filter) : await countByTypeForIds(handle, selection.eventIds);
  const byType = counts
    .map(({ type, count }) => ({ type, count, inTargetTypes: typeMatchesPatterns(type, targetTypes) }))
    // What will be sent first, then what the target did not ask for.
    .sort((a, b) => Number(b.inTargetTypes) - Number(a.inTargetTypes) || b.count - a.count || (a.type < b.type ? -1 : 1));
  const selected = byType.reduce((sum, t) => sum + t.count, 0);
  const outside = byType.filter((t) => !t.inTargetTypes).reduce((sum, t) => sum + t.count, 0);
  const exclude = !options.includeOutsideTypes && targetTypes.length > 0;
  const toSend = exclude ? selected - outside : selected;
  const resources =
    selection.kind === "filter"
      ? await resourcesForFilter(handle, selection.filter, exclude ? targetTypes : [], toSend)
      : await resourcesForIds(handle, selection.eventIds, exclude ? targetTypes : []);
  return {
    selected,
    byType,
    outside,
    targetTypes,
    includeOutsideTypes: options.includeOutsideTypes,
    toSend,
    resources,
    target: target ? { maxPerSecond: target.maxPerSecond, concurrency: target.concurrency, latencyMs: await recentLatency(handle, target.id) } : null,
  };
}

async function countByTypeForFilter(handle: DatabaseHandle, filter: EventFilter) {
  const rows = await handle.db.$queryRaw<{ type: string; count: bigint | number }[]>`
    SELECT e."type" AS "type", COUNT(*) AS "count" FROM "Event" e
    ${whereClause(eventFilterConditions(handle.provider, filter))}
    GROUP BY e."type"`;
  return rows.map((row) => ({ type: row.type, count: Number(row.count) }));
}

async function countByTypeForIds(handle: DatabaseHandle, ids: string[]) {
  const counts = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await handle.db.event.groupBy({ by: ["type"], where: { id: { in: ids.slice(i, i + 500) } }, _count: { _all: true } });
    for (const row of rows) counts.set(row.type, (counts.get(row.type) ?? 0) + row._count._all);
  }
  return [...counts].map(([type, count]) => ({ type, count }));
}

async function resourcesForFilter(handle: DatabaseHandle, filter: EventFilter, onlyTypes: string[], toSend: number) {
  const conditions = eventFilterConditions(handle.provider, filter);
  if (onlyTypes.length) conditions.push(...eventFilterConditions(handle.provider, { type: onlyTypes }));
  conditions.push(Prisma.sql`e."resourceId" IS NOT NULL`);
  const rows = await handle.db.$queryRaw<{ resourceType: string | null; count: bigint | number }[]>`
    SELECT r."resourceType" AS "resourceType", COUNT(*) AS "count" FROM (
      SELECT DISTINCT s."resourceType", s."resourceId" FROM (
        SELECT e."resourceType", e."resourceId" FROM "Event" e ${whereClause(conditions)} LIMIT ${RESOURCE_ROW_CAP}
      ) s
    ) r
    GROUP BY r."resourceType"`;
  return resourceSummary(
    rows.map((row) => ({ resourceType: row.resourceType ?? "other", count: Number(row.count) })),
    toSend <= RESOURCE_ROW_CAP,
  );
}

async function resourcesForIds(handle: DatabaseHandle, ids: string[], onlyTypes: string[]) {
  const seen = new Map<string, Set<string>>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await handle.db.event.findMany({
      where: { id: { in: ids.slice(i, i + 500) }, resourceId: { not: null } },
      select: { type: true, resourceType: true, resourceId: true },
    });
    for (const row of rows) {
      if (!typeMatchesPatterns(row.type, onlyTypes)) continue;
      const key = row.resourceType ?? "other";
      if (!seen.has(key)) seen.set(key, new Set());
      seen.get(key)!.add(row.resourceId!);
    }
  }
  return resourceSummary(
    [...seen].map(([resourceType, set]) => ({ resourceType, count: set.size })),
    true,
  );
}

function resourceSummary(byType: { resourceType: string; count: number }[], exact: boolean) {
  byType.sort((a, b) => b.count - a.count || (a.resourceType < b.resourceType ? -1 : 1));
  return { count: byType.reduce((sum, r) => sum + r.count, 0), exact, byType };
}

/** Median duration of the target's latest attempts (index (targetId, sentAt)). */
async function recentLatency(handle: DatabaseHandle, targetId: string): Promise<number | null> {
  const rows = await handle.db.dispatchAttempt.findMany({
    where: { targetId },
    orderBy: { sentAt: "desc" },
    take: LATENCY_SAMPLE,
    select: { durationMs: true },
  });
  if (rows.length === 0) return null;
  const sorted = rows.map((r) => r.durationMs).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
