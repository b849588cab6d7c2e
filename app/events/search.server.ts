// Full-text search over event payloads. Ingest writes each event's entry in its batch
// (ADR 0003); the worker loop calls indexPendingEvents() every second for the events
// ingest leaves to it (the types with masked values), and on Postgres merges the GIN
// index's pending list (mergePendingSearchEntries). Raw SQL, one branch per provider
// (ADR 0002).
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { typeHasSecrets, withoutMaskedValues } from "./redaction";
import { indexEventTextSqlite, payloadSearchText } from "./search-text";

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
 * SQL condition on `e`: its payload has every one of `words` (letters and digits only,
 * as both indexes split text), the last one as a prefix ("jan" finds Jane). For names
 * and usernames, whose parts are separate fields in no fixed order.
 */
export function allWordsCondition(provider: DatabaseHandle["provider"], words: readonly string[]): Prisma.Sql {
  const clean = words.map((word) => word.replace(/[^\p{L}\p{N}]/gu, "")).filter(Boolean);
  if (clean.length === 0) return Prisma.sql`1 = 0`;
  if (provider === "postgres") {
    const query = clean.map((word, i) => `'${word}'${i === clean.length - 1 ? ":*" : ""}`).join(" & ");
    return Prisma.sql`e."id" IN (SELECT s."eventId" FROM "EventSearch" s WHERE s."document" @@ to_tsquery('simple', ${query}))`;
  }
  const match = clean.map((word, i) => `"${word}"${i === clean.length - 1 ? "*" : ""}`).join(" ");
  return Prisma.sql`e."id" IN (SELECT k."eventId" FROM "EventSearchKey" k WHERE k."rowid" IN (SELECT "rowid" FROM "EventSearch" WHERE "EventSearch" MATCH ${match}))`;
}

/**
 * Indexes up to `limit` events not yet in the index; returns how many it indexed.
 * The text is every string and number value of the payload, no keys, and nothing that
 * is masked for viewers (payloadSearchText, withoutMaskedValues). SQLite: the text is
 * computed here with payloadSearchText, as ingest does. Postgres: jsonb_to_tsvector
 * over the stored body, or over the body without its masked values for the types that
 * have some (email.created, sms.created), computed here. Each batch is one short write,
 * so ingest (which shares SQLite's one connection) waits milliseconds, not seconds.
 */
export async function indexPendingEvents(handle: DatabaseHandle, limit = 200): Promise<number> {
  if (handle.provider === "postgres") return indexPendingPostgres(handle, limit);
  return handle.withSqlite!((db) => {
    const statements = sqliteStatements(db);
    // Reading and parsing the bodies is the expensive part, and a read: it runs before
    // the write transaction, so the write lock that ingest waits for is held only for
    // the inserts. Indexing the same event twice is harmless (the key insert returns
    // nothing the second time).
    const pending = (statements.pending.all(limit) as { id: string; body: string | null }[]).map(({ id, body }) => ({
      id,
      text: payloadSearchText(parseBody(body)),
    }));
    if (pending.length === 0) return 0;
    return db.transaction(() => {
      for (const { id, text } of pending) {
        indexEventTextSqlite(db, id, text);
        statements.markIndexed.run(id);
      }
      return pending.length;
      // IMMEDIATE: wait for the write lock up front (see sqlite-adapter.server.ts).
    }).immediate();
  });
}

function parseBody(body: string | null): unknown {
  try {
    return body === null ? null : (JSON.parse(body) as unknown);
  } catch {
    return null;
  }
}

/**
 * Postgres: the next events to index, locked for this worker. SKIP LOCKED: several
 * workers on one Postgres index disjoint batches. NOTE: ORDER BY "id" is what makes the
 * plan the partial index Event_searchIndexed_pending_idx ("id" WHERE NOT "searchIndexed").
 * Without it the planner, with statistics that lag a fast-growing table, chose a
 * sequential scan of every event: 22 ms at 41,000 events, on every turn of a loop that
 * runs again at once while there is work (docs/benchmarks.md, issue 16).
 */
export function pendingSearchPostgres(limit: number): Prisma.Sql {
  return Prisma.sql`SELECT e."id", e."type" FROM "Event" e WHERE e."searchIndexed" = false ORDER BY e."id" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
}

async function indexPendingPostgres(handle: DatabaseHandle, limit: number): Promise<number> {
  return handle.db.$transaction(async (tx) => {
    const pending = await tx.$queryRaw<{ id: string; type: string }[]>(pendingSearchPostgres(limit));
    if (pending.length === 0) return 0;
    const ids = pending.map((row) => row.id);
    // Only the types with masked values need their document built here; the others
    // are indexed from the stored bytes without leaving the database.
    const masked = pending.filter((row) => typeHasSecrets(row.type)).map((row) => row.id);
    const documents = masked.length
      ? (
          await tx.$queryRaw<{ id: string; body: string }[]>`
            SELECT e."id", convert_from(d."rawBody", 'UTF8') AS "body"
            FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId" WHERE e."id" = ANY(${masked}::text[])`
        ).map(({ id, body }) => ({ id, document: JSON.stringify(withoutMaskedValues(parseBody(body)) ?? {}) }))
      : [];
    await tx.$executeRaw`
      INSERT INTO "EventSearch" ("eventId", "document")
      SELECT e."id", jsonb_to_tsvector('simple', COALESCE(m."document", convert_from(d."rawBody", 'UTF8'))::jsonb, '["string", "numeric"]')
      FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
      LEFT JOIN unnest(${documents.map((row) => row.id)}::text[], ${documents.map((row) => row.document)}::text[]) AS m("id", "document") ON m."id" = e."id"
      WHERE e."id" = ANY(${ids}::text[])
      ON CONFLICT ("eventId") DO NOTHING`;
    await tx.$executeRaw`UPDATE "Event" SET "searchIndexed" = true WHERE "id" = ANY(${ids}::text[])`;
    return ids.length;
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
    pending: db.prepare(`
      SELECT e."id", CAST(hookline_body(d."rawBody", d."bodyEncoding") AS TEXT) AS "body"
      FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
      WHERE e."searchIndexed" = 0
      LIMIT ?`),
    markIndexed: db.prepare(`UPDATE "Event" SET "searchIndexed" = 1 WHERE "id" = ?`),
  };
}

/** FTS5's merge settings (its defaults), and the ones a prune works under. */
export const SEARCH_MERGES = { automerge: 4, deletemerge: 10 } as const;
const PRUNE_MERGES = { automerge: 0, deletemerge: 50 } as const;
/** Leaf pages one merge step writes (`merge`'s N): a few ms, see searchMergeStep (8 until stop 25: p99 69 -> 24 ms). */
const MERGE_STEP_PAGES = 2;

/**
 * SQLite: runs `fn` (a prune's deletes) with FTS5's merging taken over by the prune.
 * - For every row deleted from a contentless_delete table, FTS5's automerge adds a
 *   leaf page of merge work to the next commit: at 1M events, 100 deletes cost 60–160 ms
 *   of merging under the write lock, against ~2 ms for the deletes themselves
 *   (docs/benchmarks.md, "Prune"). So automerge is off meanwhile.
 * - With merging simply off, a segment whose rows were all pruned is merged later in
 *   one step that reads all of it: 3.5–8.5 s under the lock at 1M. So the prune merges
 *   as it goes (searchMergeStep between batches), and a level becomes due once half of
 *   its rows are deleted (deletemerge 50): a step then reads at most about twice what
 *   it writes.
 * The settings are stored in the table, so ingest's inserts follow them too while the
 * prune runs. They are put back afterwards, also when `fn` fails; a prune killed
 * mid-way leaves them until the next prune ends (the worker's runs hourly), which then
 * also finishes the merge work it left (pruneOlderThan).
 * Postgres: runs `fn` as is.
 */
export async function withPruneSearchMerges<T>(handle: DatabaseHandle, fn: () => Promise<T>): Promise<T> {
  if (handle.provider !== "sqlite") return fn();
  await setSearchMerges(handle, PRUNE_MERGES);
  try {
    return await fn();
  } finally {
    await setSearchMerges(handle, SEARCH_MERGES);
  }
}

/**
 * SQLite: one bounded step of FTS5 merge work (about MERGE_STEP_PAGES leaf pages
 * written); true if there was work. Each step is its own statement, so ingest can take
 * the write lock between steps. False on Postgres.
 */
export async function searchMergeStep(handle: DatabaseHandle): Promise<boolean> {
  if (!handle.withSqlite) return false;
  return handle.withSqlite((db) => {
    const changes = () => Number(db.prepare("SELECT total_changes() AS n").pluck().get());
    const before = changes();
    db.prepare(`INSERT INTO "EventSearch" ("EventSearch", "rank") VALUES ('merge', ${MERGE_STEP_PAGES})`).run();
    // FTS5's documented test: a step that merged nothing changes at most one row.
    return changes() - before > 1;
  });
}

/** SQLite: sets FTS5's merge settings (stored in EventSearch_config, read by every connection). */
export async function setSearchMerges(handle: DatabaseHandle, settings: { automerge: number; deletemerge: number }) {
  if (handle.provider !== "sqlite") return;
  for (const [name, value] of Object.entries(settings)) {
    await handle.db.$executeRawUnsafe(`INSERT INTO "EventSearch" ("EventSearch", "rank") VALUES ('${name}', ${Math.trunc(value)})`);
  }
}

/** SQLite: FTS5's merge settings as stored (absent: FTS5's defaults); null on Postgres. */
export async function searchMerges(handle: DatabaseHandle): Promise<{ automerge: number; deletemerge: number } | null> {
  if (handle.provider !== "sqlite") return null;
  const rows = await handle.db.$queryRaw<{ k: string; v: number | bigint }[]>`SELECT "k", "v" FROM "EventSearch_config" WHERE "k" IN ('automerge', 'deletemerge')`;
  const stored = Object.fromEntries(rows.map((row) => [row.k, Number(row.v)]));
  return { automerge: stored.automerge ?? SEARCH_MERGES.automerge, deletemerge: stored.deletemerge ?? SEARCH_MERGES.deletemerge };
}

/** Postgres: the advisory lock that lets one instance's worker merge the pending list at a time. */
export const PENDING_MERGE_LOCK = 0x686c5f67; // "hl_g"

/**
 * Postgres: merges the GIN index's pending list (the search entries ingest appended since
 * the last merge) into the index; returns the pending-list pages it emptied, or null when
 * another instance's worker is merging (or on SQLite).
 * - Ingest's batch statement only appends each event's entry to the pending list. Left
 *   to Postgres, the insert that finds the list over its limit merges all of it, inside
 *   that batch: at ~1,300 entries/s, a batch of 95-126 ms every 3-4 s
 *   (scripts/bench/search-pending-list.ts, docs/benchmarks.md). The worker does it
 *   instead, every second, on its own connection, while ingest keeps appending.
 * - The migration raised the limit to 16 MB, so a late worker leaves seconds of slack.
 * - Searches read the pending list as well, so an entry is found before and after.
 */
export async function mergePendingSearchEntries(handle: DatabaseHandle): Promise<number | null> {
  if (handle.provider !== "postgres") return null;
  const [row] = await handle.db.$queryRaw<{ pages: bigint | null }[]>`
    SELECT CASE WHEN pg_try_advisory_xact_lock(${PENDING_MERGE_LOCK})
      THEN gin_clean_pending_list('"EventSearch_document_idx"'::regclass) END AS "pages"`;
  return row?.pages === null || row?.pages === undefined ? null : Number(row.pages);
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
