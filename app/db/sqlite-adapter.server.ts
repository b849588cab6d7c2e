// A driver-adapter factory for SQLite that serialises every statement on the one
// better-sqlite3 connection.
//
// NOTE: @prisma/adapter-better-sqlite3 takes a mutex for interactive transactions
// but not for plain queries, so a query issued while another request's transaction
// is open runs *inside* that transaction (same connection) and is lost if it rolls
// back. Hookline must never lose an acknowledged delivery, so all statements share
// one queue here. See docs/decisions/0002-prisma-two-providers.md.
import type Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";

import { logger } from "~/observability/logger.server";
import { applyPragmas } from "./sqlite-pragmas";
import { connectionPriority, runWithBusyRetry, yieldToForeground } from "./write-gate";

type Priority = "foreground" | "background";

const SLOW_TRANSACTION_MS = Number(process.env.HOOKLINE_SLOW_TRANSACTION_MS ?? 100);

/**
 * How a connection waits for SQLite's write lock (app/db/write-gate.ts and
 * docs/decisions/0008-write-coordination.md): the foreground retries from the event
 * loop and holds the background back; the background lets the foreground go first.
 */
function lockDiscipline(priority: Priority): <T>(attempt: () => T | Promise<T>) => Promise<T> {
  if (priority === "foreground") return runWithBusyRetry;
  return async (attempt) => {
    await yieldToForeground();
    return attempt();
  };
}

class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

type BetterSqliteAdapter = SqlDriverAdapter & { client: Database.Database };

export class SerializedSqliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #inner: PrismaBetterSQLite3;
  /** The raw better-sqlite3 connection, available once Prisma has connected. */
  database: Database.Database | null = null;
  /** One queue for Prisma's statements and raw work on the same connection. */
  readonly queue = new SerialQueue();

  readonly #lock: <T>(attempt: () => T | Promise<T>) => Promise<T>;
  readonly #priority: Priority;

  constructor(file: string, priority: Priority = connectionPriority()) {
    this.#inner = new PrismaBetterSQLite3({ url: file }, { timestampFormat: "unixepoch-ms" });
    this.adapterName = this.#inner.adapterName;
    this.#priority = priority;
    this.#lock = lockDiscipline(priority);
  }

  async connect(): Promise<SqlDriverAdapter> {
    const inner = (await this.#inner.connect()) as BetterSqliteAdapter;
    applyPragmas(inner.client);
    // The foreground never sleeps in SQLite's busy handler: it would stop the event
    // loop, and so every request, while another connection writes.
    if (this.#priority === "foreground") inner.client.pragma("busy_timeout = 0");
    this.database = inner.client;
    return serialize(inner, this.queue, this.#lock);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return serialize((await this.#inner.connectToShadowDb()) as BetterSqliteAdapter, new SerialQueue(), this.#lock);
  }

  /**
   * Runs synchronous work on the raw connection between two Prisma statements, never
   * inside someone's open transaction (used by ingest's group commit).
   */
  runExclusive<T>(fn: (db: Database.Database) => T): Promise<T> {
    return this.queue.run(async () => {
      const database = this.database;
      if (!database) throw new Error("The SQLite connection is not open yet");
      // `fn` must fail busy before it changes anything (one statement, or a
      // transaction begun IMMEDIATE), so that it can run again.
      return this.#lock(() => fn(database));
    });
  }
}

function serialize(
  inner: BetterSqliteAdapter,
  queue: SerialQueue,
  lock: <T>(attempt: () => T | Promise<T>) => Promise<T>,
): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    // Outside a transaction each statement commits alone; one that found the lock
    // taken did nothing, so it may run again.
    queryRaw: (query: SqlQuery) => queue.run(() => lock(() => inner.queryRaw(query))),
    executeRaw: (query: SqlQuery) => queue.run(() => lock(() => inner.executeRaw(query))),
    executeScript: (script: string) => queue.run(() => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    // NOTE: BEGIN IMMEDIATE, not the adapter's deferred BEGIN. Another connection (the
    // worker thread, `hookline worker`, a CLI) may commit between a transaction's first
    // read and its first write; a deferred transaction then fails at once with
    // SQLITE_BUSY_SNAPSHOT instead of waiting. Taking the write lock up front waits
    // (app/db/write-gate.ts) instead. Prisma itself sends COMMIT or ROLLBACK through
    // executeRaw.
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
        throw new Error(`SQLite transactions are serializable; ${isolationLevel} is not available`);
      }
      const release = await queue.acquire();
      try {
        await lock(() => inner.client.prepare("BEGIN IMMEDIATE").run());
      } catch (error) {
        release();
        throw error;
      }
      const began = performance.now();
      const end = () => {
        release();
        const heldMs = performance.now() - began;
        // Every other writer waits while a transaction holds the lock: keep them short.
        if (heldMs >= SLOW_TRANSACTION_MS) logger.warn("slow SQLite write transaction", { heldMs: Math.round(heldMs) });
      };
      return {
        provider: inner.provider,
        adapterName: inner.adapterName,
        options: { usePhantomQuery: false },
        queryRaw: (q) => inner.queryRaw(q),
        executeRaw: (q) => inner.executeRaw(q),
        commit: async () => end(),
        rollback: async () => end(),
      };
    },
  };
}
