// npm run test:contention / npm run bench:contention — nobody is failed while Hookline
// is busy. A production server (the Remix build) on a fresh database stores a few
// thousand events; then, at once for --seconds:
//   - signed deliveries arrive at --rate per second,
//   - a replay of every stored event runs to a real local receiver (5 ms, concurrency 8),
//   - two interactive clients loop: sign in, browse /events, list events through the
//     API, create an API token, create a target, reveal a masked event.
// The test asserts no answer ≥ 500, no ingest answer other than 2xx, and every
// replayed event received. The benchmark (--bench) first runs the same interactive
// clients on the idle server and prints p50/p99 idle and under load side by side.
//
//   tsx scripts/contention.ts [--provider sqlite|postgres|both] [--seconds 20] [--rate 200]
//                             [--events 3000] [--bench] [--port 3390]
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import pg from "pg";

import { createApiToken } from "~/auth/tokens.server";
import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";
import { createDatabase } from "~/db/prisma.server";
import { startReceiver, type Receiver } from "../tests/support/receiver";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!);
});
const PROVIDERS = (args.get("provider") ?? "both") === "both" ? ["sqlite", "postgres"] : [args.get("provider")!];
const SECONDS = Number(args.get("seconds") ?? 20);
const RATE = Number(args.get("rate") ?? 200);
const EVENTS = Number(args.get("events") ?? 3000);
const BENCH = args.has("bench");
const PORT = Number(args.get("port") ?? 3390);
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = "whsec_" + Buffer.from("hookline-contention-secret-0123456").toString("base64");
const DIR = path.resolve(".cache/contention");
const PG_ADMIN = process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const ADMIN = { email: "admin@contention.test", password: "contention-password-1234" };

function log(message: string) {
  console.log(`[contention] ${message}`);
}

function ensureBuild() {
  const server = path.resolve("build/server/index.js");
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }, 0);
  if (fs.existsSync(server) && fs.statSync(server).mtimeMs >= newest(path.resolve("app"))) return;
  log("building the app (build/ is missing or older than app/)");
  const result = spawnSync("npx", ["remix", "vite:build"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("build failed");
}

// ---------------------------------------------------------------- the server

function startServer(databaseUrl: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      HOOKLINE_DATA_DIR: DIR,
      SESSION_SECRET: "contention-session-secret-0123",
      HOOKLINE_ENCRYPTION_KEY: "contention-encryption-key-0123",
      CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
      HOOKLINE_ADMIN_EMAIL: ADMIN.email,
      HOOKLINE_ADMIN_PASSWORD: ADMIN.password,
      // The interactive clients sign in hundreds of times from one address.
      HOOKLINE_LOGIN_ATTEMPTS: "1000",
    },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  return { child, stderr: () => stderr };
}

async function waitUntilHealthy(child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("server did not become healthy");
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  if (!(await Promise.race([exited.then(() => true), sleep(40_000).then(() => false)]))) {
    child.kill("SIGKILL");
    await exited;
  }
}

interface Store {
  url: string;
  close(): Promise<void>;
}

async function createStore(provider: string): Promise<Store> {
  if (provider === "sqlite") {
    const file = path.join(DIR, `contention-${Date.now()}.db`);
    return { url: `file:${file}`, close: async () => {} };
  }
  const name = `hookline_contention_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async close() {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

// ---------------------------------------------------------------- load

const bodies = buildSamples("all", { count: 4, seed: 11 }).map((e) => JSON.stringify(e));
let sequence = 0;

function signedDelivery() {
  const body = bodies[sequence++ % bodies.length]!.replace('"object":"event"', `"object":"event","x_contention_seq":${sequence}`);
  return { body, headers: signDelivery(SECRET, body).headers };
}

async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(`${BASE}/webhooks/clerk`, { method: "POST", body, headers });
  await response.arrayBuffer();
  return response.status;
}

/** Stores `count` events as fast as 8 connections go. */
async function fill(count: number) {
  let left = count;
  let failed = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left-- > 0) {
        const { body, headers } = signedDelivery();
        if ((await post(body, headers)) !== 200) failed++;
      }
    }),
  );
  if (failed) throw new Error(`${failed} deliveries were not stored while filling`);
}

/** Signed deliveries at a fixed rate until stopped; counts answers that are not 2xx. */
function ingestAtRate(rate: number) {
  let running = true;
  let sent = 0;
  let failed = 0;
  const statuses = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  const loop = (async () => {
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      while (sent < due && running) {
        sent++;
        const { body, headers } = signedDelivery();
        const request = post(body, headers)
          .then((status) => {
            if (status < 200 || status >= 300) {
              failed++;
              statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
            }
          })
          .catch((error) => {
            failed++;
            statuses.set(String(error), (statuses.get(String(error)) ?? 0) + 1);
          })
          .finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { sent, failed, statuses: Object.fromEntries(statuses) };
    },
  };
}

interface Sample {
  kind: string;
  status: number;
  ms: number;
}

/** A person and a script at once: sign in, browse, API reads and writes, a reveal. */
function interactiveClient(name: string, tokens: { operator: string }, maskedEventId: string, samples: Sample[]) {
  let running = true;
  const timed = async (kind: string, run: () => Promise<Response>, okStatuses: number[]) => {
    const started = performance.now();
    let status: number;
    try {
      const response = await run();
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 599; // no answer at all
    }
    samples.push({ kind, status, ms: performance.now() - started });
    if (!okStatuses.includes(status) && status < 500) samples.push({ kind: `${kind} (unexpected ${status})`, status: 500, ms: 0 });
  };
  const auth = { authorization: `Bearer ${tokens.operator}` };
  let round = 0;
  const loop = (async () => {
    while (running) {
      round++;
      let cookie = "";
      await timed(
        "sign in",
        async () => {
          const response = await fetch(`${BASE}/login`, {
            method: "POST",
            redirect: "manual",
            headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
            body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, redirectTo: "/events" }),
          });
          cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
          return response;
        },
        [302, 303],
      );
      await timed("browse /events", () => fetch(`${BASE}/events`, { headers: { cookie } }), [200]);
      await timed("GET /api/v1/events", () => fetch(`${BASE}/api/v1/events?limit=50`, { headers: auth }), [200]);
      await timed(
        "create token",
        () =>
          fetch(`${BASE}/settings/tokens`, {
            method: "POST",
            redirect: "manual",
            headers: { cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ intent: "create", name: `${name}-${round}`, role: "viewer" }),
          }),
        [200, 302, 303],
      );
      await timed(
        "POST /api/v1/targets",
        () =>
          fetch(`${BASE}/api/v1/targets`, {
            method: "POST",
            headers: { ...auth, "content-type": "application/json" },
            body: JSON.stringify({ name: `${name} ${round}`, url: "http://127.0.0.1:9/never", enabled: false }),
          }),
        [201],
      );
      await timed("reveal", () => fetch(`${BASE}/api/v1/events/${maskedEventId}?reveal=true`, { headers: auth }), [200]);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

function percentile(values: number[], p: number) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function runInteractive(seconds: number, tokens: { operator: string }, maskedEventId: string) {
  const samples: Sample[] = [];
  const clients = ["alice", "bob"].map((name) => interactiveClient(name, tokens, maskedEventId, samples));
  await sleep(seconds * 1000);
  await Promise.all(clients.map((c) => c.stop()));
  return samples;
}

// ---------------------------------------------------------------- one provider

interface Result {
  provider: string;
  idle: Sample[] | null;
  load: Sample[];
  ingest: { sent: number; failed: number; statuses: Record<string, number> };
  replay: { total: number; received: number; missing: number; status: string; seconds: number };
}

async function runProvider(provider: string): Promise<Result> {
  const store = await createStore(provider);
  const server = startServer(store.url);
  let receiver: Receiver | null = null;
  try {
    await waitUntilHealthy(server.child);
    const handle = createDatabase(store.url);
    const operator = (await createApiToken(handle.db, { name: "contention", role: "operator" })).token;
    await handle.db.$disconnect();

    log(`${provider}: storing ${EVENTS} events`);
    const fillStarted = Date.now();
    await fill(EVENTS);
    log(`${provider}: stored in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`);
    const auth = { authorization: `Bearer ${operator}` };
    const masked = (await (await fetch(`${BASE}/api/v1/events?type=email.created&limit=1`, { headers: auth })).json()) as {
      events: { id: string }[];
    };
    const maskedEventId = masked.events[0]?.id;
    if (!maskedEventId) throw new Error("no email.created event was stored");

    const idle = BENCH ? await runInteractive(Math.min(SECONDS, 15), { operator }, maskedEventId) : null;

    receiver = await startReceiver("whsec_" + crypto.randomBytes(24).toString("base64"), () => ({ status: 200, body: "ok", delayMs: 5 }));
    const target = (await (
      await fetch(`${BASE}/api/v1/targets`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ name: "replay receiver", url: receiver.url, concurrency: 8, secret: receiver.secret }),
      })
    ).json()) as { id: string };
    const replayResponse = await fetch(`${BASE}/api/v1/replays`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ targetId: target.id, filter: { to: new Date().toISOString() } }),
    });
    const job = (await replayResponse.json()) as { id: string; total: number };
    if (replayResponse.status !== 201) throw new Error(`replay was not created: ${replayResponse.status} ${JSON.stringify(job)}`);
    const replayStarted = Date.now();

    const ingest = ingestAtRate(RATE);
    const load = await runInteractive(SECONDS, { operator }, maskedEventId);
    const ingestResult = await ingest.stop();

    let status = "";
    for (let i = 0; i < 1200; i++) {
      const current = (await (await fetch(`${BASE}/api/v1/replays/${job.id}`, { headers: auth })).json()) as { status: string; total: number };
      status = current.status;
      if (["done", "canceled", "failed"].includes(status)) break;
      await sleep(250);
    }
    const seconds = (Date.now() - replayStarted) / 1000;
    const received = new Set(receiver.requests.filter((r) => r.verified).map((r) => r.svixId));
    const total = job.total;
    return {
      provider,
      idle,
      load,
      ingest: ingestResult,
      replay: { total, received: received.size, missing: Math.max(0, total - received.size), status, seconds },
    };
  } catch (error) {
    console.error(server.stderr().slice(-4000));
    throw error;
  } finally {
    await receiver?.close();
    await stopServer(server.child);
    // What the server complained about: errors, slow queries and slow transactions.
    const complaints = new Map<string, { count: number; worstMs: number }>();
    for (const line of server.stderr().split("\n")) {
      let entry: { level?: string; msg?: string; durationMs?: number; heldMs?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        if (/SqliteError|P1008|P2028/.test(line)) entry = { level: "error", msg: line.trim().slice(0, 120) };
        else continue;
      }
      if (entry.level !== "error" && entry.level !== "warn") continue;
      const key = `${entry.level}: ${entry.msg}`;
      const seen = complaints.get(key) ?? { count: 0, worstMs: 0 };
      complaints.set(key, { count: seen.count + 1, worstMs: Math.max(seen.worstMs, entry.durationMs ?? entry.heldMs ?? 0) });
    }
    for (const [key, { count, worstMs }] of complaints) log(`${provider}: server log ${key} ×${count}${worstMs ? ` (worst ${worstMs} ms)` : ""}`);
    await store.close();
  }
}

function summarize(samples: Sample[]) {
  const byKind = new Map<string, Sample[]>();
  for (const s of samples) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
  const row = (kind: string, list: Sample[]) => ({
    kind,
    requests: list.length,
    failed: list.filter((s) => s.status >= 500).length,
    p50: percentile(
      list.map((s) => s.ms),
      50,
    ),
    p99: percentile(
      list.map((s) => s.ms),
      99,
    ),
    over1s: list.filter((s) => s.ms > 1000).length,
  });
  return [row("all interactive", samples), ...[...byKind].map(([kind, list]) => row(kind, list))];
}

function printResult(result: Result) {
  const load = summarize(result.load);
  const idle = result.idle ? new Map(summarize(result.idle).map((r) => [r.kind, r])) : null;
  const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "-" : n.toFixed(1));
  log(`${result.provider}: interactive requests, ${idle ? "idle vs " : ""}under load (${RATE}/s ingest + replay of ${result.replay.total})`);
  const header = idle
    ? ["request", "idle n", "idle p50", "idle p99", "load n", "load p50", "load p99", "≥500", ">1 s"]
    : ["request", "n", "p50 ms", "p99 ms", "≥500", ">1 s"];
  const rows = load.map((r) => {
    const i = idle?.get(r.kind);
    return idle
      ? [r.kind, String(i?.requests ?? "-"), fmt(i?.p50), fmt(i?.p99), String(r.requests), fmt(r.p50), fmt(r.p99), String(r.failed), String(r.over1s)]
      : [r.kind, String(r.requests), fmt(r.p50), fmt(r.p99), String(r.failed), String(r.over1s)];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  for (const line of [header, ...rows]) console.log("  " + line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
  log(
    `${result.provider}: ingest ${result.ingest.sent} sent, ${result.ingest.failed} not 2xx ${JSON.stringify(result.ingest.statuses)}; ` +
      `replay ${result.replay.status}: ${result.replay.received} of ${result.replay.total} received (${result.replay.missing} missing) in ${result.replay.seconds.toFixed(1)} s`,
  );
}

async function main() {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  ensureBuild();
  const problems: string[] = [];
  for (const provider of PROVIDERS) {
    const result = await runProvider(provider);
    printResult(result);
    const failed = result.load.filter((s) => s.status >= 500);
    if (failed.length) problems.push(`${provider}: ${failed.length} interactive answers ≥ 500 (${[...new Set(failed.map((s) => s.kind))].join(", ")})`);
    if (result.ingest.failed) problems.push(`${provider}: ${result.ingest.failed} ingest answers not 2xx`);
    if (result.replay.missing || result.replay.status !== "done") problems.push(`${provider}: replay ${result.replay.status}, ${result.replay.missing} events not received`);
  }
  if (problems.length) {
    for (const problem of problems) console.error(`[contention] FAIL ${problem}`);
    process.exit(1);
  }
  log("ok: no interactive request failed, every delivery was stored, every replayed event was received");
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
