// Applies prisma/<provider>/migrations/*/migration.sql in order and records them in
// Prisma's own `_prisma_migrations` table, so `prisma migrate status` agrees.
//
// NOTE: `prisma migrate deploy` through the JS schema engine cannot read Postgres'
// catalog (`name` columns, prisma/prisma#27403), and the native engine cannot be
// downloaded here. Migrations are still written by `prisma migrate diff`
// (scripts/new-migration.mjs); only applying them happens here. ADR 0002.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import Database from "better-sqlite3";
import pg from "pg";

import { databaseProvider, sqliteFilePath } from "./database-url";
import { applyPragmas } from "./sqlite-pragmas";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(provider: "sqlite" | "postgres", root = PROJECT_ROOT): Migration[] {
  const dir = path.join(root, "prisma", provider, "migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrateResult {
  provider: "sqlite" | "postgres";
  applied: string[];
}

/** Brings the database at `url` up to date. Safe to run from several processes at once. */
export async function migrateDatabase(url: string): Promise<MigrateResult> {
  const provider = databaseProvider(url);
  const migrations = readMigrations(provider);
  const applied = provider === "postgres" ? await migratePostgres(url, migrations) : migrateSqlite(url, migrations);
  return { provider, applied };
}

function migrateSqlite(url: string, migrations: Migration[]): string[] {
  const file = sqliteFilePath(url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    applyPragmas(db);
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const applied: string[] = [];
    // BEGIN IMMEDIATE takes the write lock first, so two processes cannot both apply.
    const run = db.transaction((migration: Migration) => {
      const done = db
        .prepare(`SELECT 1 FROM "_prisma_migrations" WHERE "migration_name" = ? AND "finished_at" IS NOT NULL`)
        .get(migration.name);
      if (done) return;
      db.exec(migration.sql);
      db.prepare(
        `INSERT INTO "_prisma_migrations" ("id","checksum","finished_at","migration_name","applied_steps_count")
         VALUES (?, ?, current_timestamp, ?, 1)`,
      ).run(crypto.randomUUID(), migration.checksum, migration.name);
      applied.push(migration.name);
    });
    for (const migration of migrations) run.immediate(migration);
    return applied;
  } finally {
    db.close();
  }
}

// Prisma Migrate's own advisory lock key, so this and the Prisma CLI exclude each other.
const ADVISORY_LOCK_KEY = 72707369;

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
    );
    const done = new Set(rows.map((row) => row.migration_name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" ("id","checksum","finished_at","migration_name","applied_steps_count")
           VALUES ($1, $2, now(), $3, 1)`,
          [crypto.randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}
