// npm run bench:export — how fast `hookline export` writes every event, and how much
// memory it takes, on a big database.
//
//   1. seeds N events (default 1,000,000) with the real `hookline seed` into
//      .cache/bench-export/<provider>.db (kept for the next run with --reuse),
//   2. brings the compiled build up to date (`node scripts/build.mjs --if-stale`, as
//      `npm start` does), so that bin/hookline.js runs the compiled CLI as an install
//      does, not the TypeScript sources through tsx (about 40 MB more RSS);
//   3. runs the real CLI (`node bin/hookline.js export`, its own process) for NDJSON,
//      CSV and NDJSON with --raw, each to a file, and reads the figures it prints:
//      rows per second and the process's peak RSS (getrusage maxrss).
// The API (`GET /api/v1/events/export`) runs the same reading and formatting code.
//
//   npm run bench:export                       # 1,000,000 events, SQLite
//   npm run bench:export -- --events 200000
//   npm run bench:export -- --reuse            # measure an already seeded database again
//   npm run bench:export -- --provider postgres
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import pg from "pg";

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  return value && !value.startsWith("--") ? value : "1";
}

const EVENTS = Number(arg("events") ?? 1_000_000);
const REUSE = Boolean(arg("reuse"));
const PROVIDER = (arg("provider") ?? "sqlite") as "sqlite" | "postgres";
const DIR = path.resolve(".cache/bench-export");
const POSTGRES_ADMIN = process.env.BENCH_POSTGRES_ADMIN ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PG_NAME = process.env.BENCH_POSTGRES_DB ?? "hookline_bench_export";

/** The real CLI in its own process; its progress goes to this terminal. */
function cli(args: string[], env: Record<string, string>) {
  execFileSync(process.execPath, ["bin/hookline.js", ...args], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env, HOOKLINE_DATA_DIR: DIR } });
}

/** The CLI's standard error, where `hookline export` prints its figures. */
function cliWithStderr(args: string[], env: Record<string, string>): string {
  const log = path.join(DIR, "cli-stderr.log");
  const fd = fs.openSync(log, "w");
  try {
    execFileSync(process.execPath, ["bin/hookline.js", ...args], { stdio: ["ignore", "ignore", fd], env: { ...process.env, ...env, HOOKLINE_DATA_DIR: DIR } });
  } finally {
    fs.closeSync(fd);
  }
  return fs.readFileSync(log, "utf8");
}

async function databaseUrl(): Promise<{ url: string; fresh: boolean }> {
  if (PROVIDER === "sqlite") {
    const file = path.join(DIR, `export-${EVENTS}.db`);
    if (REUSE && fs.existsSync(file)) return { url: `file:${file}`, fresh: false };
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    return { url: `file:${file}`, fresh: true };
  }
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN });
  await client.connect();
  try {
    const url = new URL(POSTGRES_ADMIN);
    url.pathname = `/${PG_NAME}`;
    if (REUSE && (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [PG_NAME])).rowCount) return { url: url.toString(), fresh: false };
    await client.query(`DROP DATABASE IF EXISTS "${PG_NAME}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${PG_NAME}"`);
    return { url: url.toString(), fresh: true };
  } finally {
    await client.end();
  }
}

interface Run {
  label: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  fileMb: number;
}

async function main() {
  fs.mkdirSync(DIR, { recursive: true });
  const { url, fresh } = await databaseUrl();
  const env = { DATABASE_URL: url };
  if (fresh) {
    console.error(`bench:export: seeding ${EVENTS.toLocaleString("en")} events into ${PROVIDER}…`);
    const started = Date.now();
    cli(["seed", "--events", String(EVENTS), "--days", "30"], env);
    console.error(`bench:export: seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale", "--quiet"], { stdio: "inherit" });
  const runs: Run[] = [];
  for (const [label, extra] of [
    ["ndjson", ["--format", "ndjson"]],
    ["csv", ["--format", "csv"]],
    ["ndjson --raw", ["--format", "ndjson", "--raw"]],
  ] as const) {
    const out = path.join(DIR, `out.${label.replace(/\W+/g, "-")}`);
    const stderr = cliWithStderr(["export", ...extra, "--force", "--out", out], env);
    const match = /export: ([\d,]+) events to .* in ([\d.]+) s \(([\d,]+) rows\/s, peak RSS (\d+) MB\)/.exec(stderr);
    if (!match) throw new Error(`no figures in the CLI's output:\n${stderr}`);
    const run: Run = {
      label,
      rows: Number(match[1]!.replace(/,/g, "")),
      seconds: Number(match[2]),
      rowsPerSecond: Number(match[3]!.replace(/,/g, "")),
      peakRssMb: Number(match[4]),
      fileMb: Math.round(fs.statSync(out).size / 1024 / 1024),
    };
    fs.rmSync(out, { force: true });
    runs.push(run);
    console.error(
      `bench:export: ${label}: ${run.rows.toLocaleString("en")} rows in ${run.seconds} s, ${run.rowsPerSecond.toLocaleString("en")} rows/s, peak RSS ${run.peakRssMb} MB, ${run.fileMb} MB written (load average ${os.loadavg()[0]!.toFixed(1)})`,
    );
  }
  console.log(`\n| ${PROVIDER}, ${EVENTS.toLocaleString("en")} events seeded | rows | seconds | rows/s | peak RSS | file |`);
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const run of runs) {
    console.log(`| ${run.label} | ${run.rows.toLocaleString("en")} | ${run.seconds} | ${run.rowsPerSecond.toLocaleString("en")} | ${run.peakRssMb} MB | ${run.fileMb} MB |`);
  }
  fs.writeFileSync(path.join(DIR, `results-${PROVIDER}.json`), JSON.stringify({ provider: PROVIDER, events: EVENTS, runs }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
