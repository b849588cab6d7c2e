// Which events a dispatch job sends, as SQL on the Event table: the shared event filter
// (app/events/event-filter.ts), frozen at the job's creation time, plus the outage
// recovery and "retry failed since T" conditions on the target's past attempts. The
// same conditions count the job up front and plan it chunk by chunk, so the count
// shown before confirming is the number of events sent.
import type { DatabaseHandle } from "~/db/prisma.server";
import { parseEventFilter, type EventFilter } from "~/events/event-filter";
import { lastIdAt } from "~/db/ids";
import { eventFilterConditions, keysetCondition, whereClause } from "~/events/event-query.server";
import { Prisma } from "~/generated/sqlite/client";
import type { JobOrder } from "./dispatch-status";
import type { ReplayMode } from "./replay-input";

export interface JobSelection {
  kind: string;
  targetId: string;
  filter: string | null;
  eventIds: string | null;
  order: string;
  onlyUndelivered: boolean;
  includeNeverSent: boolean;
  since: Date | null;
  createdAt: Date;
}

/**
 * A filter as stored on a job: the event list's names, dates as ISO strings, and
 * `mode: "latest"` for a rebuild (only each resource's latest event). The mode lives
 * in the filter because it is part of which events are selected; parseEventFilter
 * ignores the extra name.
 */
export function storeFilter(filter: Partial<EventFilter>, mode: ReplayMode = "all", targetTypes: string[] | null = null): string {
  return JSON.stringify({
    type: filter.type ?? [],
    outcome: filter.outcome,
    source: filter.source,
    resource: filter.resource,
    q: filter.q,
    from: filter.from?.toISOString(),
    to: filter.to?.toISOString(),
    ...(mode === "latest" ? { mode } : {}),
    ...(targetTypes?.length ? { targetTypes } : {}),
  });
}

/**
 * The target's event types, frozen into the filter when the job was made without the
 * events outside them (the default on /replays/new); null when every selected type is
 * sent. Stored beside the filter like `mode`, for the same reason.
 */
export function readTargetTypes(stored: string | null): string[] | null {
  if (!stored) return null;
  const value = (JSON.parse(stored) as { targetTypes?: unknown }).targetTypes;
  return Array.isArray(value) && value.length ? value.filter((v): v is string => typeof v === "string") : null;
}

/** The replay mode stored with a job's filter: "all" unless it is a rebuild. */
export function readMode(stored: string | null): ReplayMode {
  if (!stored) return "all";
  return (JSON.parse(stored) as { mode?: unknown }).mode === "latest" ? "latest" : "all";
}

export function readFilter(stored: string | null): EventFilter | null {
  if (!stored) return null;
  const parsed = parseEventFilter(JSON.parse(stored));
  if (!parsed.ok) throw new Error(`Stored job filter no longer parses: ${parsed.message}`);
  return parsed.value;
}

export function readEventIds(stored: string | null): string[] | null {
  if (!stored) return null;
  const value = JSON.parse(stored) as unknown;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : null;
}

export function selectionConditions(handle: DatabaseHandle, job: JobSelection): Prisma.Sql[] {
  const conditions = eventFilterConditions(handle.provider, readFilter(job.filter) ?? {});
  const targetTypes = readTargetTypes(job.filter);
  if (targetTypes) conditions.push(...eventFilterConditions(handle.provider, { type: targetTypes }));
  // The selection is what existed when the job was made; later events are auto-forward's.
  // (Ids are newId(firstReceivedAt): "received by then" is an id range on the primary key.)
  conditions.push(Prisma.sql`e."id" <= ${lastIdAt(job.createdAt)}`);
  if (readMode(job.filter) === "latest") conditions.push(latestOfResourceCondition(conditions));
  const attempts = (extra: Prisma.Sql) =>
    Prisma.sql`SELECT 1 FROM "DispatchAttempt" a WHERE a."eventId" = e."id" AND a."targetId" = ${job.targetId} ${extra}`;
  if (job.kind === "retry" && job.since) {
    conditions.push(Prisma.sql`EXISTS (${attempts(Prisma.sql`AND a."ok" = FALSE AND a."sentAt" >= ${job.since}`)})`);
    conditions.push(Prisma.sql`NOT EXISTS (${attempts(Prisma.sql`AND a."ok" = TRUE AND a."sentAt" >= ${job.since}`)})`);
  }
  if (job.onlyUndelivered) {
    conditions.push(Prisma.sql`NOT EXISTS (${attempts(Prisma.sql`AND a."ok" = TRUE`)})`);
    if (!job.includeNeverSent) conditions.push(Prisma.sql`EXISTS (${attempts(Prisma.empty)})`);
  }
  return conditions;
}

/**
 * Mode "latest": `e` is the last of its resource's events that `conditions` select, in
 * envelope order (DESIGN.md: envelope timestamp, then svix-timestamp, then time
 * received, which is id order). A deleted resource's last event is its `*.deleted`.
 * Events with no resource id are each their own resource. `conditions` are on the alias
 * `e`; the innermost query binds `e` again to the later candidate `l`, so the same SQL
 * applies to it (a primary key look-up), and the outer look-up for later events of the
 * resource uses the (resourceId, timestampMs) index.
 */
export function latestOfResourceCondition(conditions: Prisma.Sql[]): Prisma.Sql {
  const later = Prisma.sql`(l."timestampMs" > e."timestampMs" OR (l."timestampMs" = e."timestampMs" AND (
      COALESCE(l."svixTimestamp", -1) > COALESCE(e."svixTimestamp", -1)
      OR (COALESCE(l."svixTimestamp", -1) = COALESCE(e."svixTimestamp", -1) AND l."id" > e."id"))))`;
  return Prisma.sql`NOT EXISTS (
    SELECT 1 FROM "Event" l
    WHERE l."resourceId" = e."resourceId" AND l."resourceType" = e."resourceType" AND ${later}
      AND EXISTS (SELECT 1 FROM "Event" e WHERE e."id" = l."id"${conditions.length ? Prisma.sql` AND ${Prisma.join(conditions, " AND ")}` : Prisma.empty}))`;
}

export interface RebuildPreviewRow {
  resourceType: string;
  /** Resources that will be sent (one event each). */
  resources: number;
  /** Of those, how many go out as their `*.deleted`. */
  deleted: number;
}

/** Mode "latest" before it starts: how many resources of each type a filter would send. */
export async function previewLatest(handle: DatabaseHandle, filter: Partial<EventFilter>, now = new Date()): Promise<RebuildPreviewRow[]> {
  const conditions = selectionConditions(handle, {
    kind: "replay",
    targetId: "",
    filter: storeFilter(filter, "latest"),
    eventIds: null,
    order: "timestamp",
    onlyUndelivered: false,
    includeNeverSent: false,
    since: null,
    createdAt: now,
  });
  const rows = await handle.db.$queryRaw<{ resourceType: string | null; resources: bigint | number; deleted: bigint | number | null }[]>`
    SELECT e."resourceType" AS "resourceType", COUNT(*) AS "resources",
      SUM(CASE WHEN e."type" LIKE '%.deleted' THEN 1 ELSE 0 END) AS "deleted"
    FROM "Event" e
    ${whereClause(conditions)}
    GROUP BY e."resourceType"`;
  return rows
    .map((row) => ({ resourceType: row.resourceType ?? "(none)", resources: Number(row.resources), deleted: Number(row.deleted ?? 0) }))
    .sort((a, b) => b.resources - a.resources || (a.resourceType < b.resourceType ? -1 : 1));
}

/** How many events the job will send (explicit ids that no longer exist are not counted). */
export async function countSelection(handle: DatabaseHandle, job: JobSelection): Promise<number> {
  const ids = readEventIds(job.eventIds);
  if (ids) {
    let total = 0;
    for (let i = 0; i < ids.length; i += 500) {
      total += await handle.db.event.count({ where: { id: { in: ids.slice(i, i + 500) } } });
    }
    return total;
  }
  const [row] = await handle.db.$queryRaw<{ count: bigint | number }[]>`
    SELECT COUNT(*) AS "count" FROM "Event" e
    ${whereClause(selectionConditions(handle, job))}`;
  return Number(row?.count ?? 0);
}

/** What planning needs of an event: its place in the order and the resource it is about. */
export interface SelectedEvent {
  id: string;
  timestampMs: bigint;
  firstReceivedAt: Date;
  resourceType: string | null;
  resourceId: string | null;
}

export interface SelectionCursor {
  key: string;
  id: string;
}

/** The order's column, or null for arrival order, which is id order (ids are newId(firstReceivedAt)). */
function orderColumn(order: string): Prisma.Sql | null {
  return (order as JobOrder) === "received" ? null : Prisma.sql`e."timestampMs"`;
}

export function cursorOf(order: string, event: SelectedEvent): SelectionCursor {
  return {
    key: (order as JobOrder) === "received" ? String(event.firstReceivedAt.getTime()) : String(event.timestampMs),
    id: event.id,
  };
}

/**
 * The next `limit` events after `cursor`, in the job's order: envelope timestamp by
 * default (DESIGN.md: envelope timestamp, then time received; ids are time-ordered
 * by arrival, so `id` is the tie-breaker), or arrival order.
 */
export async function selectChunk(
  handle: DatabaseHandle,
  job: JobSelection,
  cursor: SelectionCursor | null,
  limit: number,
): Promise<SelectedEvent[]> {
  const column = orderColumn(job.order);
  const conditions = selectionConditions(handle, job);
  if (cursor) conditions.push(keysetCondition(column, column ? BigInt(cursor.key) : null, cursor.id, ">"));
  return handle.db.$queryRaw<SelectedEvent[]>`
    SELECT e."id", e."timestampMs", e."firstReceivedAt", e."resourceType", e."resourceId"
    FROM "Event" e
    ${whereClause(conditions)}
    ORDER BY ${column ? Prisma.sql`${column} ASC, ` : Prisma.empty}e."id" ASC
    LIMIT ${limit}`;
}

/** Explicit ids, in the job's order (bounded: the API takes at most MAX_EVENT_IDS). */
export async function selectExplicit(handle: DatabaseHandle, job: JobSelection, ids: string[]): Promise<SelectedEvent[]> {
  const rows: SelectedEvent[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...(await handle.db.event.findMany({
        where: { id: { in: ids.slice(i, i + 500) } },
        select: { id: true, timestampMs: true, firstReceivedAt: true, resourceType: true, resourceId: true },
      })),
    );
  }
  const key = (e: SelectedEvent) => (job.order === "received" ? BigInt(e.firstReceivedAt.getTime()) : BigInt(e.timestampMs));
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Events about the same resource are sent one after another; others may overtake each other. */
export function orderKeyOf(event: Pick<SelectedEvent, "id" | "resourceType" | "resourceId">): string {
  return event.resourceType && event.resourceId ? `${event.resourceType}:${event.resourceId}` : `event:${event.id}`;
}
