// The destination's search index, built by `hookline copy` in keyset pages over Event
// ids rather than through the worker's indexPendingEvents(): that one finds work by the
// `searchIndexed` flag and sets it row by row, and rewriting every Event row again (with
// its eight indexes) made it most of a copy's time. Copied events arrive with the flag
// already set; this pass fills the index for every event not in it yet (so a run killed
// half-way, or events added by the catch-up pass, are simply picked up again). The text
// is the same as everywhere else: payloadSearchText() on SQLite, jsonb_to_tsvector over
// the stored bytes on Postgres, and masked values left out (search.server.ts).
import Database from "better-sqlite3";
import pg from "pg";

import { databaseProvider, sqliteFilePath } from "~/db/database-url";
import { applyPragmas } from "~/db/sqlite-pragmas";
import { typeHasSecrets, withoutMaskedValues } from "~/events/redaction";
import { indexEventTextSqlite, payloadSearchText } from "~/events/search-text";

export interface SearchIndexer {
  /** Indexes the next page of events missing from the index; returns how many events it looked at (0 at the end). */
  next(): Promise<number>;
  /** Events added to the index so far. */
  added: number;
  /** Starts again from the first event (after the catch-up pass added some). */
  restart(): void;
  /** Drops index entries of events that are gone (the source pruned them meanwhile). */
  removeOrphans(): Promise<void>;
  /** Postgres: drops the GIN index while filling, created again by finish(). */
  dropIndexes(saved: string[] | null, save: (definitions: string[]) => Promise<void>): Promise<void>;
  finish(): Promise<string[] | null>;
  close(): Promise<void>;
}

export function openSearchIndexer(url: string, pageSize = 2000): SearchIndexer {
  return databaseProvider(url) === "postgres" ? postgresIndexer(url, pageSize) : sqliteIndexer(url, pageSize);
}

function parseBody(body: string | null): unknown {
  try {
    return body === null ? null : (JSON.parse(body) as unknown);
  } catch {
    return null;
  }
}

function sqliteIndexer(url: string, pageSize: number): SearchIndexer {
  const db = new Database(sqliteFilePath(url));
  applyPragmas(db);
  const page = db.prepare(`
    SELECT e."id", e."firstDeliveryId", k."rowid" AS "indexed"
    FROM "Event" e LEFT JOIN "EventSearchKey" k ON k."eventId" = e."id"
    WHERE e."id" > ? ORDER BY e."id" LIMIT ?`);
  const body = db.prepare(`SELECT CAST(hookline_body("rawBody", "bodyEncoding") AS TEXT) AS "body" FROM "Delivery" WHERE "id" = ?`).pluck();
  let cursor = "";
  const indexer: SearchIndexer = {
    added: 0,
    async next() {
      const rows = page.all(cursor, pageSize) as { id: string; firstDeliveryId: string; indexed: number | null }[];
      if (rows.length === 0) return 0;
      cursor = rows.at(-1)!.id;
      const missing = rows
        .filter((row) => row.indexed === null)
        .map((row) => ({ id: row.id, text: payloadSearchText(parseBody((body.get(row.firstDeliveryId) as string | undefined) ?? null)) }));
      if (missing.length) {
        db.transaction(() => {
          for (const { id, text } of missing) indexEventTextSqlite(db, id, text);
        }).immediate();
        indexer.added += missing.length;
      }
      return rows.length;
    },
    restart() {
      cursor = "";
    },
    async removeOrphans() {
      db.transaction(() => {
        db.exec(`DELETE FROM "EventSearch" WHERE "rowid" IN (SELECT k."rowid" FROM "EventSearchKey" k WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."id" = k."eventId"))`);
        db.exec(`DELETE FROM "EventSearchKey" WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."id" = "EventSearchKey"."eventId")`);
      }).immediate();
    },
    async dropIndexes() {},
    async finish() {
      return null;
    },
    async close() {
      db.close();
    },
  };
  return indexer;
}

function postgresIndexer(url: string, pageSize: number): SearchIndexer {
  const client = new pg.Client({ connectionString: url });
  let connected: Promise<unknown> | null = null;
  const query = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    connected ??= client.connect();
    await connected;
    return client.query<R>(text, values);
  };
  let cursor = "";
  let saved: string[] | null = null;
  const indexer: SearchIndexer = {
    added: 0,
    async next() {
      const { rows } = await query<{ id: string; type: string; indexed: boolean }>(
        `SELECT e."id", e."type", s."eventId" IS NOT NULL AS "indexed"
         FROM "Event" e LEFT JOIN "EventSearch" s ON s."eventId" = e."id"
         WHERE e."id" > $1 ORDER BY e."id" LIMIT $2`,
        [cursor, pageSize],
      );
      if (rows.length === 0) return 0;
      cursor = rows.at(-1)!.id;
      const missing = rows.filter((row) => !row.indexed);
      if (missing.length === 0) return rows.length;
      // Only the types with masked values need their document built here; the others
      // are indexed from the stored bytes without leaving the database.
      const masked = missing.filter((row) => typeHasSecrets(row.type)).map((row) => row.id);
      const documents = masked.length
        ? (
            await query<{ id: string; body: string }>(
              `SELECT e."id", convert_from(d."rawBody", 'UTF8') AS "body" FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId" WHERE e."id" = ANY($1::text[])`,
              [masked],
            )
          ).rows.map(({ id, body }) => ({ id, document: JSON.stringify(withoutMaskedValues(parseBody(body)) ?? {}) }))
        : [];
      const result = await query(
        `INSERT INTO "EventSearch" ("eventId", "document")
         SELECT e."id", jsonb_to_tsvector('simple', COALESCE(m."document", convert_from(d."rawBody", 'UTF8'))::jsonb, '["string", "numeric"]')
         FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
         LEFT JOIN unnest($1::text[], $2::text[]) AS m("id", "document") ON m."id" = e."id"
         WHERE e."id" = ANY($3::text[])
         ON CONFLICT ("eventId") DO NOTHING`,
        [documents.map((row) => row.id), documents.map((row) => row.document), missing.map((row) => row.id)],
      );
      indexer.added += result.rowCount ?? 0;
      return rows.length;
    },
    restart() {
      cursor = "";
    },
    async removeOrphans() {
      await query(`DELETE FROM "EventSearch" s WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."id" = s."eventId")`);
    },
    async dropIndexes(previously, save) {
      if (previously) {
        saved = previously;
      } else {
        const { rows } = await query<{ indexdef: string }>(
          `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'EventSearch' AND indexname NOT LIKE '%_pkey'`,
        );
        saved = rows.map((row) => row.indexdef);
        await save(saved);
      }
      for (const definition of saved) {
        const name = /INDEX\s+(?:IF NOT EXISTS\s+)?("[^"]+"|\S+)/i.exec(definition)?.[1];
        if (name) await query(`DROP INDEX IF EXISTS ${name}`);
      }
    },
    async finish() {
      if (!saved) return null;
      for (const definition of saved) await query(definition.replace(/^CREATE (UNIQUE )?INDEX (?!IF NOT EXISTS)/i, "CREATE $1INDEX IF NOT EXISTS "));
      return saved;
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
  return indexer;
}
