// npm run bench:ingest — Hookline's ingest against a hand-written baseline, side by
// side on this machine, driven by the same signed deliveries from a separate
// load-generator process (autocannon). See docs/benchmarks.md.
//
//   npm run bench:ingest [-- --rounds 3 --duration 10 --connections 32 --no-build]
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
const DURATION = Number(args.get("duration") ?? 10);
const ROUNDS = Number(args.get("rounds") ?? 3);
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

function runLoad(options: { url: string; file: string; connections: number; duration: number; rate?: number; offset?: number }): LoadResult {
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
    const fixed = runLoad({ url, file, connections: 16, duration: FIXED_DURATION, rate: FIXED_RATE, offset: max.sent });
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

  // Rounds, each contender once per round in the same order: this machine's speed
  // drifts by ±20 % over minutes, so each figure is the median over rounds and each
  // ratio compares contenders measured within the same round.
  const contenders = [baseline, hookline, hooklineSplit];
  type Measured = Awaited<ReturnType<typeof measure>>;
  const runs = new Map<Contender, Measured[]>(contenders.map((c) => [c, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Fresh signatures every round (Svix's tolerance is 5 minutes); enough unique
    // deliveries for the fastest contender's whole run.
    makeDeliveries(Number(args.get("deliveries") ?? 100_000), file + ".src");
    for (const [i, contender] of contenders.entries()) {
      const measured = await measure(contender, 3300 + i, file);
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
    runs.get(contender)!.map((m, round) => m.max.throughput / runs.get(baseline)![round]!.max.throughput);
  const ratioText = (contender: Contender) => `${median(ratios(contender)).toFixed(2)}× (rounds: ${ratios(contender).map((r) => r.toFixed(2)).join(", ")})`;

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`\nMachine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Load: autocannon in its own process, ${CONNECTIONS} connections × ${DURATION}s, then ${FIXED_RATE} req/s × ${FIXED_DURATION}s; ${ROUNDS} rounds, medians\n`);
  console.log("| server | max deliveries/s (median) | each round | p50 ms | p99 ms | p50 ms @500/s | p99 ms @500/s | p99 @500/s each round | errors + non-2xx | answered 2xx / rows stored |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const contender of contenders) console.log(row(contender));
  console.log(`\nHookline / baseline throughput, median of the rounds' ratios:`);
  console.log(`- one process (the default): ${ratioText(hookline)}`);
  console.log(`- worker in its own process: ${ratioText(hooklineSplit)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
