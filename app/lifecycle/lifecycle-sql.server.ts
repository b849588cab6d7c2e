// How the lifecycle views run their read queries, fast on both providers.
//
// Measured at 22,000 events (docs/benchmarks.md, "Lifecycle"): decoding rows through
// Prisma's driver adapters costs more than the queries. 101 event rows took 16 ms
// through $queryRaw and 9 ms on the raw SQLite connection; 101 payloads took 37 ms through
// `delivery.findMany` (Bytes) and 0.3 ms raw. So on SQLite the same Prisma.sql text runs
// on the raw better-sqlite3 connection, queued with Prisma's statements (`withSqlite`,
// never inside another request's transaction); on Postgres it goes through $queryRaw,
// and payloads are read as text (`convert_from`), which is 8x faster than Bytes.
import type { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";

/** SQLite binds numbers, bigints, strings and buffers; Prisma stores DateTime as ms. */
function bindValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

export async function queryRows<T>(handle: DatabaseHandle, sql: Prisma.Sql): Promise<T[]> {
  if (handle.provider === "sqlite" && handle.withSqlite) {
    return handle.withSqlite((db) => db.prepare(sql.sql).all(...sql.values.map(bindValue)) as T[]);
  }
  return handle.db.$queryRaw<T[]>(sql);
}
