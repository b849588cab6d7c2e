// CPU per delivery of Hookline's ingest on Postgres at a fixed rate: CPU time of the
// server process (all threads, the worker's included) and of the Postgres backends
// serving its database, from the first delivery until the worker has caught up (every
// event indexed and scanned for auto-forward). A steadier measure than throughput on a
// shared machine (docs/benchmarks.md, Postgres).
//
//   npx tsx scripts/bench/pg-cpu-per-delivery.ts [--rate 500 --seconds 10 --cpu-prof DIR --forwarding]
//
// --forwarding: an auto-forward target exists (for a type never sent, so nothing is
// queued): events are then stored unscanned and the worker rewrites each row to mark it
// scanned, as it did for every event before ingest set the flag (issue 16).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import pg from "pg";

import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!);
});
const RATE = Number(args.get("rate") ?? 500);
const SECONDS = Number(args.get("seconds") ?? 10);
const ADMIN_URL = process.env.HOOKLINE_BENCH_POSTGRES_URL ?? process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASE = "hookline_bench_cpu";
const SECRET = "whsec_" + Buffer.from("hookline-bench-secret-0123456789").toString("base64");
const PORT = 3390;
const ROOT = process.cwd();
const TICK_MS = 1000 / 100; // USER_HZ

function databaseUrl(name: string) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** utime + stime of a process, all its threads, in ms (0 when it is gone). */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

async function backendCpu(): Promise<Map<number, number>> {
  const rows = await query<{ pid: number }>(ADMIN_URL, `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [DATABASE]);
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

async function main() {
  await query(ADMIN_URL, `DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await query(ADMIN_URL, `CREATE DATABASE "${DATABASE}"`);
  const url = databaseUrl(DATABASE);
  const count = RATE * SECONDS;
  const envelopes = buildSamples("all", { count: Math.ceil(count / 60) + 1, seed: 7 });
  const file = path.join(os.tmpdir(), `hookline-cpu-${process.pid}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(Array.from({ length: count }, (_, i) => {
      const body = JSON.stringify(envelopes[i % envelopes.length]);
      return { body, headers: signDelivery(SECRET, body).headers };
    })),
  );

  const profileDir = args.get("cpu-prof");
  const server: ChildProcess = spawn(
    process.execPath,
    [...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(profileDir)] : []), "--import", "tsx", "server.ts"],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(PORT),
        HOST: "127.0.0.1",
        DATABASE_URL: url,
        HOOKLINE_DATA_DIR: path.join(os.tmpdir(), `hookline-cpu-${process.pid}`),
        SESSION_SECRET: "bench-session-secret-0123456789",
        HOOKLINE_ENCRYPTION_KEY: "bench-encryption-key-0123456789",
        CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
      },
    },
  );
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error("server did not start");
      try {
        await fetch(`http://127.0.0.1:${PORT}/healthz`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (args.has("forwarding")) {
      // Created straight in the table: no HTTP API token needed for a bench.
      await query(
        url,
        `INSERT INTO "Target" ("id","name","url","secretEncrypted","eventTypes","autoForward","autoForwardSince","enabled","headers","createdAt","updatedAt")
         VALUES ('tgt_bench','bench','http://127.0.0.1:9/','x','["nothing.matches"]',TRUE,now(),TRUE,'{}',now(),now())`,
      );
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const node0 = cpuMs(server.pid!);
    const pg0 = await backendCpu();
    const started = Date.now();
    const load = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, "scripts/bench/load.mjs"), JSON.stringify({ url: `http://127.0.0.1:${PORT}/webhooks/clerk`, file, connections: 16, duration: SECONDS, rate: RATE })], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (c) => (out += c));
      child.once("exit", (code) => (code === 0 ? resolve(out.trim().split("\n").at(-1)!) : reject(new Error(`load exited ${code}`))));
    });
    // Until the worker has caught up.
    for (;;) {
      const [row] = await query<{ n: string }>(url, `SELECT COUNT(*) AS n FROM "Event" WHERE NOT "searchIndexed" OR NOT "forwardScanned"`);
      if (Number(row!.n) === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const elapsed = Date.now() - started;
    const nodeMs = cpuMs(server.pid!) - node0;
    const pg1 = await backendCpu();
    let pgMs = 0;
    for (const [pid, ms] of pg1) pgMs += ms - (pg0.get(pid) ?? 0);
    const [stored] = await query<{ n: string }>(url, `SELECT COUNT(*) AS n FROM "Delivery" WHERE "status" = 200`);
    const n = Number(stored!.n);
    const result = JSON.parse(load) as { p99: number; throughput: number };
    console.log(
      JSON.stringify({
        forwarding: args.has("forwarding"),
        deliveries: n,
        elapsedMs: elapsed,
        nodeMsPerDelivery: +(nodeMs / n).toFixed(3),
        postgresMsPerDelivery: +(pgMs / n).toFixed(3),
        totalMsPerDelivery: +((nodeMs + pgMs) / n).toFixed(3),
        p99: result.p99,
        load: os.loadavg().map((l) => l.toFixed(2)).join(" "),
      }),
    );
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    fs.rmSync(file, { force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
