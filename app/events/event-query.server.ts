// Listing and counting events by filter, for the event list, the JSON API and bulk
// replays. One parameterised SQL query (Prisma.sql) serves both providers; only the
// full-text condition differs (search.server.ts).
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventFilter, EventListQuery } from "./event-filter";
import { searchCondition } from "./search.server";

export interface EventRow {
  id: string;
  svixId: string;
  type: string;
  knownType: boolean;
  timestampMs: bigint;
  svixTimestamp: bigint | null;
  firstReceivedAt: Date;
  sourceSlug: string;
  instanceId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  userId: string | null;
  organizationId: string | null;
  subscriptionId: string | null;
  payerId: string | null;
  deliveryCount: number;
  outOfOrder: boolean;
  verifiedOutsideTolerance: boolean;
  firstDeliveryId: string;
}

/** The event as the JSON API and pages show it (DESIGN.md field names). */
export interface ApiEvent {
  id: string;
  svixId: string;
  type: string;
  knownType: boolean;
  /** Envelope timestamp, milliseconds. */
  timestamp: number;
  receivedAt: string;
  source: string;
  instanceId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  userId: string | null;
  organizationId: string | null;
  subscriptionId: string | null;
  payerId: string | null;
  deliveryCount: number;
  outOfOrder: boolean;
  verifiedOutsideTolerance: boolean;
}

export function toApiEvent(row: EventRow): ApiEvent {
  return {
    id: row.id,
    svixId: row.svixId,
    type: row.type,
    knownType: Boolean(row.knownType),
    timestamp: Number(row.timestampMs),
    receivedAt: row.firstReceivedAt.toISOString(),
    source: row.sourceSlug,
    instanceId: row.instanceId,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    userId: row.userId,
    organizationId: row.organizationId,
    subscriptionId: row.subscriptionId,
    payerId: row.payerId,
    deliveryCount: Number(row.deliveryCount),
    outOfOrder: Boolean(row.outOfOrder),
    verifiedOutsideTolerance: Boolean(row.verifiedOutsideTolerance),
  };
}

export const EVENT_COLUMNS = Prisma.sql`e."id", e."svixId", e."type", e."knownType", e."timestampMs", e."svixTimestamp",
  e."firstReceivedAt", (SELECT s."slug" FROM "Source" s WHERE s."id" = e."sourceId") AS "sourceSlug", e."instanceId", e."resourceType", e."resourceId", e."userId",
  e."organizationId", e."subscriptionId", e."payerId", e."deliveryCount", e."outOfOrder",
  e."verifiedOutsideTolerance", e."firstDeliveryId"`;

/** `user.*` → every type from `user.` up to (not including) `user/`, in byte order. */
function typeCondition(patterns: string[]): Prisma.Sql | null {
  if (patterns.length === 0 || patterns.includes("*")) return null;
  const exact = patterns.filter((p) => !p.endsWith(".*"));
  const prefixes = patterns.filter((p) => p.endsWith(".*")).map((p) => p.slice(0, -1));
  const parts: Prisma.Sql[] = [];
  if (exact.length) parts.push(Prisma.sql`e."type" IN (${Prisma.join(exact)})`);
  for (const prefix of prefixes) {
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    parts.push(Prisma.sql`(e."type" >= ${prefix} AND e."type" < ${upper})`);
  }
  return Prisma.sql`(${Prisma.join(parts, " OR ")})`;
}

/**
 * `user.*` → the exact types stored under that prefix, found with a loose index scan
 * (one seek on the type index per distinct type, so a handful of seeks). With an IN
 * list both SQLite and Postgres walk (type, timestampMs, id) per type and stop after
 * one page; with a range condition they sort every matching row first (~250 ms for
 * `user.*` at a million events on SQLite). A prefix with no stored type stays a range,
 * which matches nothing.
 */
export async function resolveTypePatterns<F extends Partial<EventFilter>>(handle: DatabaseHandle, filter: F): Promise<F> {
  const patterns = filter.type ?? [];
  if (patterns.includes("*") || !patterns.some((p) => p.endsWith(".*"))) return filter;
  const resolved = new Set<string>();
  for (const pattern of patterns) {
    if (!pattern.endsWith(".*")) {
      resolved.add(pattern);
      continue;
    }
    const prefix = pattern.slice(0, -1);
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const rows = await handle.db.$queryRaw<{ type: string | null }[]>`
      WITH RECURSIVE t("type") AS (
        SELECT MIN(e."type") FROM "Event" e WHERE e."type" >= ${prefix} AND e."type" < ${upper}
        UNION ALL
        SELECT (SELECT MIN(e."type") FROM "Event" e WHERE e."type" > t."type" AND e."type" < ${upper}) FROM t WHERE t."type" IS NOT NULL
      )
      SELECT "type" FROM t WHERE "type" IS NOT NULL LIMIT 1000`;
    if (rows.length === 0) resolved.add(pattern);
    for (const row of rows) if (row.type) resolved.add(row.type);
  }
  return { ...filter, type: [...resolved] };
}

/** Any id: a user, organization, session, membership, subscription, payer or svix-id. */
function resourceCondition(id: string): Prisma.Sql {
  return Prisma.sql`(e."resourceId" = ${id} OR e."userId" = ${id} OR e."organizationId" = ${id}
    OR e."subscriptionId" = ${id} OR e."payerId" = ${id} OR e."svixId" = ${id})`;
}

/**
 * The WHERE conditions for a filter, on the alias `e` (Event). NOTE: no join with
 * Source: with a join, SQLite's planner (once ANALYZE has run) starts from the few
 * Source rows and sorts every event, 8 s at a million events instead of 1 ms.
 */
export function eventFilterConditions(provider: DatabaseHandle["provider"], filter: Partial<EventFilter>): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  const types = typeCondition(filter.type ?? []);
  if (types) conditions.push(types);
  if (filter.outcome === "duplicate") conditions.push(Prisma.sql`e."deliveryCount" > 1`);
  if (filter.source) {
    // NOTE: SQLite's unary + keeps the planner off the (sourceId, svixId) index, which
    // would sort a whole source's events; the time index with a filter is the fast path.
    const column = provider === "sqlite" ? Prisma.sql`+e."sourceId"` : Prisma.sql`e."sourceId"`;
    conditions.push(Prisma.sql`${column} = (SELECT s."id" FROM "Source" s WHERE s."slug" = ${filter.source})`);
  }
  if (filter.resource) conditions.push(resourceCondition(filter.resource));
  if (filter.from) conditions.push(Prisma.sql`e."timestampMs" >= ${BigInt(filter.from.getTime())}`);
  if (filter.to) conditions.push(Prisma.sql`e."timestampMs" <= ${BigInt(filter.to.getTime())}`);
  if (filter.q) conditions.push(searchCondition(provider, filter.q));
  return conditions;
}

export function whereClause(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

interface Cursor {
  key: string;
  id: string;
}

/**
 * Keyset condition "after (key, id)" in the direction of `op`: on `column` then `id`,
 * or on `id` alone when the order is arrival (column null).
 * NOTE: a row value, not `key < ? OR (key = ? AND id < ?)`: with bound parameters
 * SQLite reads the OR form as a scan of the (timestampMs, id) index from its start,
 * skipping every row of the earlier pages (a list page after 40,000 events cost 8 times
 * the first; an export batch after 900,000, 500 times), and with a type IN list it
 * splits the OR into two searches. The row value is one range search on (timestampMs,
 * id) or (type, timestampMs, id) on both providers, for the same rows: (a, b) < (x, y)
 * is a < x OR (a = x AND b < y). EXPLAIN QUERY PLAN in docs/benchmarks.md, "Export".
 */
export function keysetCondition(column: Prisma.Sql | null, key: unknown, id: string, op: "<" | ">"): Prisma.Sql {
  const cmp = Prisma.raw(op);
  if (!column) return Prisma.sql`e."id" ${cmp} ${id}`;
  return Prisma.sql`(${column}, e."id") ${cmp} (${key}, ${id})`;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString("base64url");
}

export class InvalidCursorError extends Error {}

function decodeCursor(value: string): Cursor {
  try {
    const [key, id] = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof key === "string" && /^\d{1,16}$/.test(key) && typeof id === "string" && id.length <= 40) return { key, id };
  } catch {
    // fall through
  }
  throw new InvalidCursorError("Invalid `cursor`: use the nextCursor of a previous page.");
}

/**
 * One page of events, newest first by default. Keyset pagination on (sort key, id):
 * ids are time-ordered, so equal timestamps keep a stable order, and page 50 costs
 * what page 1 costs.
 */
export async function listEvents(
  handle: DatabaseHandle,
  query: EventListQuery,
): Promise<{ events: ApiEvent[]; rows: EventRow[]; nextCursor: string | null }> {
  const conditions = eventFilterConditions(handle.provider, await resolveTypePatterns(handle, query.filter));
  // NOTE: arrival order is id order (ids are newId(firstReceivedAt)), so it needs no
  // index of its own; the cursor keeps its (key, id) shape for both orders.
  const column = query.sort === "received" ? null : Prisma.sql`e."timestampMs"`;
  const descending = query.dir === "desc";
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    conditions.push(keysetCondition(column, column ? BigInt(cursor.key) : null, cursor.id, descending ? "<" : ">"));
  }
  const direction = descending ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await handle.db.$queryRaw<EventRow[]>`
    SELECT ${EVENT_COLUMNS}
    FROM "Event" e
    ${whereClause(conditions)}
    ORDER BY ${column ? Prisma.sql`${column} ${direction}, ` : Prisma.empty}e."id" ${direction}
    LIMIT ${query.limit + 1}`;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({
          key: query.sort === "received" ? String(last.firstReceivedAt.getTime()) : String(last.timestampMs),
          id: last.id,
        })
      : null;
  return { events: page.map(toApiEvent), rows: page, nextCursor };
}

/** How many events a filter selects (for "replay these N events"). */
export async function countEvents(handle: DatabaseHandle, filter: Partial<EventFilter>): Promise<number> {
  const [row] = await handle.db.$queryRaw<{ count: bigint | number }[]>`
    SELECT COUNT(*) AS "count" FROM "Event" e
    ${whereClause(eventFilterConditions(handle.provider, await resolveTypePatterns(handle, filter)))}`;
  return Number(row?.count ?? 0);
}

export async function getEventRow(handle: DatabaseHandle, id: string): Promise<EventRow | null> {
  const [row] = await handle.db.$queryRaw<EventRow[]>`
    SELECT ${EVENT_COLUMNS} FROM "Event" e WHERE e."id" = ${id}`;
  return row ?? null;
}
