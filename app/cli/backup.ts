// `hookline backup --to FILE`: a consistent copy of the SQLite database at DATABASE_URL,
// taken while the server runs (app/backup/sqlite-backup.server.ts). Restoring is starting
// Hookline on the copy. On Postgres it points to pg_dump instead.
import { z } from "zod";

import {
  BackupCheckError,
  BackupInputError,
  backupSqliteDatabase,
  DEFAULT_PAGES_PER_STEP,
  type BackupProgress,
} from "~/backup/sqlite-backup.server";
import { databaseProvider, DEFAULT_DATABASE_URL, sqliteFilePath } from "~/db/database-url";
import { CliError, parseOptions, type Command } from "./command";

const USAGE = `backup --to FILE [--force] [--quick] [--pages-per-step N]

Copies the SQLite database at DATABASE_URL to FILE while Hookline runs (SQLite's online
backup API, one consistent snapshot), checks the copy with PRAGMA integrity_check
(--quick: quick_check) and only then puts it at FILE.

  --to FILE              where the copy goes; the folder must exist
  --force                replace FILE if it exists
  --quick                run quick_check instead of integrity_check on the copy
  --pages-per-step N     pages copied per step (default ${DEFAULT_PAGES_PER_STEP})

Restore: stop Hookline, move FILE to the path in DATABASE_URL, start Hookline.
On Postgres use pg_dump -Fc and pg_restore (see the README, "Backups").`;

const PagesPerStep = z.coerce
  .number({ message: "--pages-per-step must be a number" })
  .int("--pages-per-step must be a whole number")
  .min(1, "--pages-per-step must be at least 1")
  .max(1_000_000, "--pages-per-step is at most 1,000,000");

const command: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      to: { type: "string" },
      force: { type: "boolean" },
      quick: { type: "boolean" },
      "pages-per-step": { type: "string" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(`Usage: hookline ${USAGE}`);
      return;
    }
    if (!values.to?.trim() || positionals.length) throw new CliError(`Usage: hookline ${USAGE}`);
    const pagesPerStep = PagesPerStep.safeParse(values["pages-per-step"] ?? DEFAULT_PAGES_PER_STEP);
    if (!pagesPerStep.success) throw new CliError(pagesPerStep.error.issues[0]!.message);

    // Only DATABASE_URL matters here: a nightly backup job should not need the server's secrets.
    const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
    if (databaseProvider(url) === "postgres") throw new CliError(POSTGRES_ADVICE);
    const source = sqliteFilePath(url);

    const cancel = new AbortController();
    const onSignal = () => cancel.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const progress = progressLine();
    try {
      const result = await backupSqliteDatabase(source, values.to, {
        force: values.force,
        check: values.quick ? "quick" : "integrity",
        pagesPerStep: pagesPerStep.data,
        onProgress: progress.update,
        signal: cancel.signal,
      });
      progress.done();
      const seconds = (result.durationMs / 1000).toFixed(2);
      console.log(
        `Backed up ${source} to ${result.file}: ${formatBytes(result.bytes)} (${result.pages.toLocaleString("en")} pages) in ${seconds} s; ${result.check.pragma}: ok`,
      );
    } catch (error) {
      progress.done();
      if (cancel.signal.aborted) {
        console.error("hookline: backup cancelled; nothing was written to the target.");
        process.exitCode = 130;
        return;
      }
      if (error instanceof BackupInputError) throw new CliError(error.message);
      if (error instanceof BackupCheckError) {
        console.error(`hookline: ${error.message}\nThe copy was not kept; the database itself may need a look (sqlite3 ${source} "PRAGMA integrity_check").`);
        process.exitCode = 1;
        return;
      }
      throw error;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
export default command;

const POSTGRES_ADVICE = `backup copies Hookline's SQLite file; DATABASE_URL points at Postgres. Use pg_dump, which takes a consistent snapshot while Hookline runs:
  pg_dump --format=custom --file=hookline-$(date +%F).dump "$DATABASE_URL"
and restore into a new, empty database with:
  pg_restore --no-owner --dbname="postgresql://user@host:5432/hookline_restored" hookline-2026-01-31.dump
(Give both a plain URL, without Prisma-only parameters such as connection_limit.)`;

/** Pages done/total and percent on stderr: rewritten in place on a terminal, a line a second otherwise. */
function progressLine() {
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  let lastLine = "";
  let open = false;
  return {
    update({ totalPages, donePages }: BackupProgress) {
      const now = performance.now();
      const finished = donePages === totalPages;
      if (!finished && now - lastPrinted < (tty ? 100 : 1000) && lastPrinted > 0) return;
      const percent = totalPages ? Math.floor((donePages / totalPages) * 100) : 100;
      const line = `backup: ${donePages.toLocaleString("en")}/${totalPages.toLocaleString("en")} pages (${percent}%)`;
      if (line === lastLine) return;
      lastPrinted = now;
      lastLine = line;
      if (tty) {
        process.stderr.write(`\r${line}`);
        open = true;
      } else {
        process.stderr.write(`${line}\n`);
      }
    },
    done() {
      if (open) process.stderr.write("\n");
      open = false;
    },
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
