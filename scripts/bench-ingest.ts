// npm run bench:ingest — Hookline's ingest against a hand-written baseline, side by
// side on this machine, driven by the same signed deliveries from a separate
// load-generator process (autocannon). See docs/benchmarks.md.
//
//   npm run bench:ingest [-- --rounds 3 --duration 10 --connections 32 --no-build --tsx]
//   (--port N: servers on N, N+1, …; --dir D: databases under D instead of .cache/bench-ingest)
//   npm run bench:ingest -- --postgres [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres]
//
// --postgres: the hand-written `pg` baseline, Hookline on Postgres, and two Hookline
// instances on one Postgres database each taking half the load, each on a fresh database
// made through the admin URL (HOOKLINE_BENCH_POSTGRES_URL, else the test suite's).
// --compact-at-once (SQLite): also runs Hookline with HOOKLINE_COMPRESS_AFTER_MS=0, its
// worker compacting deliveries as they arrive (ADR 0017). --no-split: leaves out the
// server + separate worker process contender.
// --compare DIR: also runs the server of another checkout (a copy of an earlier commit
// with node_modules, app/generated and build in place), to measure before and after side
// by side.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";

import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!);
});
const DURATION = Number(args.get("duration") ?? 10);
const ROUNDS = Number(args.get("rounds") ?? 3);
const FIXED_DURATION = Number(args.get("fixed-duration") ?? 10);
const CONNECTIONS = Number(args.get("connections") ?? 32);
const FIXED_RATE = 500;
const SECRET = "whsec_" + Buffer.from("hookline-bench-secret-0123456789").toString("base64");
const DIR = path.resolve(args.get("dir") ?? ".cache/bench-ingest");
/** First port of the servers (--port): one per contender from here. */
const BASE_PORT = Number(args.get("port") ?? 3300);
const ROOT = process.cwd();
const POSTGRES = args.has("postgres");
const POSTGRES_ADMIN_URL =
  args.get("postgres-url") ??
  process.env.HOOKLINE_BENCH_POSTGRES_URL ??
  process.env.HOOKLINE_TEST_POSTGRES_URL ??
  "postgresql://postgres@127.0.0.1:5432/postgres";
const COMPARE = args.get("compare") ? path.resolve(args.get("compare")!) : null;

interface LoadResult {
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  sent: number;
}

function log(message: string) {
  process.stderr.write(`[bench:ingest] ${message}\n`);
}

/** Realistic deliveries: every Clerk type, sizes from 200 B to several KB, unique svix-ids. */
function makeDeliveries(count: number, file: string) {
  const started = Date.now();
  const envelopes = buildSamples("all", { count: Math.ceil(count / 60), seed: 42 });
  const deliveries = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify(envelopes[i % envelopes.length]);
    deliveries.push({ body, headers: signDelivery(SECRET, body).headers });
  }
  fs.writeFileSync(file, JSON.stringify(deliveries));
  const sizes = deliveries.map((d) => Buffer.byteLength(d.body)).sort((a, b) => a - b);
  log(`signed ${count} deliveries with svix in ${Date.now() - started} ms (sizes ${sizes[0]}–${sizes.at(-1)} B, median ${sizes[sizes.length >> 1]} B)`);
}

async function waitForPort(url: string, child: ChildProcess) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode})`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`timed out waiting for ${url}`);
}

type LoadOptions = { url: string; file: string; connections: number; duration: number; rate?: number; offset?: number };

function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts/bench/load.mjs"), JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(stderr));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as LoadResult);
    });
  });
}

/** Several load generators at once, one per server instance; their results added up. */
async function runLoads(urls: string[], options: Omit<LoadOptions, "url" | "offset">, offsets: number[]): Promise<LoadResult & { offsets: number[] }> {
  const results = await Promise.all(
    urls.map((url, i) =>
      runLoad({ ...options, url, connections: Math.max(1, Math.round(options.connections / urls.length)), rate: options.rate && options.rate / urls.length, offset: offsets[i] }),
    ),
  );
  const sum = (pick: (r: LoadResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  return {
    requests: sum((r) => r.requests),
    throughput: sum((r) => r.throughput),
    // Per-instance percentiles; the worse one stands for both.
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    sent: sum((r) => r.sent),
    offsets: results.map((r, i) => offsets[i]! + r.sent),
  };
}

async function withPostgres<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function postgresUrl(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function freshPostgresDatabase(name: string): Promise<string> {
  await withPostgres(POSTGRES_ADMIN_URL, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  return postgresUrl(name);
}

async function countRows(url: string, sql: string): Promise<number> {
  return withPostgres(url, async (client) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n));
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

interface Contender {
  name: string;
  /** Server processes started side by side, each on its own port; the load is split between them. */
  instances?: number;
  /** Called before the first instance starts: a fresh database. */
  prepare?(): Promise<void>;
  start(port: number): ChildProcess;
  healthUrl(port: number): string;
  storedRows(): number | Promise<number>;
}

const HOOKLINE_PG_DATABASE = "hookline_bench_ingest";
const BASELINE_PG_DATABASE = "hookline_bench_ingest_baseline";

function hooklineEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: POSTGRES ? postgresUrl(HOOKLINE_PG_DATABASE) : `file:${path.join(DIR, "hookline.db")}`,
    HOOKLINE_DATA_DIR: DIR,
    SESSION_SECRET: "bench-session-secret-0123456789",
    HOOKLINE_ENCRYPTION_KEY: "bench-encryption-key-0123456789",
    CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
    ...extra,
  };
}

/**
 * Hookline's server in the checkout `cwd`, as `npm start` runs it: the compiled build
 * (build/hookline/server.js, made by the build step above; --compare trees bring their
 * own) with npm start's flags. `--tsx`, or a tree without a build, runs server.ts through
 * tsx instead, as runs before stop 23 did. NOTE: `node --import tsx` runs the server in
 * this process's child itself (the tsx CLI would fork once more), so stopping it stops
 * the server.
 */
function startHookline(cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  const compiled = !args.has("tsx") && fs.existsSync(path.join(cwd, "build/hookline/server.js"));
  // A --compare tree without a build runs through tsx: say so, the two are not alike.
  if (!compiled && !args.has("tsx")) log(`no build/hookline/server.js in ${cwd}: its server runs through tsx`);
  return compiled
    ? spawn(process.execPath, ["--max-semi-space-size=2", "build/hookline/server.js"], {
        cwd,
        stdio: ["ignore", "ignore", "inherit"],
        env: { MALLOC_ARENA_MAX: "2", ...env },
      })
    : spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd, stdio: ["ignore", "ignore", "inherit"], env });
}

const hookline: Contender = {
  name: "Hookline, one process (worker loop on its own thread)",
  start(port) {
    return startHookline(ROOT, hooklineEnv(port));
  },
  healthUrl: (port) => `http://127.0.0.1:${port}/healthz`,
  async prepare() {
    if (POSTGRES) await freshPostgresDatabase(HOOKLINE_PG_DATABASE);
  },
  storedRows() {
    if (POSTGRES) return countRows(postgresUrl(HOOKLINE_PG_DATABASE), `SELECT COUNT(*) AS n FROM "Delivery" WHERE "status" = 200`);
    const db = new Database(path.join(DIR, "hookline.db"), { readonly: true });
    try {
      try {
        // How many deliveries the worker had compacted by the end (ADR 0017).
        const { n, packed } = db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM("bodyEncoding" = 1), 0) AS packed FROM "Delivery" WHERE "status" = 200`).get() as {
          n: number;
          packed: number;
        };
        log(`  stored compressed: ${packed.toLocaleString("en")} of ${n.toLocaleString("en")} (${((100 * packed) / Math.max(1, n)).toFixed(0)} %)`);
      } catch {
        // A tree from before compressed bodies (--compare).
      }
      return (db.prepare(`SELECT COUNT(*) AS n FROM "Delivery" WHERE "status" = 200`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  },
};

/** The worker (search index, auto-forward, retention) as its own process: HOOKLINE_WORKER=0 + `hookline worker`. */
const hooklineSplit: Contender = {
  ...hookline,
  name: "Hookline, server + separate worker process",
  start(port) {
    const server = startHookline(ROOT, hooklineEnv(port, { HOOKLINE_WORKER: "0" }));
    const worker = spawn(process.execPath, ["--import", "tsx", "app/cli/main.ts", "worker"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: hooklineEnv(port),
    });
    server.once("exit", () => worker.kill("SIGTERM"));
    return server;
  },
};

/** Two app instances on one Postgres database (each with its worker thread), each taking half the load. */
const hooklineTwo: Contender = {
  ...hookline,
  name: "Hookline, two instances on one Postgres (half the load each)",
  instances: 2,
};

/** --two-pool N: two instances again, each with an ingest pool of N connections (HOOKLINE_INGEST_PG_POOL). */
const TWO_POOL = args.get("two-pool");
const hooklineTwoPool: Contender = {
  ...hooklineTwo,
  name: `Hookline, two instances, ingest pool of ${TWO_POOL} each`,
  start(port) {
    return startHookline(ROOT, hooklineEnv(port, { HOOKLINE_INGEST_PG_POOL: TWO_POOL! }));
  },
};

/**
 * SQLite, the worker compacting each delivery as soon as it is stored
 * (--compact-at-once, HOOKLINE_COMPRESS_AFTER_MS=0; the default waits a minute, so a
 * run this short never sees it): what compaction costs ingest while both run.
 */
const hooklineCompacting: Contender = {
  ...hookline,
  name: "Hookline, compacting at once (HOOKLINE_COMPRESS_AFTER_MS=0)",
  start(port) {
    return startHookline(ROOT, hooklineEnv(port, { HOOKLINE_COMPRESS_AFTER_MS: "0" }));
  },
};

/** Another checkout's server (--compare), on the same kind of database. */
const compared: Contender = {
  ...hookline,
  name: `Hookline at ${COMPARE}`,
  start(port) {
    return startHookline(COMPARE!, hooklineEnv(port));
  },
};

const baselinePostgres: Contender = {
  name: "Baseline (node:http + svix + pg, a pool of 10)",
  async prepare() {
    await freshPostgresDatabase(BASELINE_PG_DATABASE);
  },
  start(port) {
    return spawn(process.execPath, [path.join(ROOT, "scripts/bench/baseline-pg-server.mjs")], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PORT: String(port), BASELINE_DATABASE_URL: postgresUrl(BASELINE_PG_DATABASE), CLERK_WEBHOOK_SIGNING_SECRET: SECRET },
    });
  },
  healthUrl: (port) => `http://127.0.0.1:${port}/`,
  storedRows: () => countRows(postgresUrl(BASELINE_PG_DATABASE), "SELECT COUNT(*) AS n FROM deliveries"),
};

const baseline: Contender = {
  name: "Baseline (node:http + svix + better-sqlite3)",
  start(port) {
    return spawn(process.execPath, [path.join(ROOT, "scripts/bench/baseline-server.mjs")], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PORT: String(port), BASELINE_DB: path.join(DIR, "baseline.db"), CLERK_WEBHOOK_SIGNING_SECRET: SECRET },
    });
  },
  healthUrl: (port) => `http://127.0.0.1:${port}/`,
  storedRows() {
    const db = new Database(path.join(DIR, "baseline.db"), { readonly: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM deliveries").get() as { n: number }).n;
    } finally {
      db.close();
    }
  },
};

async function measure(contender: Contender, port: number, file: string, deliveries: number) {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  fs.copyFileSync(file + ".src", file);
  await contender.prepare?.();
  const ports = Array.from({ length: contender.instances ?? 1 }, (_, i) => port + 100 * i);
  const children: ChildProcess[] = [];
  try {
    // One after the other: the first one migrates the database.
    for (const instancePort of ports) {
      const child = contender.start(instancePort);
      children.push(child);
      await waitForPort(contender.healthUrl(instancePort), child);
    }
    const urls = ports.map((instancePort) => `http://127.0.0.1:${instancePort}/webhooks/clerk`);
    // Each instance's load generator sends its own share of the signed deliveries.
    const offsets = ports.map((_, i) => Math.floor((deliveries / ports.length) * i));
    log(`${contender.name}: ${CONNECTIONS} connections for ${DURATION}s…`);
    const max = await runLoads(urls, { file, connections: CONNECTIONS, duration: DURATION }, offsets);
    log(`${contender.name}: ${FIXED_RATE} req/s for ${FIXED_DURATION}s…`);
    const fixed = await runLoads(urls, { file, connections: 16, duration: FIXED_DURATION, rate: FIXED_RATE }, max.offsets);
    for (const child of children) await stop(child);
    const stored = await contender.storedRows();
    return { max, fixed, stored };
  } finally {
    for (const child of children) await stop(child);
  }
}

async function main() {
  if (!args.has("no-build")) {
    log("building the production bundle…");
    const build = spawnSync("npm", ["run", "build", "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
    if (build.status !== 0) throw new Error("build failed");
  }
  fs.mkdirSync(path.dirname(DIR), { recursive: true });
  const file = path.join(path.dirname(DIR), "bench-deliveries.json");

  // Rounds, each contender once per round in the same order: this machine's speed
  // drifts by ±20 % over minutes, so each figure is the median over rounds and each
  // ratio compares contenders measured within the same round.
  const reference = POSTGRES ? baselinePostgres : baseline;
  const contenders = [
    reference,
    hookline,
    ...(POSTGRES ? [hooklineTwo] : args.has("no-split") ? [] : [hooklineSplit]),
    ...(POSTGRES && TWO_POOL ? [hooklineTwoPool] : []),
    ...(!POSTGRES && args.has("compact-at-once") ? [hooklineCompacting] : []),
    ...(COMPARE ? [compared] : []),
  ];
  type Measured = Awaited<ReturnType<typeof measure>>;
  const runs = new Map<Contender, Measured[]>(contenders.map((c) => [c, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Fresh signatures every round (Svix's tolerance is 5 minutes); enough unique
    // deliveries for the fastest contender's whole run.
    const deliveries = Number(args.get("deliveries") ?? 100_000);
    makeDeliveries(deliveries, file + ".src");
    for (const [i, contender] of contenders.entries()) {
      const measured = await measure(contender, BASE_PORT + i, file, deliveries);
      runs.get(contender)!.push(measured);
      log(`round ${round}: ${contender.name}: ${Math.round(measured.max.throughput)}/s, p99 ${measured.fixed.p99} ms at ${FIXED_RATE}/s`);
    }
  }

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[(sorted.length - 1) >> 1]!;
  };
  const of = (contender: Contender, pick: (m: Measured) => number) => median(runs.get(contender)!.map(pick));
  const row = (contender: Contender) => {
    const measured = runs.get(contender)!;
    const errors = measured.reduce((n, m) => n + m.max.errors + m.max.non2xx + m.fixed.errors + m.fixed.non2xx, 0);
    const answered = measured.reduce((n, m) => n + m.max.requests - m.max.non2xx + m.fixed.requests - m.fixed.non2xx, 0);
    const stored = measured.reduce((n, m) => n + m.stored, 0);
    return `| ${contender.name} | ${Math.round(of(contender, (m) => m.max.throughput))} | ${measured.map((m) => Math.round(m.max.throughput)).join(" / ")} | ${of(contender, (m) => m.max.p50)} | ${of(contender, (m) => m.max.p99)} | ${of(contender, (m) => m.fixed.p50)} | ${of(contender, (m) => m.fixed.p99)} | ${measured.map((m) => m.fixed.p99).join(" / ")} | ${errors} | ${answered} / ${stored} |`;
  };
  const ratios = (contender: Contender) =>
    runs.get(contender)!.map((m, round) => m.max.throughput / runs.get(reference)![round]!.max.throughput);
  const p99Ratios = (contender: Contender) =>
    runs.get(contender)!.map((m, round) => m.max.p99 / Math.max(1, runs.get(reference)![round]!.max.p99));
  const ratioText = (contender: Contender) => `${median(ratios(contender)).toFixed(2)}× (rounds: ${ratios(contender).map((r) => r.toFixed(2)).join(", ")})`;

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`\nMachine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Load: autocannon in its own process, ${CONNECTIONS} connections × ${DURATION}s, then ${FIXED_RATE} req/s × ${FIXED_DURATION}s; ${ROUNDS} rounds, medians\n`);
  console.log("| server | max deliveries/s (median) | each round | p50 ms | p99 ms | p50 ms @500/s | p99 ms @500/s | p99 @500/s each round | errors + non-2xx | answered 2xx / rows stored |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const contender of contenders) console.log(row(contender));
  console.log(`\nHookline / baseline throughput, median of the rounds' ratios${POSTGRES ? " (Postgres)" : ""}:`);
  for (const contender of contenders.slice(1)) {
    console.log(`- ${contender.name}: ${ratioText(contender)}; p99 at saturation / baseline's: ${p99Ratios(contender).map((r) => r.toFixed(1)).join(", ")}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
