// The settings every SQLite connection of Hookline opens with: Prisma's (the server,
// the worker thread, the CLI), the ingest writer thread's, and the migration runner's.
// Kept free of Prisma imports, so the writer thread stays small.
import type Database from "better-sqlite3";

export type SqlitePragmas = Record<string, string | number>;

export const DEFAULT_PRAGMAS: SqlitePragmas = {
  journal_mode: "WAL",
  // NOTE: WAL + NORMAL survives a process crash (kill -9) without losing a committed
  // transaction; only an OS crash or power loss can lose the last commits.
  // Set HOOKLINE_SQLITE_SYNCHRONOUS=FULL for power-loss durability.
  synchronous: process.env.HOOKLINE_SQLITE_SYNCHRONOUS ?? "NORMAL",
  busy_timeout: Number(process.env.HOOKLINE_SQLITE_BUSY_TIMEOUT_MS ?? 5000),
  // NOTE: checkpoint every 4,000 WAL pages (16 MiB with 4 KiB pages), not SQLite's
  // 1,000. Ingest rewrites the same index pages commit after commit; a longer WAL
  // copies each page back to the database once per checkpoint instead of four times.
  // Measured: ~210 → ~165 µs of SQLite time per delivery (docs/benchmarks.md).
  wal_autocheckpoint: 4000,
  foreign_keys: "ON",
};

export function applyPragmas(db: Database.Database, pragmas: SqlitePragmas = DEFAULT_PRAGMAS) {
  for (const [name, value] of Object.entries(pragmas)) db.pragma(`${name} = ${value}`);
}
