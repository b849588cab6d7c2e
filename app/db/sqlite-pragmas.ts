// The settings every SQLite connection of Hookline opens with: Prisma's (the server,
// the worker thread, the CLI) and the migration runner's, and the SQL functions it has.
import type Database from "better-sqlite3";

import { decodeBody, decodeHeaders } from "~/deliveries/body-codec.server";

export type SqlitePragmas = Record<string, string | number>;

export const DEFAULT_PRAGMAS: SqlitePragmas = {
  journal_mode: "WAL",
  // NOTE: WAL + NORMAL survives a process crash (kill -9) without losing a committed
  // transaction; only an OS crash or power loss can lose the last commits.
  // Set HOOKLINE_SQLITE_SYNCHRONOUS=FULL for power-loss durability.
  synchronous: process.env.HOOKLINE_SQLITE_SYNCHRONOUS ?? "NORMAL",
  busy_timeout: Number(process.env.HOOKLINE_SQLITE_BUSY_TIMEOUT_MS ?? 5000),
  // NOTE: the worker checkpoints the WAL every half second on its own connection
  // (checkpointTask, app/worker/worker.server.ts). A connection's automatic checkpoint
  // runs inside the commit that crosses the limit, so at SQLite's default (1,000 pages)
  // ingest's writer stalled a batch for 20+ ms every second or so at 500 deliveries/s.
  // 20,000 pages (80 MiB) is only a safety net for when no worker runs.
  wal_autocheckpoint: 20_000,
  foreign_keys: "ON",
};

export function applyPragmas(db: Database.Database, pragmas: SqlitePragmas = DEFAULT_PRAGMAS) {
  for (const [name, value] of Object.entries(pragmas)) db.pragma(`${name} = ${value}`);
  // `hookline_body("rawBody", "bodyEncoding")`: a stored body as received, for SQL that
  // reads bodies (search, payloads, export, copy; ADR 0017). NULL stays NULL.
  db.function("hookline_body", { deterministic: true }, (stored: unknown, encoding: unknown) =>
    stored instanceof Uint8Array ? decodeBody(stored, encoding as number | bigint | null) : stored,
  );
  // `hookline_headers("headers")`: stored headers as the JSON of their pairs.
  db.function("hookline_headers", { deterministic: true }, (stored: unknown) => (typeof stored === "string" ? decodeHeaders(stored) : stored));
}
