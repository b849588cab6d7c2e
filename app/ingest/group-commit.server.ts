// Group commit for ingest, whatever the database. Deliveries that arrive while earlier
// batches are being written are stored together, one batch per transaction, by the
// provider's batch writer (sqlite-group-commit.server.ts, postgres-group-commit.server.ts);
// each request is answered only after its batch commits, and a batch that fails
// rejects every request in it (→ 503, nothing of it committed).
//
// Why: one Prisma interactive transaction per delivery cost ~4.5 ms of SQLite's one
// connection (221 deliveries/s) and several round trips on Postgres (~330/s), against
// 4,000-7,700/s for hand-written baselines (docs/benchmarks.md, ADR 0003).
import type { BatchResult, Operation, RejectedRow, StoredVerified, VerifiedDelivery } from "./delivery";

/** Writes one batch in one transaction; resolves with each operation's result, in order, after the commit. */
export type BatchWrite = (operations: Operation[]) => Promise<BatchResult[]>;

interface Pending {
  operation: Operation;
  resolve(value: BatchResult): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Most operations in one batch. */
  maxBatch?: number;
  /**
   * Batches written at once. SQLite has one writer, so 1. On Postgres each batch has its
   * own connection, and while one waits for its commit the next can be written.
   */
  maxInFlight?: number;
  /** Most body bytes in one batch (at least one operation goes in each). */
  maxBatchBytes?: number;
  /**
   * Whether a failed batch may be one bad row rather than a database that is away: its
   * operations are then written one by one, so that only the bad one fails.
   */
  splitOnError?: (error: unknown) => boolean;
}

export class GroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;
  #inFlight = 0;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  readonly #maxBatchBytes: number;
  readonly #splitOnError: (error: unknown) => boolean;

  constructor(
    private readonly write: BatchWrite,
    options: GroupCommitOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 512;
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.#maxBatchBytes = options.maxBatchBytes ?? Infinity;
    this.#splitOnError = options.splitOnError ?? (() => false);
  }

  storeRejected(row: RejectedRow): Promise<void> {
    return this.#enqueue({ kind: "rejected", row }).then(() => undefined);
  }

  storeVerified(input: VerifiedDelivery): Promise<StoredVerified> {
    return this.#enqueue({ kind: "verified", input }) as Promise<StoredVerified>;
  }

  /** Releases what the writer holds (connections); batches in flight finish first. */
  async close(): Promise<void> {}

  #enqueue(operation: Operation): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ operation, resolve, reject });
      this.#schedule();
    });
  }

  #schedule() {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    // Let the requests already read off the sockets join this batch.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush() {
    if (this.#inFlight >= this.#maxInFlight || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#batchLength());
    this.#inFlight++;
    // More queued than one batch takes: another may start at once if a slot is free.
    this.#schedule();
    await this.#writeBatch(batch);
    this.#inFlight--;
    this.#schedule();
  }

  async #writeBatch(batch: Pending[]) {
    try {
      const results = await this.write(batch.map((pending) => pending.operation));
      results.forEach((result, i) => batch[i]!.resolve(result));
    } catch (error) {
      if (batch.length > 1 && this.#splitOnError(error)) {
        for (const pending of batch) await this.#writeBatch([pending]);
        return;
      }
      for (const pending of batch) pending.reject(error);
    }
  }

  #batchLength(): number {
    const most = Math.min(this.#maxBatch, this.#queue.length);
    if (this.#maxBatchBytes === Infinity) return most;
    let bytes = 0;
    for (let i = 0; i < most; i++) {
      bytes += bodyBytes(this.#queue[i]!.operation);
      if (bytes > this.#maxBatchBytes) return Math.max(1, i);
    }
    return most;
  }
}

function bodyBytes(operation: Operation): number {
  return operation.kind === "rejected" ? operation.row.rawBody.byteLength : operation.input.delivery.rawBody.byteLength;
}

