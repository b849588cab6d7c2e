// `hookline export [filters] [--format ndjson|csv] [--raw] --out FILE`: every event of
// a filter from the database at DATABASE_URL into a file, with the same core as
// `GET /api/v1/events/export` (app/export/event-export.server.ts). A progress bar goes
// to stderr. The file appears only when the export is complete: it is written beside
// it first and renamed at the end, so Ctrl-C never leaves half a file under that name.
import fs from "node:fs";
import path from "node:path";

import { countEvents } from "~/events/event-query.server";
import { writeExport } from "~/export/event-export.server";
import { parseExportRequest } from "~/export/export-request.server";
import { CliError, parseOptions, type Command } from "./command";
import { openDatabase } from "./database";

const USAGE = `export [--type T]… [--source S] [--outcome verified|duplicate] [--resource ID] [--q TEXT]
       [--from ISO] [--to ISO] [--sort timestamp|received] [--dir desc|asc]
       [--format ndjson|csv] [--raw] [--force] --out FILE

Writes every event that matches the filter (the event list's filters) to FILE.
  ndjson   one JSON object per line: the list's fields and the parsed payload
  csv      the list's columns and a one-line summary
  --raw    also the exact bytes of each event's first delivery (base64 \`rawBody\`);
           one-time codes and message bodies are then unmasked in the payload too
  --out -  writes to standard output
Reads DATABASE_URL directly; the server does not need to run.`;

const command: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      type: { type: "string", multiple: true },
      source: { type: "string" },
      outcome: { type: "string" },
      resource: { type: "string" },
      q: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      sort: { type: "string" },
      dir: { type: "string" },
      format: { type: "string" },
      raw: { type: "boolean" },
      force: { type: "boolean" },
      out: { type: "string", short: "o" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(`Usage: hookline ${USAGE}`);
      return;
    }
    if (!values.out?.trim() || positionals.length) throw new CliError(`Usage: hookline ${USAGE}`);
    const params = new URLSearchParams();
    for (const type of values.type ?? []) params.append("type", type);
    for (const name of ["source", "outcome", "resource", "q", "from", "to", "sort", "dir", "format"] as const) {
      const value = values[name];
      if (value !== undefined) params.set(name, value);
    }
    if (values.raw) params.set("raw", "1");
    const parsed = parseExportRequest(params);
    if (!parsed.ok) throw new CliError(parsed.message.replace(/`(\w+)`/, "`--$1`"));
    const input = parsed.value;

    const toStdout = values.out === "-";
    const target = toStdout ? null : path.resolve(values.out);
    if (target && fs.existsSync(target) && !values.force) throw new CliError(`${values.out} exists; pass --force to replace it.`);
    if (target && !fs.existsSync(path.dirname(target))) throw new CliError(`The folder ${path.dirname(target)} does not exist.`);

    const handle = await openDatabase();
    const total = await countEvents(handle, input.query.filter);
    const temporary = target ? `${target}.partial-${process.pid}` : null;
    const out = temporary ? fs.createWriteStream(temporary) : process.stdout;
    const cancel = new AbortController();
    const onSignal = () => cancel.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const progress = progressBar(total);
    const started = performance.now();
    try {
      const result = await writeExport(handle, input.query, { format: input.format, raw: input.raw, signal: cancel.signal }, out, progress.update);
      progress.done(result.rows);
      if (temporary) {
        await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())));
      }
      if (result.aborted) {
        if (temporary) fs.rmSync(temporary, { force: true });
        console.error("hookline: export cancelled; nothing was written to the target.");
        process.exitCode = 130;
        return;
      }
      if (temporary && target) fs.renameSync(temporary, target);
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(result.rows / seconds) : result.rows;
      const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
      console.error(
        `export: ${result.rows.toLocaleString("en")} events to ${target ?? "stdout"} in ${seconds.toFixed(1)} s (${rate.toLocaleString("en")} rows/s, peak RSS ${peakMb} MB)`,
      );
    } catch (error) {
      progress.done(null);
      if (temporary) {
        (out as fs.WriteStream).destroy();
        fs.rmSync(temporary, { force: true });
      }
      throw error;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await handle.db.$disconnect();
    }
  },
};
export default command;

/** `[#####-----] 12,000/50,000 events (24%)` on stderr: in place on a terminal, a line every 2 s otherwise. */
function progressBar(total: number) {
  const tty = process.stderr.isTTY;
  const width = 30;
  let lastPrinted = 0;
  let open = false;
  return {
    update(rows: number) {
      const now = performance.now();
      if (now - lastPrinted < (tty ? 100 : 2000)) return;
      lastPrinted = now;
      // Events that arrive during the export can take it past the count taken at the start.
      const shown = Math.max(total, rows);
      const percent = shown ? Math.floor((rows / shown) * 100) : 100;
      const filled = Math.round((percent / 100) * width);
      const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${rows.toLocaleString("en")}/${shown.toLocaleString("en")} events (${percent}%)`;
      if (tty) {
        process.stderr.write(`\r${line}`);
        open = true;
      } else {
        process.stderr.write(`export: ${line}\n`);
      }
    },
    done(rows: number | null) {
      if (rows !== null && tty) {
        process.stderr.write(`\r[${"#".repeat(width)}] ${rows.toLocaleString("en")}/${Math.max(total, rows).toLocaleString("en")} events (100%)`);
        open = true;
      }
      if (open) process.stderr.write("\n");
      open = false;
    },
  };
}
