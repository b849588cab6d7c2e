// Group commit for ingest on Postgres: the shared queue (group-commit.server.ts) with
// postgres-batch-writer.server.ts writing each batch as one statement, on a small pool
// of plain `pg` connections of its own. Prisma's pool stays for pages, the API and the
// worker, so a burst of deliveries no longer waits behind them for a connection, nor
// they behind it (the contention suite: 1,047 of 5,329 ingest requests answered 503
// when ingest shared Prisma's pool, ADR 0003).
//
// Up to `poolSize` batches are written at once, one per connection: while one waits
// for its commit (synchronous_commit stays on), the next is already being written.
import pg from "pg";

import { logger } from "~/observability/logger.server";
import type { Operation } from "./delivery";
import { GroupCommit } from "./group-commit.server";
import { FORWARD_GATE_SQL, writeBatch } from "./postgres-batch-writer.server";

export const DEFAULT_INGEST_POOL_SIZE = 4;

/** Bodies per batch statement: one bytea parameter holds them all. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** Deadlock or serialization failure: the statement was rolled back and may simply run again. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "40P01" || code === "40001";
}

/**
 * A data exception (22…) or an integrity violation (23…) is about a row, not the
 * database: a NUL in a text column, a source deleted meanwhile. The batch is then
 * written one delivery at a time, so that only that one is answered 503.
 */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^2[23]/.test(code);
}

/** Insufficient privilege (42501): the role may not create temporary objects here. */
function isNotAllowed(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "42501";
}

/**
 * One batch on one of the pool's connections. `gated` records, per connection, whether
 * it has the auto-forward gate (true) or may not create it (false).
 */
async function write(pool: pg.Pool, gated: WeakMap<pg.PoolClient, boolean>, operations: Operation[]) {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection lost meanwhile is also an 'error' event on the client, which would end
  // the process without a listener (pool.query() listens the same way).
  const onError = (error: Error) => (broken = error);
  client.on("error", onError);
  try {
    let hasGate = gated.get(client);
    if (hasGate === undefined) {
      hasGate = await defineGate(client);
      gated.set(client, hasGate);
    }
    return await writeBatch(client, operations, { gated: hasGate });
  } catch (error) {
    // Postgres' answer to a statement leaves the connection usable; anything else
    // (closed, reset, timed out) drops it.
    if (!(error instanceof pg.DatabaseError)) broken = error as Error;
    throw error;
  } finally {
    client.removeListener("error", onError);
    client.release(broken);
  }
}

/**
 * The auto-forward gate on a new connection (postgres-batch-writer.server.ts). A role
 * that may not create temporary objects still ingests, with every event left to the
 * worker's auto-forward scan, as before.
 */
async function defineGate(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query(FORWARD_GATE_SQL);
    return true;
  } catch (error) {
    if (!isNotAllowed(error)) throw error;
    logger.warn("ingest: this Postgres role may not create temporary functions; events are left to the worker's auto-forward scan", {
      error: (error as Error).message,
    });
    return false;
  }
}

export class PostgresGroupCommit extends GroupCommit {
  readonly #pool: pg.Pool;

  constructor(url: string, options: { poolSize?: number } = {}) {
    const poolSize = options.poolSize ?? DEFAULT_INGEST_POOL_SIZE;
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      application_name: "hookline-ingest",
      // Postgres down: fail the batch (→ 503) rather than queue requests behind it.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    });
    // An idle connection that Postgres closed (restart, failover) is dropped by the pool;
    // the next batch opens a new one. Without a listener the process would exit.
    pool.on("error", (error) => logger.warn("ingest: an idle Postgres connection was closed", { error: error.message }));
    const gated = new WeakMap<pg.PoolClient, boolean>();
    super(
      async (operations) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await write(pool, gated, operations);
          } catch (error) {
            if (attempt < 3 && isTransient(error)) continue;
            throw error;
          }
        }
      },
      { maxInFlight: poolSize, maxBatchBytes: MAX_BATCH_BYTES, splitOnError: isRowError },
    );
    this.#pool = pool;
  }

  override async close(): Promise<void> {
    await this.#pool.end();
  }
}
