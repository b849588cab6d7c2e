import { env } from "~/config/env.server";
import { migrateDatabase } from "~/db/migrate.server";
import { database, type DatabaseHandle } from "~/db/prisma.server";

/** The configured database, migrated, for commands that read or write it. */
export async function openDatabase(): Promise<DatabaseHandle> {
  await migrateDatabase(env().DATABASE_URL);
  return database();
}

/** The whole of standard input, for secrets that must not appear in `ps` or shell history. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
