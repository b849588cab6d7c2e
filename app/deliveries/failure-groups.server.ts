// Failed deliveries grouped by source and outcome (`/deliveries`, above the list): how
// many, first and last seen, how they spread over the window, and what fixes them.
//
// NOTE: one query per provider (failureGroupsSql), each on an existing index. A delivery's id
// is newId(receivedAt) (app/db/ids.ts), so the time window is an id range and the first
// 6 characters of an id are its time in steps of 2^20 ms (about 17.5 minutes): the
// sparkline's buckets come from the index too, without reading a row (rows carry the
// bodies). The window is always bounded (MAX_WINDOW_MS); the cost grows with the failures
// in the window, not with the deliveries stored.
import { firstIdAt, lastIdAt } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { Prisma } from "~/generated/sqlite/client";
import type { Outcome } from "~/ingest/outcomes";
import { FAILED_OUTCOMES } from "./delivery-filter";
import { REVERIFIABLE_OUTCOMES } from "./reverify.server";

const DAY = 24 * 60 * 60 * 1000;
/** The window when the page sets none. */
export const DEFAULT_WINDOW_MS = 7 * DAY;
/** The longest window grouped; a longer one is cut to its most recent part. */
export const MAX_WINDOW_MS = 31 * DAY;
/** Points of each sparkline. */
export const SPARKLINE_POINTS = 24;
/** Groups shown; an attacker posting to many made-up slugs makes many `unknown_source` groups. */
export const MAX_GROUPS = 50;

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX = 6;
/** The time span of one id prefix of PREFIX characters: 10 - PREFIX characters of 5 bits. */
const PREFIX_MS = 2 ** (5 * (10 - PREFIX));

/** The receive time (ms) at the start of an id prefix. */
function prefixTime(prefix: string): number {
  let ms = 0;
  for (const char of prefix.padEnd(10, "0")) ms = ms * 32 + ALPHABET.indexOf(char);
  return ms;
}

/** The receive time (ms) encoded in a delivery id. */
export function idTime(id: string): number {
  return prefixTime(id.slice(0, 10));
}

export interface FailureGroup {
  source: string;
  outcome: Outcome;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The oldest and newest delivery of the group in the window. */
  firstId: string;
  lastId: string;
  /** Deliveries per step of the window, oldest first (SPARKLINE_POINTS of them, fewer for a window under 7 hours, so no step is shorter than an id prefix). */
  sparkline: number[];
  /** Whether the stored bytes may verify once the cause is fixed (app/deliveries/reverify.server.ts). */
  reverifiable: boolean;
  /** Whether the source slug is configured now (an `unknown_source` group may have been added since). */
  sourceExists: boolean;
}

export interface FailureGroups {
  from: string;
  to: string;
  /** The window was cut to MAX_WINDOW_MS, or set to DEFAULT_WINDOW_MS when the page set none. */
  window: "given" | "default" | "clipped";
  stepMs: number;
  groups: FailureGroup[];
  /** Groups beyond MAX_GROUPS, left off. */
  more: number;
}

export interface FailureGroupQuery {
  source?: string;
  /** One failed outcome; any other selection (failed, all) means every failed outcome. */
  outcome?: string;
  from?: Date;
  to?: Date;
}

/** The bounded window of a query: `to` defaults to now, `from` to DEFAULT_WINDOW_MS before it. */
export function failureWindow(query: Pick<FailureGroupQuery, "from" | "to">, now: number): { from: number; to: number; window: FailureGroups["window"] } {
  const to = Math.min(query.to?.getTime() ?? now, now);
  if (!query.from) return { from: to - DEFAULT_WINDOW_MS, to, window: "default" };
  const from = query.from.getTime();
  if (to - from > MAX_WINDOW_MS) return { from: to - MAX_WINDOW_MS, to, window: "clipped" };
  return { from, to, window: "given" };
}

/**
 * The grouping query: one row per (source, outcome, 17.5-minute id prefix) in the window.
 * Exported so the tests and scripts/bench-failure-groups.ts EXPLAIN exactly what the page runs.
 */
export function failureGroupsSql(
  provider: DatabaseHandle["provider"],
  input: { source?: string; outcomes: readonly string[]; from: number; to: number },
): Prisma.Sql {
  const lo = firstIdAt(new Date(input.from));
  const hi = lastIdAt(new Date(input.to));
  const prefix = Prisma.raw(String(PREFIX));
  const select = Prisma.sql`SELECT d."sourceSlug" AS "source", d."outcome" AS "outcome", substr(d."id", 1, ${prefix}) AS "bucket",
      COUNT(*) AS "n", MIN(d."id") AS "first", MAX(d."id") AS "last"`;
  if (provider === "postgres") {
    // NOTE: Postgres reads [outcome, id] as a bitmap and the heap pages it points to;
    // at 1M deliveries with 50,000 failures in a week that beats the SQLite form below
    // by 6x (it hash-joins the week's whole id range). scripts/bench-failure-groups.ts.
    return Prisma.sql`${select}
    FROM "Delivery" d
    WHERE d."outcome" IN (${Prisma.join([...input.outcomes])}) AND d."id" >= ${lo} AND d."id" <= ${hi}
      ${input.source ? Prisma.sql`AND d."sourceSlug" = ${input.source}` : Prisma.empty}
    GROUP BY 1, 2, 3`;
  }
  // NOTE (SQLite): the slugs come first, by a loose index scan (one seek per slug on
  // [sourceSlug, id]); then each (slug, outcome) pair is a range of [sourceSlug,
  // outcome, id], read from the index alone. Asked with `outcome IN (…)`, SQLite takes
  // [outcome, id] and reads every failed row to learn its slug (2-4x slower at 1M).
  // CROSS JOIN keeps the slugs and outcomes as the outer loops
  // (https://sqlite.org/optoverview.html#crossjoin).
  return Prisma.sql`
    WITH RECURSIVE "slugs"("slug") AS (
      ${input.source ? Prisma.sql`SELECT CAST(${input.source} AS TEXT)` : Prisma.sql`SELECT MIN("sourceSlug") FROM "Delivery"
      UNION ALL
      SELECT (SELECT MIN(d2."sourceSlug") FROM "Delivery" d2 WHERE d2."sourceSlug" > s."slug") FROM "slugs" s WHERE s."slug" IS NOT NULL`}
    ),
    "failed"("outcome") AS (VALUES ${Prisma.join(input.outcomes.map((outcome) => Prisma.sql`(CAST(${outcome} AS TEXT))`))})
    ${select}
    FROM "slugs" s CROSS JOIN "failed" f CROSS JOIN "Delivery" d
    WHERE d."sourceSlug" = s."slug" AND d."outcome" = f."outcome" AND d."id" >= ${lo} AND d."id" <= ${hi}
    GROUP BY 1, 2, 3`;
}

export async function loadFailureGroups(handle: DatabaseHandle, query: FailureGroupQuery, now = Date.now()): Promise<FailureGroups> {
  const { from, to, window } = failureWindow(query, now);
  const outcomes = query.outcome && (FAILED_OUTCOMES as readonly string[]).includes(query.outcome) ? [query.outcome as Outcome] : [...FAILED_OUTCOMES];
  // A step is never shorter than an id prefix: a 1-hour window has 3 points, not 24.
  const points = Math.min(SPARKLINE_POINTS, Math.max(1, Math.floor((to - from + 1) / PREFIX_MS)));
  const stepMs = Math.ceil((to - from + 1) / points);
  const empty: FailureGroups = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), window, stepMs, groups: [], more: 0 };
  if (to < from) return empty;

  const rows = await handle.db.$queryRaw<{ source: string; outcome: string; bucket: string; n: bigint | number; first: string; last: string }[]>(
    failureGroupsSql(handle.provider, { source: query.source, outcomes, from, to }),
  );

  const byGroup = new Map<string, { source: string; outcome: Outcome; count: number; first: string; last: string; sparkline: number[] }>();
  for (const row of rows) {
    const key = `${row.source}\u0000${row.outcome}`;
    let group = byGroup.get(key);
    if (!group) {
      group = { source: row.source, outcome: row.outcome as Outcome, count: 0, first: row.first, last: row.last, sparkline: new Array<number>(points).fill(0) };
      byGroup.set(key, group);
    }
    const n = Number(row.n);
    group.count += n;
    if (row.first < group.first) group.first = row.first;
    if (row.last > group.last) group.last = row.last;
    // A bucket of the index (17.5 min) goes to the step its start falls in.
    const step = Math.floor((Math.max(prefixTime(row.bucket), from) - from) / stepMs);
    group.sparkline[Math.min(step, points - 1)]! += n;
  }
  const sorted = [...byGroup.values()].sort((a, b) => b.count - a.count || (a.last < b.last ? 1 : -1));
  const shown = sorted.slice(0, MAX_GROUPS);
  const slugs = [...new Set(shown.map((g) => g.source))];
  const existing = slugs.length
    ? new Set((await handle.db.source.findMany({ where: { slug: { in: slugs } }, select: { slug: true } })).map((s) => s.slug))
    : new Set<string>();
  return {
    ...empty,
    more: sorted.length - shown.length,
    groups: shown.map((g) => ({
      source: g.source,
      outcome: g.outcome,
      count: g.count,
      firstSeen: new Date(idTime(g.first)).toISOString(),
      lastSeen: new Date(idTime(g.last)).toISOString(),
      firstId: g.first,
      lastId: g.last,
      sparkline: g.sparkline,
      reverifiable: REVERIFIABLE_OUTCOMES.includes(g.outcome) && g.outcome !== "malformed_payload",
      sourceExists: existing.has(g.source),
    })),
  };
}
