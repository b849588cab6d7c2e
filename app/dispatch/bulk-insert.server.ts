// Multi-row INSERTs for the dispatch hot path (attempts after every batch, tasks while
// planning). Prisma's createMany compiles and maps each call through its query
// engine, which cost more CPU than the sends themselves in the replay benchmark;
// one parameterised statement per batch does the same work. Works on both providers.
import { Prisma } from "~/generated/sqlite/client";

type Value = string | number | boolean | bigint | Date | null;

interface Executor {
  $executeRaw(query: Prisma.Sql): Promise<number>;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Inserts `rows` (objects with exactly `columns`) in statements of at most `chunk` rows. */
export async function insertRows(
  db: Executor,
  table: "DispatchAttempt" | "DispatchTask",
  columns: readonly string[],
  rows: Record<string, Value>[],
  chunk = 500,
): Promise<void> {
  const head = Prisma.raw(`INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES `);
  for (let i = 0; i < rows.length; i += chunk) {
    const values = rows.slice(i, i + chunk).map((row) => Prisma.sql`(${Prisma.join(columns.map((column) => row[column] ?? null))})`);
    await db.$executeRaw(Prisma.sql`${head}${Prisma.join(values)}`);
  }
}
