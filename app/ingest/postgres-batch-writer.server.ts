// Writes one batch of ingest's deliveries to Postgres in ONE statement: one round trip,
// one transaction (a single statement commits alone), one multi-row insert per table.
// The group commit (postgres-group-commit.server.ts) decides when a batch is written.
//
// The rules are storeVerified()'s (app/ingest/ingest.server.ts) and the SQLite batch
// writer's, and the same integration suite runs against both providers:
// - one event per (source, svix-id): INSERT … ON CONFLICT ("svixId","sourceId") DO
//   UPDATE, which also holds across instances (a concurrent insert of the same key
//   waits for the other's commit, then counts itself as a duplicate);
// - a delivery is a duplicate when the event's first delivery is another one;
// - "out of order": a stored event of the same resource has a later envelope timestamp,
//   counting the events earlier in the same batch, as the SQLite writer sees them;
// - a new event's payload text is indexed for search in the same statement (as SQLite
//   ingest does), except for the types with masked values, which the worker indexes;
// - while no target auto-forwards, events are stored as already scanned for it (as
//   SQLite ingest does), so the worker does not rewrite every event row. The statement
//   decides through pg_temp.hookline_auto_forwarding() (FORWARD_GATE_SQL), which takes
//   a shared transaction-level advisory lock and only then looks at the targets, with a
//   snapshot of its own: switching a target on takes the same lock exclusively and hands
//   back, in its transaction, the events received since (reopenForwardScan). Either the
//   batch commits before the switch looks at the events, or it sees the target.
//
// Rows go as one JSON parameter each for deliveries and events (json_to_recordset), and
// every body in one binary bytea parameter, cut by offset: no per-value placeholders, no
// hex encoding of bodies (docs/benchmarks.md).
import type pg from "pg";

import { extractResourceRefs, isKnownEventType } from "~/catalog/event-catalog";
import { newId } from "~/db/ids";
import { AUTO_FORWARD_LOCK } from "~/dispatch/auto-forward-lock";
import { typeHasSecrets } from "~/events/redaction";
import type { BatchResult, DeliveryBase, Operation } from "./delivery";
import { OUTCOME_STATUS } from "./outcomes";

/**
 * Defined on each of ingest's connections before its first batch: a temporary function
 * (no migration; it goes with the connection). It is VOLATILE, so its query takes a
 * snapshot of its own after the lock is granted; a query in the batch statement itself
 * would see the targets as of the statement's start, before the lock, and could miss a
 * target switched on meanwhile (tested in auto-forward-gate.integration.test.ts).
 */
export const FORWARD_GATE_SQL = `
CREATE OR REPLACE FUNCTION pg_temp.hookline_auto_forwarding() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${AUTO_FORWARD_LOCK});
  RETURN EXISTS (SELECT 1 FROM "Target" WHERE "autoForward" AND "enabled" AND "deletedAt" IS NULL);
END
$$`;

/**
 * The batch statement. `gated`: with the function above (events stored scanned while
 * nothing auto-forwards); without it, every event is left to the worker's scan, as
 * before (a connection that may not create temporary objects).
 */
const batchSql = (gated: boolean) => `
WITH gate AS MATERIALIZED (
  SELECT ${gated ? "pg_temp.hookline_auto_forwarding()" : "TRUE"} AS "forwarding"
),
event_rows AS (
  SELECT * FROM json_to_recordset($3::json) AS e(
    "k" int, "id" text, "sourceId" text, "svixId" text, "type" text, "knownType" boolean, "timestampMs" bigint,
    "svixTimestamp" bigint, "instanceId" text, "resourceType" text, "resourceId" text, "userId" text,
    "organizationId" text, "subscriptionId" text, "payerId" text, "firstReceivedAt" timestamp(3),
    "firstDeliveryId" text, "n" int, "newerInBatch" boolean, "indexHere" boolean)
),
events AS (
  INSERT INTO "Event" ("id","sourceId","svixId","type","knownType","timestampMs","svixTimestamp","instanceId",
    "resourceType","resourceId","userId","organizationId","subscriptionId","payerId","firstReceivedAt",
    "deliveryCount","outOfOrder","firstDeliveryId","searchIndexed","forwardScanned")
  SELECT e."id", e."sourceId", e."svixId", e."type", e."knownType", e."timestampMs", e."svixTimestamp", e."instanceId",
    e."resourceType", e."resourceId", e."userId", e."organizationId", e."subscriptionId", e."payerId",
    e."firstReceivedAt", e."n",
    -- NOTE: Svix delivers in any order; an event is "out of order" when a later state
    -- of the same resource is already stored.
    e."newerInBatch" OR (e."resourceType" IS NOT NULL AND e."resourceId" IS NOT NULL AND EXISTS (
      SELECT 1 FROM "Event" x
      WHERE x."resourceType" = e."resourceType" AND x."resourceId" = e."resourceId" AND x."timestampMs" > e."timestampMs"
        AND NOT (x."sourceId" = e."sourceId" AND x."svixId" = e."svixId"))),
    e."firstDeliveryId", e."indexHere", NOT g."forwarding"
  FROM event_rows e CROSS JOIN gate g
  -- One order of unique-key locks for every batch, so that two instances inserting the
  -- same svix-ids do not deadlock.
  ORDER BY e."svixId", e."sourceId"
  ON CONFLICT ("svixId","sourceId") DO UPDATE SET "deliveryCount" = "Event"."deliveryCount" + EXCLUDED."deliveryCount"
  RETURNING "id", "svixId", "sourceId", "firstDeliveryId"
),
delivery_rows AS (
  SELECT * FROM json_to_recordset($1::json) AS d(
    "k" int, "id" text, "sourceId" text, "sourceSlug" text, "receivedAt" timestamp(3), "remoteAddr" text,
    "requestId" text, "headers" text, "offset" int, "length" int, "size" int, "truncated" boolean, "svixId" text,
    "svixTimestamp" text, "outcome" text, "outcomeDetail" text, "status" int)
),
deliveries AS (
  INSERT INTO "Delivery" ("id","sourceId","sourceSlug","receivedAt","remoteAddr","requestId","headers","rawBody","size",
    "truncated","svixId","svixTimestamp","outcome","outcomeDetail","status","eventId","duplicate")
  SELECT d."id", d."sourceId", d."sourceSlug", d."receivedAt", d."remoteAddr", d."requestId", d."headers",
    substring($2::bytea FROM d."offset" + 1 FOR d."length"), d."size", d."truncated", d."svixId", d."svixTimestamp",
    CASE WHEN ev."id" IS NULL THEN d."outcome" WHEN ev."firstDeliveryId" = d."id" THEN 'verified' ELSE 'duplicate' END,
    CASE WHEN ev."id" IS NULL OR ev."firstDeliveryId" = d."id" THEN d."outcomeDetail" ELSE 'Already stored as event ' || ev."id" END,
    CASE WHEN ev."id" IS NULL THEN d."status" WHEN ev."firstDeliveryId" = d."id" THEN ${OUTCOME_STATUS.verified} ELSE ${OUTCOME_STATUS.duplicate} END,
    ev."id",
    ev."id" IS NOT NULL AND ev."firstDeliveryId" <> d."id"
  FROM delivery_rows d
  LEFT JOIN event_rows e ON e."k" = d."k"
  LEFT JOIN events ev ON ev."svixId" = e."svixId" AND ev."sourceId" = e."sourceId"
  RETURNING "id", "outcome", "eventId"
),
-- A new event's payload text goes into the full-text index in the same statement, as
-- the worker's indexer would put it there (indexPendingPostgres in
-- app/events/search.server.ts, the same expression), so the worker neither reads the
-- body back nor rewrites the event row. Types with masked values are left to the worker.
search AS (
  INSERT INTO "EventSearch" ("eventId", "document")
  SELECT ev."id", jsonb_to_tsvector('simple', convert_from(substring($2::bytea FROM d."offset" + 1 FOR d."length"), 'UTF8')::jsonb, '["string", "numeric"]')
  FROM events ev
  JOIN event_rows e ON e."svixId" = ev."svixId" AND e."sourceId" = ev."sourceId"
  JOIN delivery_rows d ON d."id" = e."firstDeliveryId"
  WHERE e."indexHere" AND ev."firstDeliveryId" = e."firstDeliveryId"
  ON CONFLICT ("eventId") DO NOTHING
)
SELECT "id", "outcome", "eventId" FROM deliveries`;

const BATCH_SQL = { gated: batchSql(true), ungated: batchSql(false) };

/** Anything pg.Pool or pg.Client can run a query on. */
export type Queryable = Pick<pg.Pool, "query">;

interface EventRow {
  k: number;
  id: string;
  sourceId: string;
  svixId: string;
  type: string;
  knownType: boolean;
  timestampMs: number;
  svixTimestamp: string;
  instanceId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  userId: string | null;
  organizationId: string | null;
  subscriptionId: string | null;
  payerId: string | null;
  firstReceivedAt: string;
  firstDeliveryId: string;
  n: number;
  newerInBatch: boolean;
  /** Index the payload text here (searchIndexed = true), or leave it to the worker. */
  indexHere: boolean;
}

const NUL_ESCAPE = Buffer.from("\\u0000");

/**
 * Whether ingest indexes the event's text itself. Not for the types whose masked values
 * must stay out of the index (the worker builds their document without them), nor for
 * a body with an escaped NUL, which JSON allows and Postgres' jsonb refuses (the worker
 * meets it on its own, away from the deliveries being answered).
 */
function indexAtIngest(type: string, body: Uint8Array): boolean {
  return !typeHasSecrets(type) && Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(NUL_ESCAPE) === -1;
}

/**
 * Stores the batch in one statement and returns each operation's result, in order.
 * Rejects, with nothing stored, if the statement fails. `gated`: the connection has the
 * function of FORWARD_GATE_SQL.
 */
export async function writeBatch(db: Queryable, operations: Operation[], options: { gated: boolean } = { gated: false }): Promise<BatchResult[]> {
  const bodies: Buffer[] = [];
  let offset = 0;
  const deliveryRows: Record<string, unknown>[] = [];
  const eventRows: EventRow[] = [];
  const eventByKey = new Map<string, EventRow>();
  // The latest envelope timestamp per resource among the batch's earlier events.
  const latestInBatch = new Map<string, number>();

  const delivery = (row: DeliveryBase & { sourceId: string | null }, k: number | null, outcome: string | null, detail: string | null, status: number | null) => {
    const body = Buffer.from(row.rawBody.buffer, row.rawBody.byteOffset, row.rawBody.byteLength);
    bodies.push(body);
    deliveryRows.push({
      k, id: row.id, sourceId: row.sourceId, sourceSlug: row.sourceSlug, receivedAt: row.receivedAt.toISOString(),
      remoteAddr: row.remoteAddr, requestId: row.requestId, headers: row.headers, offset, length: body.length,
      size: row.size, truncated: row.truncated, svixId: row.svixId, svixTimestamp: row.svixTimestamp,
      outcome, outcomeDetail: detail, status,
    });
    offset += body.length;
  };

  for (const operation of operations) {
    if (operation.kind === "rejected") {
      const { row } = operation;
      delivery(row, null, row.outcome, row.outcomeDetail, row.status);
      continue;
    }
    const { input } = operation;
    const key = `${input.sourceId}\u0000${input.svixId}`;
    let event = eventByKey.get(key);
    if (event) {
      event.n++;
    } else {
      const refs = extractResourceRefs(input.type, input.data);
      let newerInBatch = false;
      if (refs.resourceType && refs.resourceId) {
        const resource = `${refs.resourceType}\u0000${refs.resourceId}`;
        const latest = latestInBatch.get(resource);
        newerInBatch = latest !== undefined && latest > input.timestampMs;
        if (latest === undefined || input.timestampMs > latest) latestInBatch.set(resource, input.timestampMs);
      }
      event = {
        k: eventRows.length,
        id: newId(input.delivery.receivedAt.getTime()),
        sourceId: input.sourceId,
        svixId: input.svixId,
        type: input.type,
        knownType: isKnownEventType(input.type),
        timestampMs: input.timestampMs,
        svixTimestamp: input.svixTimestamp.toString(),
        instanceId: input.instanceId,
        resourceType: refs.resourceType,
        resourceId: refs.resourceId,
        userId: refs.userId,
        organizationId: refs.organizationId,
        subscriptionId: refs.subscriptionId,
        payerId: refs.payerId,
        firstReceivedAt: input.delivery.receivedAt.toISOString(),
        firstDeliveryId: input.delivery.id,
        n: 1,
        newerInBatch,
        indexHere: indexAtIngest(input.type, input.delivery.rawBody),
      };
      eventByKey.set(key, event);
      eventRows.push(event);
    }
    delivery(input.delivery, event.k, null, input.detail, null);
  }

  const result = await db.query<{ id: string; outcome: "verified" | "duplicate" | string; eventId: string | null }>({
    name: options.gated ? "hookline_ingest_batch" : "hookline_ingest_batch_ungated",
    text: options.gated ? BATCH_SQL.gated : BATCH_SQL.ungated,
    values: [JSON.stringify(deliveryRows), Buffer.concat(bodies, offset), JSON.stringify(eventRows)],
  });
  const stored = new Map(result.rows.map((row) => [row.id, row]));
  return operations.map((operation) => {
    if (operation.kind === "rejected") return null;
    const { input } = operation;
    const row = stored.get(input.delivery.id);
    if (!row?.eventId || (row.outcome !== "verified" && row.outcome !== "duplicate")) {
      throw new Error(`Delivery ${input.delivery.id} was not stored with its event`);
    }
    return row.outcome === "duplicate"
      ? { outcome: "duplicate", eventId: row.eventId, detail: "svix-id already stored" }
      : { outcome: "verified", eventId: row.eventId, detail: input.detail };
  });
}
