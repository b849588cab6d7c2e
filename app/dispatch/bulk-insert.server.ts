// Multi-row INSERTs for the dispatch hot path (attempts after every batch, tasks while
// planning). Prisma's createMany, and even a raw INSERT with one placeholder per
// value, cost more CPU and garbage than the sends themselves in the replay benchmark
// (Prisma builds and maps every parameter). Here the rows travel as ONE JSON
// parameter and the database unpacks them: json_each on SQLite,
// json_array_elements on Postgres.
import type { DatabaseHandle } from "~/db/prisma.server";
import { Prisma } from "~/generated/sqlite/client";

export type ColumnType = "text" | "integer" | "boolean" | "timestamp";
export type Columns = readonly (readonly [name: string, type: ColumnType])[];

type Value = string | number | boolean | Date | null | undefined;

interface Executor {
  $executeRaw(query: Prisma.Sql): Promise<number>;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function encode(value: Value, type: ColumnType, provider: DatabaseHandle["provider"]): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (type === "timestamp") {
    const date = value as Date;
    // SQLite keeps DateTime as integer milliseconds (ADR 0002); Postgres parses ISO.
    return provider === "postgres" ? date.toISOString() : date.getTime();
  }
  if (type === "boolean") return provider === "postgres" ? Boolean(value) : value ? 1 : 0;
  return value as string | number;
}

function unpack(provider: DatabaseHandle["provider"], columns: Columns): string {
  if (provider === "postgres") {
    const cast: Record<ColumnType, string> = { text: "", integer: "::integer", boolean: "::boolean", timestamp: "::timestamp(3)" };
    return columns.map(([, type], i) => `(r.value->>${i})${cast[type]}`).join(", ");
  }
  return columns.map((_, i) => `json_extract(r.value, '$[${i}]')`).join(", ");
}

/** Inserts `rows` (objects keyed by column name) in statements of at most `chunk` rows. */
export async function insertRows(
  db: Executor,
  provider: DatabaseHandle["provider"],
  table: "DispatchAttempt" | "DispatchTask",
  columns: Columns,
  rows: Record<string, Value>[],
  chunk = 1000,
): Promise<void> {
  const into = `INSERT INTO ${quote(table)} (${columns.map(([name]) => quote(name)).join(", ")}) SELECT ${unpack(provider, columns)} FROM `;
  const from = provider === "postgres" ? "json_array_elements(CAST(" : "json_each(";
  const close = provider === "postgres" ? " AS json)) AS r(value)" : ") AS r";
  for (let i = 0; i < rows.length; i += chunk) {
    const json = JSON.stringify(rows.slice(i, i + chunk).map((row) => columns.map(([name, type]) => encode(row[name], type, provider))));
    await db.$executeRaw(Prisma.sql`${Prisma.raw(into + from)}${json}${Prisma.raw(close)}`);
  }
}

/**
 * The same INSERT as one SQL text with the JSON inlined by `literal` (pg's
 * escapeLiteral), for a multi-statement turn on a plain `pg` connection
 * (postgres-claim.server.ts). Postgres only.
 */
export function postgresInsertSql(
  table: "DispatchAttempt" | "DispatchTask",
  columns: Columns,
  rows: Record<string, Value>[],
  literal: (text: string) => string,
): string {
  const json = JSON.stringify(rows.map((row) => columns.map(([name, type]) => encode(row[name], type, "postgres"))));
  return `INSERT INTO ${quote(table)} (${columns.map(([name]) => quote(name)).join(", ")}) SELECT ${unpack("postgres", columns)} FROM json_array_elements(${literal(json)}::json) AS r(value)`;
}

/**
 * `IN (...)` for many ids as one JSON parameter: `"id" IN ${idList(provider, ids)}`.
 * Same reason as insertRows: Prisma's cost is per parameter.
 */
export function idList(provider: DatabaseHandle["provider"], ids: readonly string[]): Prisma.Sql {
  const json = JSON.stringify(ids);
  return provider === "postgres"
    ? Prisma.sql`(SELECT json_array_elements_text(CAST(${json} AS json)))`
    : Prisma.sql`(SELECT value FROM json_each(${json}))`;
}
