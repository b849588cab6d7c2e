// npm run bench:stream — 200 concurrent clients on GET /api/v1/events/stream of the real
// server (a child process), events posted to its ingest: the server's resident memory
// added by the streams, and the fan-out latency from posting an event to each client
// having it. With --postgres, two server instances share one database and the clients
// follow instance B while events are posted to instance A (LISTEN/NOTIFY across
// instances). See docs/benchmarks.md.
//
//   npm run bench:stream [-- --clients 200 --events 50 --interval 100 --postgres]
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import net from "node:net";
import path from "node:path";

import pg from "pg";

import { createApiToken } from "~/auth/tokens.server";
import { signDelivery } from "~/catalog/sign";
import { createDatabase } from "~/db/prisma.server";
import { readServerSentEvents } from "~/stream/sse-client";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!);
});
const CLIENTS = Number(args.get("clients") ?? 200);
const EVENTS = Number(args.get("events") ?? 50);
const INTERVAL_MS = Number(args.get("interval") ?? 100);
const POSTGRES = args.has("postgres");
const ROOT = process.cwd();
const DIR = path.resolve(".cache/bench-stream");
const SOURCE_SECRET = "whsec_" + Buffer.from("hookline-bench-secret-0123456789").toString("base64");
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  SESSION_SECRET: "bench-session-secret-0123456789",
  HOOKLINE_ENCRYPTION_KEY: "bench-encryption-key-0123456789",
  HOOKLINE_DATA_DIR: DIR,
  HOOKLINE_WORKER: "0",
  CLERK_WEBHOOK_SIGNING_SECRET: SOURCE_SECRET,
};

function log(message: string) {
  process.stderr.write(`[bench:stream] ${message}\n`);
}

async function databaseUrl(): Promise<string> {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  if (!POSTGRES) return `file:${path.join(DIR, "hookline.db")}`;
  const admin = process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS hookline_bench_stream WITH (FORCE)`);
  await client.query(`CREATE DATABASE hookline_bench_stream`);
  await client.end();
  const url = new URL(admin);
  url.pathname = "/hookline_bench_stream";
  return url.toString();
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(url: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server.ts")], {
    cwd: ROOT,
    env: { ...ENV, DATABASE_URL: url, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base };
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error("server did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resident memory of a live process (Linux /proc), in MiB. */
function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const url = await databaseUrl();
  const a = await startServer(url);
  const b = POSTGRES ? await startServer(url) : a;
  const handle = createDatabase(url);
  const { token } = await createApiToken(handle.db, { name: "bench", role: "viewer" });
  await handle.db.$disconnect();

  const post = async (n: number) => {
    const body = JSON.stringify({ data: { id: `user_bench${n}`, object: "user", n }, object: "event", type: "user.updated", timestamp: Date.now(), instance_id: "ins_bench" });
    const signed = signDelivery(SOURCE_SECRET, body);
    const response = await fetch(`${a.base}/webhooks/clerk`, { method: "POST", headers: signed.headers, body });
    const answer = (await response.json()) as { eventId: string };
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
    return answer.eventId;
  };

  // Warm up: one stream, a few events, so the watcher, Prisma and the JIT are running.
  const arrivals = new Map<string, number[]>();
  const clients: AbortController[] = [];
  const connect = async () => {
    const abort = new AbortController();
    clients.push(abort);
    const response = await fetch(`${b.base}/api/v1/events/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    void (async () => {
      try {
        for await (const event of readServerSentEvents(response.body!)) {
          if (!event.id) continue;
          const list = arrivals.get(event.id) ?? [];
          list.push(performance.now());
          arrivals.set(event.id, list);
        }
      } catch {
        // closed
      }
    })();
  };
  await connect();
  for (let i = 0; i < 20; i++) await post(-1 - i);
  await sleep(2_000);
  global.gc?.();
  const before = rssMiB(b.child.pid!);
  log(`server RSS with one stream: ${before.toFixed(1)} MiB`);

  for (let i = 1; i < CLIENTS; i += 20) await Promise.all(Array.from({ length: Math.min(20, CLIENTS - i) }, connect));
  await sleep(2_000);
  const connected = rssMiB(b.child.pid!);
  log(`${CLIENTS} streams connected: ${connected.toFixed(1)} MiB`);

  arrivals.clear();
  const sent = new Map<string, number>();
  for (let i = 0; i < EVENTS; i++) {
    const started = performance.now();
    const id = await post(i);
    sent.set(id, started);
    await sleep(INTERVAL_MS);
  }
  await sleep(3_000);
  const after = rssMiB(b.child.pid!);

  const latencies: number[] = [];
  const slowestPerEvent: number[] = [];
  let missing = 0;
  for (const [id, started] of sent) {
    const times = arrivals.get(id) ?? [];
    missing += CLIENTS - times.length;
    for (const at of times) latencies.push(at - started);
    if (times.length) slowestPerEvent.push(Math.max(...times) - started);
  }
  latencies.sort((x, y) => x - y);
  slowestPerEvent.sort((x, y) => x - y);
  const result = {
    provider: POSTGRES ? "postgres (2 instances)" : "sqlite",
    clients: CLIENTS,
    events: EVENTS,
    deliveries: latencies.length,
    missing,
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
      max: Math.round(latencies.at(-1) ?? NaN),
    },
    lastClientMs: { p50: Math.round(percentile(slowestPerEvent, 50)), max: Math.round(slowestPerEvent.at(-1) ?? NaN) },
    rssMiB: { oneStream: +before.toFixed(1), connected: +connected.toFixed(1), afterEvents: +after.toFixed(1), added: +(after - before).toFixed(1) },
  };
  console.log(JSON.stringify(result));
  log(
    `${CLIENTS} clients × ${EVENTS} events: latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
      `every client within ${result.lastClientMs.max} ms; RSS +${result.rssMiB.added} MiB; missing ${missing}`,
  );

  for (const client of clients) client.abort();
  for (const server of new Set([a, b])) server.child.kill("SIGTERM");
  await Promise.all([...new Set([a, b])].map((s) => new Promise((resolve) => s.child.once("exit", resolve))));
  if (missing > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
