// Group commit for ingest on SQLite. Deliveries that arrive while the previous batch
// is being written are stored together in one transaction (sqlite-batch-writer.server.ts)
// on the raw connection, between Prisma's statements; each request is answered only
// after its batch commits. One batch is written at a time.
//
// Why: one Prisma interactive transaction per delivery cost ~4.5 ms of a single
// SQLite connection's time (221 deliveries/s against 7,700/s for a hand-written
// baseline, docs/benchmarks.md).
import type Database from "better-sqlite3";

import type { StoredVerified, VerifiedDelivery } from "./ingest.server";
import { writeBatch, type BatchResult, type Operation, type RejectedRow } from "./sqlite-batch-writer.server";

interface Pending {
  operation: Operation;
  resolve(value: BatchResult): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 512;

export class SqliteGroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;

  /** Writes on `withSqlite`'s connection, queued with Prisma's statements. */
  constructor(private readonly withSqlite: <T>(fn: (db: Database.Database) => T) => Promise<T>) {}

  storeRejected(row: RejectedRow): Promise<void> {
    return this.#enqueue({ kind: "rejected", row }).then(() => undefined);
  }

  storeVerified(input: VerifiedDelivery): Promise<StoredVerified> {
    return this.#enqueue({ kind: "verified", input }) as Promise<StoredVerified>;
  }

  #enqueue(operation: Operation): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ operation, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // Let the requests already read off the sockets join this batch.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush() {
    const batch = this.#queue.splice(0, MAX_BATCH);
    try {
      const results = await this.#write(batch.map((pending) => pending.operation));
      results.forEach((result, i) => batch[i]!.resolve(result));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
    if (this.#queue.length) setImmediate(() => void this.#flush());
    else this.#scheduled = false;
  }

  /**
   * Writes one batch; resolves after it is committed (or rejects, and nothing of it
   * is). NOTE: when another connection (the worker thread) holds the write lock,
   * withSqlite retries from the event loop and holds the worker back meanwhile
   * (app/db/write-gate.ts); SQLite's busy handler would sleep on this thread and stop
   * every request.
   */
  #write(operations: Operation[]): Promise<BatchResult[]> {
    return this.withSqlite((db) => writeBatch(db, operations));
  }
}
