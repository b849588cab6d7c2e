// `hookline copy --from URL --to URL`: a whole Hookline database from SQLite to Postgres
// or back, ids unchanged, resumable, verified (app/copy/copy-database.server.ts).
import { z } from "zod";

import { copyDatabase, CopyInputError, DEFAULT_BATCH_ROWS, redact, type CopyProgress } from "~/copy/copy-database.server";
import { COPY_STATE_TABLE } from "~/copy/copy-endpoints.server";
import { CliError, parseOptions, type Command } from "./command";

const USAGE = `copy --from URL --to URL [--batch-rows N]

Copies every table of a Hookline database to another one, SQLite to Postgres or Postgres
to SQLite, with ids unchanged: sources and secrets, deliveries with their raw bytes,
events, targets, jobs, tasks and attempts, accounts, sessions, tokens, the audit log,
issues and channels. Secrets stay readable with the same HOOKLINE_ENCRYPTION_KEY. The
search index is rebuilt on the destination.

  --from URL        the database to read (file:./data/hookline.db or postgresql://…)
  --to URL          an empty database, or an earlier copy of the same source; it is
                    migrated first
  --batch-rows N    rows per page and transaction (default ${DEFAULT_BATCH_ROWS})

Interrupted (Ctrl-C, kill -9), the same command continues where it stopped. It ends by
comparing row counts and a checksum of every table (raw bodies included).
The source may keep running: rows that arrive or change during the copy are caught up
by running the same command once more after stopping the server.
Progress is kept in the destination's ${COPY_STATE_TABLE} table (drop it once done).`;

const BatchRows = z.coerce
  .number({ message: "--batch-rows must be a number" })
  .int("--batch-rows must be a whole number")
  .min(1, "--batch-rows must be at least 1")
  .max(50_000, "--batch-rows is at most 50,000");

const command: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      from: { type: "string" },
      to: { type: "string" },
      "batch-rows": { type: "string" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(`Usage: hookline ${USAGE}`);
      return;
    }
    if (!values.from?.trim() || !values.to?.trim() || positionals.length) throw new CliError(`Usage: hookline ${USAGE}`);
    const batchRows = BatchRows.safeParse(values["batch-rows"] ?? process.env.HOOKLINE_COPY_BATCH_ROWS ?? DEFAULT_BATCH_ROWS);
    if (!batchRows.success) throw new CliError(batchRows.error.issues[0]!.message);

    const bars = progressBars();
    console.error(`Copying ${redact(values.from)} → ${redact(values.to)}`);
    try {
      const result = await copyDatabase({
        from: values.from.trim(),
        to: values.to.trim(),
        batchRows: batchRows.data,
        onProgress: bars.update,
        onMessage: (line) => {
          bars.pause();
          console.error(line);
        },
      });
      bars.pause();
      const width = Math.max(...result.tables.map((t) => t.table.length), 5);
      console.log(`${"table".padEnd(width)}  ${"source rows".padStart(12)}  ${"copy rows".padStart(12)}  checksum (sha-256 sum)            result`);
      for (const t of result.tables) {
        const checksum = t.sourceChecksum === t.destinationChecksum ? t.sourceChecksum : `${t.sourceChecksum} ≠ ${t.destinationChecksum}`;
        const note = t.identical ? (t.fixed ? `identical (${t.fixed.toLocaleString("en")} caught up)` : "identical") : "DIFFERENT";
        console.log(`${t.table.padEnd(width)}  ${fmt(t.sourceRows).padStart(12)}  ${fmt(t.destinationRows).padStart(12)}  ${checksum}  ${note}`);
      }
      const events = result.tables.find((t) => t.table === "Event")?.sourceRows ?? 0;
      const seconds = result.durationMs / 1000;
      console.log(
        `${result.identical ? "Verified" : "NOT verified"}: ${result.tables.length} tables, row counts and checksums (raw bodies included) ${result.identical ? "match" : "differ"}.` +
          ` Search index rebuilt for ${fmt(result.indexedEvents)} events.` +
          ` ${fmt(events)} events in ${seconds.toFixed(1)} s (${fmt(Math.round(events / Math.max(seconds, 0.001)))} events/s;` +
          ` copy ${(result.phaseMs.copy / 1000).toFixed(1)} s, verify ${(result.phaseMs.verify / 1000).toFixed(1)} s, search ${(result.phaseMs.search / 1000).toFixed(1)} s).`,
      );
      if (!result.identical) process.exitCode = 1;
    } catch (error) {
      bars.pause();
      if (error instanceof CopyInputError) throw new CliError(error.message);
      throw error;
    }
  },
};
export default command;

const fmt = (n: number) => n.toLocaleString("en");

/**
 * One bar per table and phase on stderr, with rows per second and time left: redrawn in
 * place on a terminal, a line every few seconds (and when a table ends) otherwise.
 */
function progressBars() {
  const tty = process.stderr.isTTY;
  const every = Number(process.env.HOOKLINE_COPY_PROGRESS_MS ?? (tty ? 100 : 2000));
  let key = "";
  let startedAt = 0;
  let startDone = 0;
  let lastPrinted = 0;
  let open = false;
  const labels = { copy: "copy", verify: "verify", search: "index" } as const;
  return {
    update(p: CopyProgress) {
      const now = performance.now();
      const k = `${p.phase}:${p.table}`;
      if (k !== key) {
        if (open) process.stderr.write("\n");
        open = false;
        key = k;
        startedAt = now;
        startDone = p.done;
        lastPrinted = 0;
      }
      if (!p.finished && lastPrinted && now - lastPrinted < every) return;
      lastPrinted = now;
      const elapsed = (now - startedAt) / 1000;
      const rate = elapsed > 0 ? (p.done - startDone) / elapsed : 0;
      const left = rate > 0 ? Math.max(0, p.total - p.done) / rate : 0;
      const ratio = p.total ? Math.min(1, p.done / p.total) : 1;
      const bar = "#".repeat(Math.round(ratio * 24)).padEnd(24, ".");
      const line =
        `${labels[p.phase].padEnd(6)} ${p.table.padEnd(20)} [${bar}] ${String(Math.floor(ratio * 100)).padStart(3)}% ` +
        `${fmt(p.done)}/${fmt(p.total)}  ${fmt(Math.round(rate))} rows/s  ${p.finished ? `done in ${elapsed.toFixed(1)} s` : `${formatSeconds(left)} left`}`;
      if (tty) {
        process.stderr.write(`\r\u001b[2K${line}`);
        open = true;
        if (p.finished) {
          process.stderr.write("\n");
          open = false;
        }
      } else {
        process.stderr.write(`${line}\n`);
      }
    },
    pause() {
      if (open) process.stderr.write("\n");
      open = false;
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
