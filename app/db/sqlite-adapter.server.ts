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

import { applyPragmas } from "./sqlite-pragmas";

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

  constructor(file: string) {
    this.#inner = new PrismaBetterSQLite3({ url: file }, { timestampFormat: "unixepoch-ms" });
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const inner = (await this.#inner.connect()) as BetterSqliteAdapter;
    applyPragmas(inner.client);
    this.database = inner.client;
    return serialize(inner, this.queue);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return serialize((await this.#inner.connectToShadowDb()) as BetterSqliteAdapter, new SerialQueue());
  }

  /**
   * Runs synchronous work on the raw connection between two Prisma statements, never
   * inside someone's open transaction (used by ingest's group commit).
   */
  runExclusive<T>(fn: (db: Database.Database) => T): Promise<T> {
    return this.queue.run(async () => {
      if (!this.database) throw new Error("The SQLite connection is not open yet");
      return fn(this.database);
    });
  }
}

function serialize(inner: BetterSqliteAdapter, queue: SerialQueue): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query: SqlQuery) => queue.run(() => inner.queryRaw(query)),
    executeRaw: (query: SqlQuery) => queue.run(() => inner.executeRaw(query)),
    executeScript: (script: string) => queue.run(() => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    // NOTE: BEGIN IMMEDIATE, not the adapter's deferred BEGIN. Another connection (the
    // worker thread, `hookline worker`, a CLI) may commit between a transaction's first
    // read and its first write; a deferred transaction then fails at once with
    // SQLITE_BUSY_SNAPSHOT instead of waiting. Taking the write lock up front waits
    // (busy_timeout) instead. Prisma itself sends COMMIT or ROLLBACK through executeRaw.
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
        throw new Error(`SQLite transactions are serializable; ${isolationLevel} is not available`);
      }
      const release = await queue.acquire();
      try {
        inner.client.prepare("BEGIN IMMEDIATE").run();
      } catch (error) {
        release();
        throw error;
      }
      return {
        provider: inner.provider,
        adapterName: inner.adapterName,
        options: { usePhantomQuery: false },
        queryRaw: (q) => inner.queryRaw(q),
        executeRaw: (q) => inner.executeRaw(q),
        commit: async () => release(),
        rollback: async () => release(),
      };
    },
  };
}
