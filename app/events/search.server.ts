// Full-text search over event payloads. The index is built off the ingest path: the
// worker loop calls indexPendingEvents() every second, so a new event is searchable
// about a second after it arrives. Raw SQL, one branch per provider (ADR 0002).
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { indexEventTextSqlite, MAX_INDEXED_CHARS } from "./search-text";

/** An FTS5 phrase: the user's words, in order, with no query syntax of their own. */
function ftsPhrase(q: string): string {
  return `"${q.replaceAll('"', '""')}"`;
}

/** SQL condition on `e` (the Event alias): its payload contains the words of `q`, in order. */
export function searchCondition(provider: DatabaseHandle["provider"], q: string): Prisma.Sql {
  if (provider === "postgres") {
    return Prisma.sql`e."id" IN (SELECT s."eventId" FROM "EventSearch" s WHERE s."document" @@ phraseto_tsquery('simple', ${q}))`;
  }
  return Prisma.sql`e."id" IN (SELECT k."eventId" FROM "EventSearchKey" k WHERE k."rowid" IN (SELECT "rowid" FROM "EventSearch" WHERE "EventSearch" MATCH ${ftsPhrase(q)}))`;
}

/**
 * Indexes up to `limit` events not yet in the index; returns how many it indexed.
 * The text is extracted by the database itself (SQLite json_tree, Postgres
 * jsonb_to_tsvector): every string and number value of the payload, no keys. Each
 * batch is one short write, so ingest (which shares SQLite's one connection) waits
 * milliseconds, not seconds.
 */
export async function indexPendingEvents(handle: DatabaseHandle, limit = 200): Promise<number> {
  if (handle.provider === "postgres") {
    return handle.db.$executeRaw`
      WITH pending AS (
        SELECT e."id", d."rawBody" FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
        WHERE e."searchIndexed" = false
        LIMIT ${limit}
        FOR UPDATE OF e SKIP LOCKED
      ), indexed AS (
        INSERT INTO "EventSearch" ("eventId", "document")
        SELECT "id", jsonb_to_tsvector('simple', convert_from("rawBody", 'UTF8')::jsonb, '["string", "numeric"]')
        FROM pending
        ON CONFLICT ("eventId") DO NOTHING
      )
      UPDATE "Event" SET "searchIndexed" = true WHERE "id" IN (SELECT "id" FROM pending)`;
  }
  return handle.withSqlite!((db) => {
    const statements = sqliteStatements(db);
    // Extracting the text (json_tree over every body) is the expensive part, and a read:
    // it runs before the write transaction, so the write lock that ingest waits for is
    // held only for the inserts. Indexing the same event twice is harmless (the key
    // insert returns nothing the second time).
    const pending = statements.pending.all(limit) as { id: string; text: string | null }[];
    if (pending.length === 0) return 0;
    return db.transaction(() => {
      for (const { id, text } of pending) {
        indexEventTextSqlite(db, id, (text ?? "").slice(0, MAX_INDEXED_CHARS));
        statements.markIndexed.run(id);
      }
      return pending.length;
      // IMMEDIATE: wait for the write lock up front (see sqlite-adapter.server.ts).
    }).immediate();
  });
}

const prepared = new WeakMap<object, ReturnType<typeof prepareSqlite>>();
function sqliteStatements(db: import("better-sqlite3").Database) {
  let statements = prepared.get(db);
  if (!statements) prepared.set(db, (statements = prepareSqlite(db)));
  return statements;
}

function prepareSqlite(db: import("better-sqlite3").Database) {
  return {
    // NOTE: CAST to TEXT: SQLite >= 3.45 reads a BLOB argument of json_tree as JSONB.
    pending: db.prepare(`
      SELECT e."id",
        (SELECT group_concat(t."value", ' ') FROM json_tree(CASE WHEN json_valid(CAST(d."rawBody" AS TEXT)) THEN CAST(d."rawBody" AS TEXT) ELSE '[]' END) t
          WHERE t."type" IN ('text', 'integer', 'real')) AS "text"
      FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
      WHERE e."searchIndexed" = 0
      LIMIT ?`),
    markIndexed: db.prepare(`UPDATE "Event" SET "searchIndexed" = 1 WHERE "id" = ?`),
  };
}

/** Removes pruned events from the index. */
export async function removeFromSearch(handle: DatabaseHandle, eventIds: string[]) {
  if (eventIds.length === 0) return;
  const ids = Prisma.join(eventIds);
  if (handle.provider === "postgres") {
    await handle.db.$executeRaw`DELETE FROM "EventSearch" WHERE "eventId" IN (${ids})`;
  } else {
    await handle.db.$executeRaw`DELETE FROM "EventSearch" WHERE "rowid" IN (SELECT "rowid" FROM "EventSearchKey" WHERE "eventId" IN (${ids}))`;
    await handle.db.$executeRaw`DELETE FROM "EventSearchKey" WHERE "eventId" IN (${ids})`;
  }
}
