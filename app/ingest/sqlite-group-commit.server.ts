// Group commit for ingest on SQLite: the shared queue (group-commit.server.ts) with
// sqlite-batch-writer.server.ts writing each batch in one transaction on the raw
// connection, between Prisma's statements. One batch is written at a time (SQLite has
// one writer).
import type Database from "better-sqlite3";

import { BodyPacker } from "./body-packer.server";
import type { DeliveryBase, Operation } from "./delivery";
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
  constructor(withSqlite: <T>(fn: (db: Database.Database) => T) => Promise<T>, packer: BodyPacker = new BodyPacker()) {
    super(
      async (operations) => {
        // Bodies and headers are compressed on the packer's thread first (ADR 0017); the write
        // lock is taken only once they are back.
        const rows = operations.map(rowOf);
        const packed = await packer.pack(
          rows.map((row) => row.rawBody),
          rows.map((row) => row.headers),
        );
        return withSqlite((db) => writeBatch(db, operations, packed));
      },
      { maxInFlight: 1 },
    );
    this.#packer = packer;
  }

  readonly #packer: BodyPacker;

  override async close(): Promise<void> {
    await super.close();
    await this.#packer.close();
  }
}

function rowOf(operation: Operation): DeliveryBase {
  return operation.kind === "rejected" ? operation.row : operation.input.delivery;
}
