// How many events of each type the current filter (all of it but the type) selects,
// for the type picker on /events, and from the same numbers how many events the whole
// filter selects ("replay these N events"). One GROUP BY over Event: with a million
// events and no other filter that is an index scan of 200-300 ms, so answers are
// cached per filter and served stale while a fresh count runs. Live mode asks every
// few seconds; the cache keeps counting to a small share of database time.
import { typeMatchesPatterns } from "~/catalog/event-catalog";
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventFilter } from "./event-filter";
import { eventFilterConditions, whereClause } from "./event-query.server";

const MIN_FRESH_MS = 15_000;
/** A count that took 300 ms stays fresh for 30 s: counting stays under ~1% of database time. */
const FRESH_PER_QUERY_MS = 100;
const MAX_ENTRIES = 200;

export type TypeCounts = Record<string, number>;

interface Entry {
  /** Fresh until then. */
  until: number;
  value: Promise<TypeCounts>;
  settled: TypeCounts | null;
}

const cache = new Map<string, Entry>();

async function queryTypeCounts(handle: DatabaseHandle, filter: Partial<EventFilter>): Promise<TypeCounts> {
  const conditions = eventFilterConditions(handle.provider, { ...filter, type: [] });
  const rows = await handle.db.$queryRaw<{ type: string; count: bigint | number }[]>`
    SELECT e."type" AS "type", COUNT(*) AS "count" FROM "Event" e ${whereClause(conditions)} GROUP BY e."type"`;
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.count)]));
}

/** Counts per type for the filter without its `type` part, a few seconds old at most (see above). */
export function countEventsByType(handle: DatabaseHandle, filter: Partial<EventFilter>, now = Date.now()): Promise<TypeCounts> {
  const key = JSON.stringify([handle.url, { ...filter, type: undefined }]);
  const hit = cache.get(key);
  if (hit && now < hit.until) return hit.settled ? Promise.resolve(hit.settled) : hit.value;

  // Stale while revalidating: until the fresh count lands, the last answer is served.
  const started = performance.now();
  const entry: Entry = { until: now + MIN_FRESH_MS, value: queryTypeCounts(handle, filter), settled: hit?.settled ?? null };
  entry.value.then(
    (counts) => {
      entry.settled = counts;
      entry.until = now + Math.max(MIN_FRESH_MS, (performance.now() - started) * FRESH_PER_QUERY_MS);
    },
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, entry);
  return entry.settled ? Promise.resolve(entry.settled) : entry.value;
}

/** How many events the whole filter selects, from the counts per type. */
export function totalForTypes(counts: TypeCounts, patterns: string[]): number {
  let total = 0;
  for (const [type, count] of Object.entries(counts)) if (typeMatchesPatterns(type, patterns)) total += count;
  return total;
}

/** Tests start from a clean slate. */
export function clearTypeCountCache() {
  cache.clear();
}
