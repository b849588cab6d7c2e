// The one Prisma client, created once per process. SQLite (the embedded default) or
// Postgres, chosen by DATABASE_URL; both generated clients share one data model.
import { PrismaPg } from "@prisma/adapter-pg";
import type Database from "better-sqlite3";

import { PrismaClient as PostgresClient } from "~/generated/postgres/client";
import { PrismaClient as SqliteClient } from "~/generated/sqlite/client";
import { databaseProvider, DEFAULT_DATABASE_URL, sqliteFilePath, type DatabaseProvider } from "./database-url";
import { SerializedSqliteAdapterFactory } from "./sqlite-adapter.server";

export type { Prisma } from "~/generated/sqlite/client";
/** Both providers' clients have the same model API; the SQLite one names the type. */
export type Db = InstanceType<typeof SqliteClient>;

export interface DatabaseHandle {
  db: Db;
  provider: DatabaseProvider;
  url: string;
  /** The raw SQLite connection (null on Postgres), for pragmas and integrity checks. */
  sqlite(): Database.Database | null;
  /**
   * SQLite only: runs synchronous work on the raw connection, queued with Prisma's
   * statements so it never lands inside another request's transaction.
   */
  withSqlite?<T>(fn: (db: Database.Database) => T): Promise<T>;
}

const SLOW_QUERY_MS = Number(process.env.HOOKLINE_SLOW_QUERY_MS ?? 250);

export function createDatabase(url: string = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): DatabaseHandle {
  const provider = databaseProvider(url);
  const log = [{ emit: "event", level: "query" }] as const;
  if (provider === "postgres") {
    const adapter = new PrismaPg({ connectionString: url, max: Number(process.env.HOOKLINE_PG_POOL ?? 10) });
    const client = new PostgresClient({ adapter, log: [...log] });
    watchSlowQueries(client as never);
    return { db: client as unknown as Db, provider, url, sqlite: () => null };
  }
  const factory = new SerializedSqliteAdapterFactory(sqliteFilePath(url));
  const client = new SqliteClient({ adapter: factory, log: [...log] });
  watchSlowQueries(client as never);
  return {
    db: client,
    provider,
    url,
    sqlite: () => factory.database,
    async withSqlite(fn) {
      if (!factory.database) await client.$connect();
      return factory.runExclusive(fn);
    },
  };
}

function watchSlowQueries(client: { $on(event: "query", cb: (e: { duration: number; query: string }) => void): void }) {
  client.$on("query", (e) => {
    if (e.duration >= SLOW_QUERY_MS) {
      console.warn(JSON.stringify({ level: "warn", msg: "slow query", durationMs: e.duration, query: e.query.slice(0, 500) }));
    }
  });
}

const globalForDb = globalThis as unknown as { __hooklineDb?: DatabaseHandle };

/** The process-wide database handle (survives Vite dev reloads). */
export function database(): DatabaseHandle {
  globalForDb.__hooklineDb ??= createDatabase();
  return globalForDb.__hooklineDb;
}

export function db(): Db {
  return database().db;
}
