// Group commit for ingest on SQLite: the shared queue (group-commit.server.ts) with
// sqlite-batch-writer.server.ts writing each batch in one transaction on the raw
// connection, between Prisma's statements. One batch is written at a time (SQLite has
// one writer).
import type Database from "better-sqlite3";

import { GroupCommit } from "./group-commit.server";
import { writeBatch } from "./sqlite-batch-writer.server";

export class SqliteGroupCommit extends GroupCommit {
  /**
   * Writes on `withSqlite`'s connection, queued with Prisma's statements. A batch
   * resolves after it is committed (or rejects, and nothing of it is). NOTE: when
   * another connection (the worker thread) holds the write lock, withSqlite retries
   * from the event loop and holds the worker back meanwhile (app/db/write-gate.ts);
   * SQLite's busy handler would sleep on this thread and stop every request.
   */
  constructor(withSqlite: <T>(fn: (db: Database.Database) => T) => Promise<T>) {
    super((operations) => withSqlite((db) => writeBatch(db, operations)), { maxInFlight: 1 });
  }
}
