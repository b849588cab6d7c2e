// Writes one batch of ingest's deliveries to SQLite in one transaction, with prepared
// statements on the raw better-sqlite3 connection. Synchronous; the group commit
// (sqlite-group-commit.server.ts) decides when a batch is written.
//
// The rules are the same as storeVerified()'s (app/ingest/ingest.server.ts), which
// Postgres and re-verification use, and the same integration suite runs against both
// (app/ingest/ingest.integration.test.ts).
import type Database from "better-sqlite3";

import { extractResourceRefs, isKnownEventType } from "~/catalog/event-catalog";
import { newId } from "~/db/ids";
import { indexEventTextSqlite, payloadSearchText } from "~/events/search-text";
import type { BatchResult, DeliveryBase, Operation, StoredVerified } from "./delivery";
import { OUTCOME_STATUS, type Outcome } from "./outcomes";

export type { BatchResult, Operation, RejectedRow } from "./delivery";

const DELIVERY_COLUMNS = `"id","sourceId","sourceSlug","receivedAt","remoteAddr","requestId","headers","rawBody","size","truncated",
  "svixId","svixTimestamp","outcome","outcomeDetail","status","eventId","duplicate"`;

function prepare(db: Database.Database) {
  return {
    insertDelivery: db.prepare(`INSERT INTO "Delivery" (${DELIVERY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`),
    newerState: db.prepare(
      `SELECT 1 FROM "Event" WHERE "resourceType" = ? AND "resourceId" = ? AND "timestampMs" > ?
       AND NOT ("sourceId" = ? AND "svixId" = ?) LIMIT 1`,
    ),
    upsertEvent: db.prepare(
      `INSERT INTO "Event" ("id","sourceId","svixId","type","knownType","timestampMs","svixTimestamp","instanceId",
        "resourceType","resourceId","userId","organizationId","subscriptionId","payerId","firstReceivedAt","outOfOrder",
        "firstDeliveryId","searchIndexed","forwardScanned")
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT ("svixId","sourceId") DO UPDATE SET "deliveryCount" = "deliveryCount" + 1
       RETURNING "id", "firstDeliveryId"`,
    ),
    // Prepared once: db.pragma() would prepare three statements per batch.
    failWhenBusy: db.prepare("PRAGMA busy_timeout = 0"),
    waitWhenBusy: db.prepare(`PRAGMA busy_timeout = ${Number(db.pragma("busy_timeout", { simple: true }))}`),
    autoForwarding: db.prepare(
      `SELECT EXISTS (SELECT 1 FROM "Target" WHERE "autoForward" = 1 AND "enabled" = 1 AND "deletedAt" IS NULL) AS "on"`,
    ),
  };
}

const prepared = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

/**
 * Stores the batch in one transaction and returns each operation's result, in order.
 * Throws SQLITE_BUSY at once, without waiting, when another connection holds the
 * write lock: the connection's runExclusive retries it from the event loop
 * (app/db/write-gate.ts).
 */
export function writeBatch(db: Database.Database, operations: Operation[]): BatchResult[] {
  let statements = prepared.get(db);
  if (!statements) prepared.set(db, (statements = prepare(db)));
  const s = statements;
  s.failWhenBusy.get();
  try {
    // IMMEDIATE: take the write lock before the first read (see sqlite-adapter.server.ts).
    const store = db.transaction(() => {
      // Read inside the transaction: a target switched on commits either before this
      // batch (and is seen here) or after it (reopenForwardScan covers that).
      // (Number(): the connection may return integers as BigInt.)
      const forwarding = Number((s.autoForwarding.get() as { on: number | bigint }).on) === 1;
      return operations.map((operation) => apply(db, s, operation, forwarding));
    });
    return store.immediate();
  } finally {
    s.waitWhenBusy.get();
  }
}

const bool = (value: boolean) => (value ? 1 : 0);

function deliveryValues(
  row: DeliveryBase & { sourceId: string | null },
  outcome: string,
  outcomeDetail: string | null,
  status: number,
  eventId: string | null,
  duplicate: boolean,
) {
  return [
    row.id, row.sourceId, row.sourceSlug, row.receivedAt.getTime(), row.remoteAddr, row.requestId, row.headers,
    Buffer.from(row.rawBody.buffer, row.rawBody.byteOffset, row.rawBody.byteLength), row.size, bool(row.truncated),
    row.svixId, row.svixTimestamp, outcome, outcomeDetail, status, eventId, bool(duplicate),
  ];
}

/**
 * Stores one operation of a batch. A new event also goes into the full-text index here,
 * from the JSON ingest has already parsed (one insert in a transaction being written
 * anyway, instead of the worker reading the body back and rewriting the row later), and
 * is stored as already scanned for auto-forward while no target auto-forwards. On the
 * other paths (Postgres, re-verification) both flags stay false and the worker does it.
 */
function apply(
  db: Database.Database,
  statements: ReturnType<typeof prepare>,
  operation: Operation,
  forwarding: boolean,
): StoredVerified | null {
  if (operation.kind === "rejected") {
    const { row } = operation;
    statements.insertDelivery.run(...deliveryValues(row, row.outcome, row.outcomeDetail, row.status, null, false));
    return null;
  }
  const { input } = operation;
  const refs = extractResourceRefs(input.type, input.data);
  const newer =
    refs.resourceType && refs.resourceId
      ? statements.newerState.get(refs.resourceType, refs.resourceId, input.timestampMs, input.sourceId, input.svixId)
      : undefined;
  const event = statements.upsertEvent.get(
    newId(input.delivery.receivedAt.getTime()), input.sourceId, input.svixId, input.type, bool(isKnownEventType(input.type)),
    BigInt(input.timestampMs), input.svixTimestamp, input.instanceId, refs.resourceType, refs.resourceId, refs.userId,
    refs.organizationId, refs.subscriptionId, refs.payerId, input.delivery.receivedAt.getTime(), bool(newer !== undefined),
    input.delivery.id, bool(input.json !== undefined), bool(!forwarding),
  ) as { id: string; firstDeliveryId: string };
  const duplicate = event.firstDeliveryId !== input.delivery.id;
  if (!duplicate && input.json !== undefined) indexEventTextSqlite(db, event.id, payloadSearchText(input.json));
  const outcome: Outcome = duplicate ? "duplicate" : "verified";
  const detail = duplicate ? `Already stored as event ${event.id}` : input.detail;
  statements.insertDelivery.run(...deliveryValues(input.delivery, outcome, detail, OUTCOME_STATUS[outcome], event.id, duplicate));
  return { outcome, eventId: event.id, detail: duplicate ? "svix-id already stored" : input.detail };
}
