// The queries behind every lifecycle view (user, organization, billing): one page of a
// resource's timeline, the latest event per resource, deletions, counts. Each reads the
// indexed id columns extracted at ingest (userId, organizationId, subscriptionId,
// payerId) and never the payloads; callers parse only the payloads of what they show.
// One parameterised SQL text serves SQLite and Postgres (window functions and
// COALESCE exist in both).
import { z } from "zod";

import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { toApiEvent, type EventRow } from "~/events/event-query.server";
import { loadEventPayloads, rawBodyAsText } from "~/events/event-payload.server";
import { searchCondition } from "~/events/search.server";
import { logger } from "~/observability/logger.server";
import { asObject, type EventWithData, type Json, type LifecycleEvent } from "./lifecycle-event";
import { queryRows } from "./lifecycle-sql.server";

export type ScopeColumn = "userId" | "organizationId" | "subscriptionId" | "payerId";

/** Every event that touches one user, organization, subscription or payer. */
export interface TimelineScope {
  column: ScopeColumn;
  /** One id, or several (e.g. the subscriptions on one page of the billing list). */
  id: string | readonly string[];
  /**
   * Events that belong to the scope although the column does not name it: the
   * `organization.created` events whose `created_by` is the user (see eventsCreatedBy).
   */
  alsoEventIds?: readonly string[];
}

const SCOPE_COLUMNS: Record<ScopeColumn, Prisma.Sql> = {
  userId: Prisma.raw(`e."userId"`),
  organizationId: Prisma.raw(`e."organizationId"`),
  subscriptionId: Prisma.raw(`e."subscriptionId"`),
  payerId: Prisma.raw(`e."payerId"`),
};

function scopeCondition(scope: TimelineScope): Prisma.Sql {
  const column =
    typeof scope.id === "string"
      ? Prisma.sql`${SCOPE_COLUMNS[scope.column]} = ${scope.id}`
      : scope.id.length
        ? Prisma.sql`${SCOPE_COLUMNS[scope.column]} IN (${Prisma.join([...scope.id])})`
        : Prisma.sql`1 = 0`;
  if (!scope.alsoEventIds?.length) return column;
  return Prisma.sql`(${column} OR e."id" IN (${Prisma.join([...scope.alsoEventIds])}))`;
}

// The event list's columns. The source slug is a scalar subquery, not a JOIN: with a
// JOIN, SQLite puts "Source" in the outer loop and then sorts the scope's whole history
// instead of walking the (scope, timestampMs) index.
const COLUMNS = Prisma.sql`e."id", e."svixId", e."type", e."knownType", e."timestampMs", e."svixTimestamp",
  e."firstReceivedAt", (SELECT s."slug" FROM "Source" s WHERE s."id" = e."sourceId") AS "sourceSlug", e."instanceId",
  e."resourceType", e."resourceId", e."userId", e."organizationId", e."subscriptionId", e."payerId", e."deliveryCount",
  e."outOfOrder", e."verifiedOutsideTolerance", e."firstDeliveryId"`;

/** Event rows as both providers return them, with Date, boolean and bigint fields restored. */
async function eventRows(handle: DatabaseHandle, sql: Prisma.Sql): Promise<EventRow[]> {
  return (await queryRows<EventRow>(handle, sql)).map(normaliseRow);
}

export function toLifecycleEvent(row: EventRow): LifecycleEvent {
  return { ...toApiEvent(row), svixTimestamp: row.svixTimestamp === null ? null : Number(row.svixTimestamp) };
}

// NOTE: DESIGN.md: order by envelope timestamp, then svix-timestamp, then time received.
const ORDER_ASC = Prisma.sql`e."timestampMs" ASC, COALESCE(e."svixTimestamp", 0) ASC, e."firstReceivedAt" ASC, e."id" ASC`;
const ORDER_DESC = Prisma.sql`e."timestampMs" DESC, COALESCE(e."svixTimestamp", 0) DESC, e."firstReceivedAt" DESC, e."id" DESC`;
const RECEIVED_ASC = Prisma.sql`e."firstReceivedAt" ASC, e."id" ASC`;
const RECEIVED_DESC = Prisma.sql`e."firstReceivedAt" DESC, e."id" DESC`;

export const TIMELINE_SORTS = ["timestamp", "received"] as const;
export type TimelineSort = (typeof TIMELINE_SORTS)[number];

export interface TimelinePageOptions {
  /** Only these resource types (a category); null for all. */
  resourceTypes?: readonly string[] | null;
  /** Leave these resource types out ("other" = everything not in a category). */
  excludeResourceTypes?: readonly string[];
  /** `timestamp` (envelope order, the default) or `received` (arrival order). */
  sort: TimelineSort;
  dir: "asc" | "desc";
  limit: number;
  cursor?: string;
  /** Text in the payload (full-text index, as the event list's `q`) or the start of the type. */
  q?: string;
  /** A UTC day, YYYY-MM-DD: the page starts there (at its end when newest first). */
  at?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function textCondition(handle: DatabaseHandle, q: string): Prisma.Sql {
  return Prisma.sql`(${searchCondition(handle.provider, q)} OR e."type" LIKE ${`${q.replace(/[%_\\]/g, "")}%`})`;
}

/** The jump-to-date bound: everything up to the end of the day (newest first), or from its start. */
function dayCondition(at: string, descending: boolean): Prisma.Sql {
  const start = BigInt(Date.parse(`${at}T00:00:00Z`));
  return descending ? Prisma.sql`e."timestampMs" < ${start + BigInt(DAY_MS)}` : Prisma.sql`e."timestampMs" >= ${start}`;
}

// A cursor is the sort key of the last row shown: [sort, timestampMs, svixTimestamp, receivedMs, id].
const CursorSchema = z.tuple([
  z.enum(TIMELINE_SORTS),
  z.string().regex(/^\d{1,16}$/),
  z.string().regex(/^\d{1,16}$/),
  z.string().regex(/^\d{1,16}$/),
  z.string().min(1).max(40),
]);
type Cursor = z.infer<typeof CursorSchema>;

export class InvalidTimelineCursorError extends Error {
  constructor() {
    super("Invalid `cursor`: use the nextCursor of a previous page.");
  }
}

function encodeCursor(sort: TimelineSort, row: EventRow): string {
  const cursor: Cursor = [sort, String(row.timestampMs), String(row.svixTimestamp ?? 0), String(row.firstReceivedAt.getTime()), row.id];
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(value: string, sort: TimelineSort): Cursor {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    if (parsed.success && parsed.data[0] === sort) return parsed.data;
  } catch {
    // fall through
  }
  throw new InvalidTimelineCursorError();
}

/** Rows strictly after the cursor in the page's order (keyset pagination). */
function afterCursor(cursor: Cursor, descending: boolean): Prisma.Sql {
  const [sort, t, s, r, id] = cursor;
  const timestamp = BigInt(t);
  const svix = BigInt(s);
  const received = new Date(Number(r));
  const cmp = descending ? Prisma.raw("<") : Prisma.raw(">");
  if (sort === "received") {
    return Prisma.sql`(e."firstReceivedAt" ${cmp} ${received} OR (e."firstReceivedAt" = ${received} AND e."id" ${cmp} ${id}))`;
  }
  // The bare bound on timestampMs lets the (scope, timestampMs) index do a range scan.
  const bound = descending ? Prisma.sql`e."timestampMs" <= ${timestamp}` : Prisma.sql`e."timestampMs" >= ${timestamp}`;
  return Prisma.sql`${bound} AND (e."timestampMs" ${cmp} ${timestamp} OR (e."timestampMs" = ${timestamp} AND (
    COALESCE(e."svixTimestamp", 0) ${cmp} ${svix} OR (COALESCE(e."svixTimestamp", 0) = ${svix} AND (
      e."firstReceivedAt" ${cmp} ${received} OR (e."firstReceivedAt" = ${received} AND e."id" ${cmp} ${id}))))))`;
}

// NOTE: within a scope, the resource type is a filter, never the index to use: written as
// an expression, SQLite (which keeps no statistics here) cannot pick the
// (resourceType, resourceId, timestampMs) index and scan every session in the database
// instead of the scope's few thousand rows (1 s → 20 ms at a million events).
const SCOPED_RESOURCE_TYPE = Prisma.sql`(e."resourceType" || '')`;

function resourceTypeIn(resourceTypes: readonly string[]): Prisma.Sql {
  return resourceTypes.length ? Prisma.sql`${SCOPED_RESOURCE_TYPE} IN (${Prisma.join([...resourceTypes])})` : Prisma.sql`1 = 0`;
}

function resourceTypeConditions(options: Pick<TimelinePageOptions, "resourceTypes" | "excludeResourceTypes">): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (options.resourceTypes) conditions.push(resourceTypeIn(options.resourceTypes));
  if (options.excludeResourceTypes?.length) {
    conditions.push(
      Prisma.sql`(e."resourceType" IS NULL OR ${SCOPED_RESOURCE_TYPE} NOT IN (${Prisma.join([...options.excludeResourceTypes])}))`,
    );
  }
  return conditions;
}

/** One page of the scope's events, in envelope order (or arrival order on request). */
export async function listTimelinePage(
  handle: DatabaseHandle,
  scope: TimelineScope,
  options: TimelinePageOptions,
): Promise<{ rows: EventRow[]; nextCursor: string | null }> {
  const descending = options.dir === "desc";
  const conditions = [scopeCondition(scope), ...resourceTypeConditions(options)];
  if (options.cursor) conditions.push(afterCursor(decodeCursor(options.cursor, options.sort), descending));
  if (options.q) conditions.push(textCondition(handle, options.q));
  // The day is in envelope time; in arrival order it bounds the same column (close enough to find one's place).
  if (options.at) conditions.push(dayCondition(options.at, descending));
  const order =
    options.sort === "received" ? (descending ? RECEIVED_DESC : RECEIVED_ASC) : descending ? ORDER_DESC : ORDER_ASC;
  const rows = await eventRows(
    handle,
    Prisma.sql`SELECT ${COLUMNS} FROM "Event" e WHERE ${Prisma.join(conditions, " AND ")} ORDER BY ${order} LIMIT ${options.limit + 1}`,
  );
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > options.limit && last ? encodeCursor(options.sort, last) : null };
}

/** Every event of the scope, oldest first, up to `limit` (billing timelines are short). */
export async function listScopeEvents(
  handle: DatabaseHandle,
  scope: TimelineScope,
  options: { resourceTypes?: readonly string[]; onlyUnlinked?: boolean; limit: number },
): Promise<EventRow[]> {
  const conditions = [scopeCondition(scope), ...resourceTypeConditions({ resourceTypes: options.resourceTypes ?? null })];
  if (options.onlyUnlinked) conditions.push(Prisma.sql`e."subscriptionId" IS NULL`);
  return eventRows(
    handle,
    Prisma.sql`SELECT ${COLUMNS} FROM "Event" e WHERE ${Prisma.join(conditions, " AND ")} ORDER BY ${ORDER_ASC} LIMIT ${options.limit}`,
  );
}

export interface LatestResourceRow {
  row: EventRow;
  /** Envelope time and type of the resource's first stored event. */
  firstTimestampMs: number;
  firstType: string;
  eventCount: number;
}

/**
 * The latest event of each resource (membership, session, subscription...) that the
 * scope touches, newest first. The window runs over the scope's index range only.
 */
export async function latestPerResource(
  handle: DatabaseHandle,
  scope: TimelineScope | null,
  resourceTypes: readonly string[],
  options: { excludeLatestTypes?: readonly string[]; resourceIds?: readonly string[]; limit: number },
): Promise<LatestResourceRow[]> {
  if (resourceTypes.length === 0) return [];
  const conditions = scope
    ? [scopeCondition(scope), resourceTypeIn(resourceTypes), Prisma.sql`e."resourceId" IS NOT NULL`]
    : [Prisma.sql`e."resourceType" IN (${Prisma.join([...resourceTypes])})`, Prisma.sql`e."resourceId" IS NOT NULL`];
  if (options.resourceIds) {
    if (options.resourceIds.length === 0) return [];
    conditions.push(Prisma.sql`e."resourceId" IN (${Prisma.join([...options.resourceIds])})`);
  }
  const exclude = options.excludeLatestTypes?.length
    ? Prisma.sql`AND t."type" NOT IN (${Prisma.join([...options.excludeLatestTypes])})`
    : Prisma.empty;
  const rows = await queryRows<EventRow & { rn: unknown; firstTimestampMs: bigint | number; firstType: string; eventCount: bigint | number }>(
    handle,
    Prisma.sql`
    SELECT t.* FROM (
      SELECT ${COLUMNS},
        ROW_NUMBER() OVER (PARTITION BY e."resourceType", e."resourceId" ORDER BY ${ORDER_DESC}) AS "rn",
        FIRST_VALUE(e."timestampMs") OVER (PARTITION BY e."resourceType", e."resourceId" ORDER BY ${ORDER_ASC}) AS "firstTimestampMs",
        FIRST_VALUE(e."type") OVER (PARTITION BY e."resourceType", e."resourceId" ORDER BY ${ORDER_ASC}) AS "firstType",
        COUNT(*) OVER (PARTITION BY e."resourceType", e."resourceId") AS "eventCount"
      FROM "Event" e
      WHERE ${Prisma.join(conditions, " AND ")}
    ) t
    WHERE t."rn" = 1 ${exclude}
    ORDER BY t."timestampMs" DESC, t."id" DESC
    LIMIT ${options.limit}`,
  );
  return rows.map(({ rn: _rn, firstTimestampMs, firstType, eventCount, ...row }) => ({
    row: normaliseRow(row as EventRow),
    firstTimestampMs: Number(firstTimestampMs),
    firstType,
    eventCount: Number(eventCount),
  }));
}

/**
 * The latest event of each resource among the scope's most recent `limit` events of
 * these types. Cheaper than a window over all of history when a scope has thousands of
 * one kind (a user's sessions): the inner scan stops after `limit` rows, and only one row
 * per resource comes back (fewer still with `excludeLatestTypes`). `firstTimestampMs`
 * and `eventCount` then describe that window, not all of history.
 */
export async function latestPerResourceRecent(
  handle: DatabaseHandle,
  scope: TimelineScope,
  resourceTypes: readonly string[],
  options: { limit: number; excludeLatestTypes?: readonly string[] },
): Promise<LatestResourceRow[]> {
  const exclude = options.excludeLatestTypes?.length
    ? Prisma.sql`AND t."type" NOT IN (${Prisma.join([...options.excludeLatestTypes])})`
    : Prisma.empty;
  const partition = Prisma.sql`PARTITION BY w."resourceType", w."resourceId"`;
  const newest = Prisma.sql`w."timestampMs" DESC, COALESCE(w."svixTimestamp", 0) DESC, w."firstReceivedAt" DESC, w."id" DESC`;
  const oldest = Prisma.sql`w."timestampMs" ASC, COALESCE(w."svixTimestamp", 0) ASC, w."firstReceivedAt" ASC, w."id" ASC`;
  const rows = await queryRows<EventRow & { rn: unknown; firstTimestampMs: bigint | number; firstType: string; eventCount: bigint | number }>(
    handle,
    Prisma.sql`
    SELECT t.* FROM (
      SELECT w.*,
        ROW_NUMBER() OVER (${partition} ORDER BY ${newest}) AS "rn",
        FIRST_VALUE(w."timestampMs") OVER (${partition} ORDER BY ${oldest}) AS "firstTimestampMs",
        FIRST_VALUE(w."type") OVER (${partition} ORDER BY ${oldest}) AS "firstType",
        COUNT(*) OVER (${partition}) AS "eventCount"
      FROM (
        SELECT ${COLUMNS} FROM "Event" e
        WHERE ${scopeCondition(scope)} AND ${resourceTypeIn(resourceTypes)} AND e."resourceId" IS NOT NULL
        ORDER BY ${ORDER_DESC} LIMIT ${options.limit}
      ) w
    ) t
    WHERE t."rn" = 1 ${exclude}
    ORDER BY t."timestampMs" DESC, t."id" DESC`,
  );
  return rows.map(({ rn: _rn, firstTimestampMs, firstType, eventCount, ...row }) => ({
    row: normaliseRow(row as EventRow),
    firstTimestampMs: Number(firstTimestampMs),
    firstType,
    eventCount: Number(eventCount),
  }));
}

// The raw SQLite connection hands back integer milliseconds and 0/1 where Prisma maps a
// Date and booleans; make both providers look the same.
function normaliseRow(row: EventRow): EventRow {
  const received = row.firstReceivedAt as unknown;
  return {
    ...row,
    knownType: Boolean(row.knownType),
    outOfOrder: Boolean(row.outOfOrder),
    verifiedOutsideTolerance: Boolean(row.verifiedOutsideTolerance),
    deliveryCount: Number(row.deliveryCount),
    timestampMs: BigInt(row.timestampMs),
    svixTimestamp: row.svixTimestamp === null ? null : BigInt(row.svixTimestamp),
    firstReceivedAt: received instanceof Date ? received : new Date(typeof received === "string" && !/^\d+$/.test(received) ? received : Number(received)),
  };
}

/** Events of one resource (by its type and id), newest first. */
export async function resourceEventRows(
  handle: DatabaseHandle,
  resourceType: string,
  resourceId: string,
  options: { types?: readonly string[]; limit: number },
): Promise<EventRow[]> {
  const types = options.types?.length ? Prisma.sql`AND e."type" IN (${Prisma.join([...options.types])})` : Prisma.empty;
  return eventRows(
    handle,
    Prisma.sql`SELECT ${COLUMNS} FROM "Event" e
      WHERE e."resourceType" = ${resourceType} AND e."resourceId" = ${resourceId} ${types}
      ORDER BY ${ORDER_DESC} LIMIT ${options.limit}`,
  );
}

/**
 * Events of these types whose payload names `userId` as `created_by` (an organization
 * the user created), newest first. The id is looked up in the full-text index, which
 * holds every id string of a payload, then confirmed in the payload itself; the index is
 * filled about a second after an event arrives.
 */
export async function eventsCreatedBy(handle: DatabaseHandle, userId: string, types: readonly string[], limit = 200): Promise<EventRow[]> {
  const rows = await eventRows(
    handle,
    Prisma.sql`SELECT ${COLUMNS} FROM "Event" e
      WHERE e."type" IN (${Prisma.join([...types])}) AND ${searchCondition(handle.provider, userId)}
      ORDER BY ${ORDER_DESC} LIMIT ${limit}`,
  );
  if (rows.length === 0) return rows;
  const data = await loadEventData(handle, rows);
  return rows.filter((row) => data.get(row.id)?.created_by === userId);
}

/** The `*.deleted` events of these resources (tombstones carry only the id, so no scope column). */
export async function deletionRows(handle: DatabaseHandle, resourceIds: readonly string[]): Promise<EventRow[]> {
  const ids = [...new Set(resourceIds)];
  if (ids.length === 0) return [];
  const rows: EventRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...(await eventRows(
        handle,
        Prisma.sql`SELECT ${COLUMNS} FROM "Event" e
          WHERE e."resourceId" IN (${Prisma.join(ids.slice(i, i + 500))}) AND e."type" LIKE ${"%.deleted"}
          ORDER BY ${ORDER_ASC}`,
      )),
    );
  }
  return rows;
}

/** How many events the scope has per resource type (for the category filter's counts); with `q`, those that match it. */
export async function countByResourceType(handle: DatabaseHandle, scope: TimelineScope, options: { q?: string } = {}): Promise<Map<string | null, number>> {
  const conditions = [scopeCondition(scope), ...(options.q ? [textCondition(handle, options.q)] : [])];
  const rows = await queryRows<{ resourceType: string | null; count: bigint | number }>(
    handle,
    Prisma.sql`SELECT e."resourceType" AS "resourceType", COUNT(*) AS "count" FROM "Event" e WHERE ${Prisma.join(conditions, " AND ")} GROUP BY e."resourceType"`,
  );
  return new Map(rows.map((row) => [row.resourceType, Number(row.count)]));
}

/**
 * The raw bodies of these deliveries as text. Events are verified JSON, so their bodies
 * are text; reading them as text skips Prisma's slow Bytes decoding. A body Postgres
 * refuses to convert (not UTF-8) sends the batch down the Bytes path instead.
 */
async function loadBodies(handle: DatabaseHandle, deliveryIds: string[]): Promise<Map<string, string>> {
  const bodies = new Map<string, string>();
  for (let i = 0; i < deliveryIds.length; i += 500) {
    const ids = deliveryIds.slice(i, i + 500);
    const text = rawBodyAsText(handle.provider);
    try {
      const rows = await queryRows<{ id: string; body: string }>(
        handle,
        Prisma.sql`SELECT d."id" AS "id", ${text} AS "body" FROM "Delivery" d WHERE d."id" IN (${Prisma.join(ids)})`,
      );
      for (const row of rows) bodies.set(row.id, row.body);
    } catch (error) {
      logger.warn("lifecycle: payloads read as bytes", { error: String(error) });
      for (const [id, payload] of await loadEventPayloads(handle, ids)) bodies.set(id, payload.raw.toString("utf8"));
    }
  }
  return bodies;
}

function parseData(body: string | undefined): Json | null {
  if (body === undefined) return null;
  try {
    return asObject((JSON.parse(body) as { data?: unknown } | null)?.data);
  } catch {
    return null;
  }
}

/** Parsed `data` of each row's payload, keyed by event id. Reads each body once. */
export async function loadEventData(handle: DatabaseHandle, rows: readonly EventRow[], cache?: Map<string, Json | null>): Promise<Map<string, Json | null>> {
  const result = new Map<string, Json | null>();
  const missing = rows.filter((row) => !cache?.has(row.id));
  const bodies = missing.length ? await loadBodies(handle, [...new Set(missing.map((row) => row.firstDeliveryId))]) : new Map<string, string>();
  for (const row of rows) {
    if (cache?.has(row.id)) {
      result.set(row.id, cache.get(row.id) ?? null);
      continue;
    }
    const data = parseData(bodies.get(row.firstDeliveryId));
    result.set(row.id, data);
    cache?.set(row.id, data);
  }
  return result;
}

export async function withData(handle: DatabaseHandle, rows: readonly EventRow[], cache?: Map<string, Json | null>): Promise<EventWithData[]> {
  const data = await loadEventData(handle, rows, cache);
  return rows.map((row) => ({ event: toLifecycleEvent(row), data: data.get(row.id) ?? null }));
}
