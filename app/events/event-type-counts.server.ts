// How many events of each type the current filter (all of it but the type) selects,
// for the type picker on /events. One GROUP BY over Event; with a million events that
// is an index scan of ~100 ms, so answers are cached briefly per filter and served
// stale while a fresh count runs (live mode asks every few seconds).
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventFilter } from "./event-filter";
import { eventFilterConditions, whereClause } from "./event-query.server";

const FRESH_MS = 15_000;
const MAX_ENTRIES = 200;

export type TypeCounts = Record<string, number>;

interface Entry {
  at: number;
  value: Promise<TypeCounts>;
  settled: TypeCounts | null;
}

const cache = new Map<string, Entry>();

async function queryTypeCounts(handle: DatabaseHandle, filter: Partial<EventFilter>): Promise<TypeCounts> {
  const conditions = eventFilterConditions(handle.provider, { ...filter, type: [] });
  // Only the source filter needs the Source table; without it the count is an index-only scan.
  const from = filter.source ? Prisma.sql`"Event" e JOIN "Source" s ON s."id" = e."sourceId"` : Prisma.sql`"Event" e`;
  const rows = await handle.db.$queryRaw<{ type: string; count: bigint | number }[]>`
    SELECT e."type" AS "type", COUNT(*) AS "count" FROM ${from} ${whereClause(conditions)} GROUP BY e."type"`;
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.count)]));
}

/** Counts per type for the filter without its `type` part; at most FRESH_MS old. */
export function countEventsByType(handle: DatabaseHandle, filter: Partial<EventFilter>, now = Date.now()): Promise<TypeCounts> {
  const key = JSON.stringify([handle.url, { ...filter, type: undefined }]);
  const hit = cache.get(key);
  if (hit && now - hit.at < FRESH_MS) return hit.settled ? Promise.resolve(hit.settled) : hit.value;

  // Stale while revalidating: until the fresh count lands, the last answer is served.
  const entry: Entry = { at: now, value: queryTypeCounts(handle, filter), settled: hit?.settled ?? null };
  entry.value.then(
    (counts) => (entry.settled = counts),
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, entry);
  return entry.settled ? Promise.resolve(entry.settled) : entry.value;
}

/** Tests start from a clean slate. */
export function clearTypeCountCache() {
  cache.clear();
}
