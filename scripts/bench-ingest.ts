// npm run bench:ingest — Hookline's ingest against a hand-written baseline, side by
// side on this machine, driven by the same signed deliveries from a separate
// load-generator process (autocannon). See docs/benchmarks.md.
//
//   npm run bench:ingest [-- --duration 15 --connections 32 --no-build]
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";

import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!);
});
const DURATION = Number(args.get("duration") ?? 15);
const FIXED_DURATION = Number(args.get("fixed-duration") ?? 10);
const CONNECTIONS = Number(args.get("connections") ?? 32);
const FIXED_RATE = 500;
const SECRET = "whsec_" + Buffer.from("hookline-bench-secret-0123456789").toString("base64");
const DIR = path.resolve(".cache/bench-ingest");
const ROOT = process.cwd();

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

function runLoad(options: { url: string; file: string; connections: number; duration: number; rate?: number }): LoadResult {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts/bench/load.mjs"), JSON.stringify(options)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as LoadResult;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

interface Contender {
  name: string;
  start(port: number): ChildProcess;
  healthUrl(port: number): string;
  storedRows(): number;
}

function hooklineEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${path.join(DIR, "hookline.db")}`,
    HOOKLINE_DATA_DIR: DIR,
    SESSION_SECRET: "bench-session-secret-0123456789",
    HOOKLINE_ENCRYPTION_KEY: "bench-encryption-key-0123456789",
    CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
    ...extra,
  };
}

// NOTE: `node --import tsx` runs the server in this process's child itself (the tsx
// CLI would fork once more), so stopping it stops the server.
const hookline: Contender = {
  name: "Hookline, one process (worker loop on its own thread)",
  start(port) {
    return spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: hooklineEnv(port) });
  },
  healthUrl: (port) => `http://127.0.0.1:${port}/healthz`,
  storedRows() {
    const db = new Database(path.join(DIR, "hookline.db"), { readonly: true });
    try {
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
    const server = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: hooklineEnv(port, { HOOKLINE_WORKER: "0" }),
    });
    const worker = spawn(process.execPath, ["--import", "tsx", "app/cli/main.ts", "worker"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: hooklineEnv(port),
    });
    server.once("exit", () => worker.kill("SIGTERM"));
    return server;
  },
};

/** Ingest's batches written on the Prisma connection of the main thread (HOOKLINE_INGEST_THREAD=0). */
const hooklineInline: Contender = {
  ...hookline,
  name: "Hookline, batches written in-process (HOOKLINE_INGEST_THREAD=0)",
  start(port) {
    return spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: hooklineEnv(port, { HOOKLINE_INGEST_THREAD: "0" }),
    });
  },
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

async function measure(contender: Contender, port: number, file: string) {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  fs.copyFileSync(file + ".src", file);
  const child = contender.start(port);
  try {
    await waitForPort(contender.healthUrl(port), child);
    const url = `http://127.0.0.1:${port}/webhooks/clerk`;
    log(`${contender.name}: ${CONNECTIONS} connections for ${DURATION}s…`);
    const max = runLoad({ url, file, connections: CONNECTIONS, duration: DURATION });
    log(`${contender.name}: ${FIXED_RATE} req/s for ${FIXED_DURATION}s…`);
    const fixed = runLoad({ url, file, connections: 16, duration: FIXED_DURATION, rate: FIXED_RATE });
    await stop(child);
    const stored = contender.storedRows();
    return { max, fixed, stored };
  } finally {
    await stop(child);
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
  // Enough unique deliveries for the fastest contender's whole run.
  makeDeliveries(Number(args.get("deliveries") ?? 200_000), file + ".src");

  type Measured = { contender: Contender } & Awaited<ReturnType<typeof measure>>;
  const results: Measured[] = [];
  for (const [i, contender] of [baseline, hookline, hooklineSplit, hooklineInline].entries()) {
    results.push({ contender, ...(await measure(contender, 3300 + i, file)) });
  }
  const [base, ours, split, inline] = results as [Measured, Measured, Measured, Measured];
  const row = (r: Measured) =>
    `| ${r.contender.name} | ${Math.round(r.max.throughput)} | ${r.max.p50} | ${r.max.p99} | ${r.max.errors + r.max.non2xx} | ${r.fixed.p50} | ${r.fixed.p99} | ${r.fixed.errors + r.fixed.non2xx} | ${r.stored} |`;
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`\nMachine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Load: autocannon in its own process, ${CONNECTIONS} connections × ${DURATION}s, then ${FIXED_RATE} req/s × ${FIXED_DURATION}s\n`);
  console.log("| server | max deliveries/s | p50 ms | p99 ms | errors+non-2xx | p50 ms @500/s | p99 ms @500/s | errors @500/s | rows stored (2xx) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  console.log(row(base));
  console.log(row(ours));
  console.log(row(split));
  console.log(row(inline));
  const ratio = (r: Measured) => (r.max.throughput / base.max.throughput).toFixed(2);
  console.log(
    `\nHookline / baseline throughput: ${ratio(ours)}× in one process, ${ratio(split)}× with the worker in its own process, ${ratio(inline)}× with batches written in-process`,
  );
  const answered = ours.max.requests - ours.max.non2xx + ours.fixed.requests - ours.fixed.non2xx;
  console.log(`Hookline: ${answered} deliveries answered 2xx, ${ours.stored} rows stored with status 200.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
