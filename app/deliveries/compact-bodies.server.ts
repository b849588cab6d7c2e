// Compacts SQLite's stored deliveries a while after they arrive (ADR 0017): each body and
// headers are compressed with the frozen dictionaries, and the row is written again.
//
// Why after, not at ingest: compressing costs ~100 µs of CPU per delivery. On the event
// loop that slowed saturated ingest by ~25 %; on a thread of its own, each answer waited
// for its batch's compression and ingest was ~20 % slower all the same (docs/benchmarks.md,
// "Storage"). Here it costs ingest nothing: ingest writes rows as received
// (bodyEncoding NULL), and this task, in the worker, compresses them on a thread at the
// lowest priority (body-packer.server.ts) and writes them through the worker's write
// gate, which lets ingest's writer go first.
//
// Why a delete and an insert, not an UPDATE: SQLite rewrites a row that shrinks where it
// is, and never gives back the pages it leaves half empty (measured: 20,000 rows updated
// from 1.7 to 0.6 KB, not one page freed). Deleted rows free their pages, which later rows
// reuse; the row is written again with a new rowid at the end of the table, the same id
// and every other column as it is at that moment. No foreign key points at Delivery.
import type Database from "better-sqlite3";

import { firstIdAt } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { BodyPacker } from "./body-packer.server";
import type { WorkerTask } from "~/worker/worker.server";
import { chooseEncoding, chooseHeaders } from "./body-codec.server";

/** Deliveries compacted in one write: a few milliseconds of the write lock. */
export const COMPACT_BATCH = 100;

interface Candidate {
  id: string;
  rawBody: Buffer;
  headers: string;
}

function prepare(db: Database.Database) {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info('Delivery')`).all() as { name: string }[]).map((row) => row.name);
  return {
    // Delivery_uncompacted_idx: only the rows still NULL, in id (arrival) order.
    candidates: db.prepare(
      `SELECT "id", "rawBody", "headers" FROM "Delivery" INDEXED BY "Delivery_uncompacted_idx"
       WHERE "bodyEncoding" IS NULL AND "id" < ? ORDER BY "id" LIMIT ?`,
    ),
    // The row as it is now (a re-verification may have changed its outcome meanwhile),
    // only if its bytes are still the ones compressed.
    take: db.prepare(`DELETE FROM "Delivery" WHERE "id" = ? AND "bodyEncoding" IS NULL AND "rawBody" = ? AND "headers" = ? RETURNING *`),
    put: db.prepare(`INSERT INTO "Delivery" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`),
  };
}

const prepared = new WeakMap<Database.Database, ReturnType<typeof prepare>>();
function statements(db: Database.Database) {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  return s;
}

/**
 * Compacts up to `limit` deliveries that arrived more than `olderThanMs` ago; returns how
 * many it wrote (0: nothing is waiting, or the compression thread could not help). SQLite
 * only; elsewhere it does nothing.
 */
export async function compactStoredBodies(
  handle: DatabaseHandle,
  packer: BodyPacker,
  options: { olderThanMs: number; limit?: number; now?: number },
): Promise<number> {
  if (handle.provider !== "sqlite" || !handle.withSqlite) return 0;
  const before = firstIdAt(new Date((options.now ?? Date.now()) - options.olderThanMs));
  const limit = options.limit ?? COMPACT_BATCH;
  const rows = await handle.withSqlite((db) => statements(db).candidates.all(before, limit) as Candidate[]);
  if (rows.length === 0) return 0;
  const packed = await packer.pack(
    rows.map((row) => row.rawBody),
    rows.map((row) => row.headers),
  );
  return handle.withSqlite((db) => {
    const s = statements(db);
    // IMMEDIATE: the write lock before the first statement, so a busy lock fails before
    // anything changed and the gate may run it again.
    return db
      .transaction(() => {
        let written = 0;
        rows.forEach((row, i) => {
          // The thread did not get to it (it stopped, or was late): left for the next run.
          if (packed.headers[i] === null) return;
          const current = s.take.get(row.id, row.rawBody, row.headers) as Record<string, unknown> | undefined;
          if (!current) return;
          const body = chooseEncoding(row.rawBody, packed.bodies[i] ?? null);
          s.put.run({ ...current, rawBody: body.bytes, headers: chooseHeaders(row.headers, packed.headers[i] ?? null), bodyEncoding: body.encoding });
          written++;
        });
        return written;
      })
      .immediate();
  });
}

/** Rest after each full batch: catching up on a large history must not crowd ingest out. */
const REST_MS = 20;

/** The worker task: compacts while deliveries old enough wait, then looks again every 5 s. */
export function compactBodiesTask(olderThanMs: number): WorkerTask {
  const packer = new BodyPacker();
  return {
    name: "compact-bodies",
    intervalMs: 5_000,
    async run(handle) {
      const written = await compactStoredBodies(handle, packer, { olderThanMs });
      if (written < COMPACT_BATCH) return false;
      await new Promise((resolve) => setTimeout(resolve, REST_MS));
      return true;
    },
    stop: () => packer.close(),
  };
}
