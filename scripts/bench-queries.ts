// npm run bench:queries — how fast the event browser answers on a big database.
//
// For SQLite (a fresh file) and then Postgres (a fresh database) it:
//   1. seeds 1,000,000 events with the real `hookline seed` (plus one user with 10,000
//      events for the lifecycle views),
//   2. starts the real production server (`npm run build` output and `server.ts`, worker
//      loop included, both copied to .cache/bench-queries/server first) on that database,
//   3. times, from a client on the same machine over loopback HTTP (keep-alive), each
//      request from sending it to having read the whole response body: the JSON API
//      (token check, query, serialisation) and the HTML pages (session check, loader,
//      server rendering, streamed type counts included),
//   4. runs the lifecycle views of `npm run bench:lifecycle` in-process on the same data.
// Medians and p95 for both databases side by side; results also go to
// .cache/bench-queries/results.json.
//
//   npm run bench:queries                          # 1,000,000 events, both databases
//   npm run bench:queries -- --events 100000 --runs 20
//   npm run bench:queries -- --only sqlite --reuse # measure an already seeded database again
//   npm run bench:queries -- --no-build            # use the existing build/
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import pg from "pg";

import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { bodyOf, STORED_BODY } from "~/deliveries/body-codec.server";
import { benchLifecycle, HEAVY_USER, type Measurement } from "./bench-lifecycle";

type Provider = "sqlite" | "postgres";

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  return value && !value.startsWith("--") ? value : "1";
}

const EVENTS = Number(arg("events") ?? 1_000_000);
const RUNS = Number(arg("runs") ?? 30);
const PORT = Number(arg("port") ?? 3291);
const BASE = `http://127.0.0.1:${PORT}`;
const DIR = path.resolve(".cache/bench-queries");
const ADMIN = { email: "bench@hookline.test", password: "bench-password-123" };
const POSTGRES_ADMIN = process.env.BENCH_POSTGRES_ADMIN ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PG_NAME = "hookline_bench_queries";
const PROVIDERS: Provider[] = arg("only") ? [arg("only") as Provider] : ["sqlite", "postgres"];

function cli(args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, ["bin/hookline.js", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function databaseUrl(provider: Provider, fresh: boolean): Promise<string> {
  if (provider === "sqlite") {
    const file = path.join(DIR, "sqlite", "hookline.db");
    if (fresh) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return `file:${file}`;
  }
  const url = new URL(POSTGRES_ADMIN);
  url.pathname = `/${PG_NAME}`;
  if (fresh) {
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${PG_NAME}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${PG_NAME}"`);
    await admin.end();
  }
  return url.toString();
}

function envFor(url: string): Record<string, string> {
  return {
    DATABASE_URL: url,
    HOOKLINE_DATA_DIR: DIR,
    // Seeded history spans days; nothing must be pruned while it is measured.
    HOOKLINE_RETENTION_DAYS: "3650",
  };
}

async function seed(provider: Provider, url: string) {
  console.error(`\n== ${provider}: seeding ${EVENTS.toLocaleString("en")} events (+10,000 for ${HEAVY_USER})`);
  const started = performance.now();
  cli(["migrate"], envFor(url));
  const out = cli(["seed", "--events", String(EVENTS), "--days", "14", "--heavy-user", HEAVY_USER, "--heavy-events", "10000"], envFor(url));
  console.error(out.trim());
  return (performance.now() - started) / 1000;
}

const SERVER_DIR = path.join(DIR, "server");

/**
 * Builds, then copies server.ts and build/ to a private directory and serves from
 * there: the other engineers' `npm run build` in this checkout replace build/ at any
 * moment. server.ts finds the build beside itself, so the copy serves the copy.
 */
function buildPrivateCopy() {
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (!arg("no-build")) {
      console.error("== building the production server (npm run build)");
      execFileSync("npm", ["run", "build", "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
    }
    fs.rmSync(SERVER_DIR, { recursive: true, force: true });
    fs.mkdirSync(SERVER_DIR, { recursive: true });
    try {
      fs.cpSync("build", path.join(SERVER_DIR, "build"), { recursive: true });
      if (fs.existsSync(path.join(SERVER_DIR, "build/server/index.js")) && fs.existsSync(path.join(SERVER_DIR, "build/client/assets"))) {
        fs.copyFileSync("server.ts", path.join(SERVER_DIR, "server.ts"));
        return;
      }
    } catch (error) {
      console.error(`build/ changed while copying it (${(error as Error).message}); building again`);
    }
  }
  throw new Error("Could not get a complete build to serve");
}

async function startServer(url: string): Promise<ChildProcess> {
  // Run from the checkout (tsconfig paths, node_modules), serving the private copy.
  const server = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", path.join(SERVER_DIR, "server.ts")], {
    env: {
      ...process.env,
      ...envFor(url),
      PORT: String(PORT),
      HOST: "127.0.0.1",
      HOOKLINE_ADMIN_EMAIL: ADMIN.email,
      HOOKLINE_ADMIN_PASSWORD: ADMIN.password,
      HOOKLINE_SLOW_QUERY_MS: "100000",
      // Back-to-back timed requests with one token: measure the queries, not the rate limit.
      HOOKLINE_API_RATE_PER_SECOND: "100000",
      HOOKLINE_API_BURST: "100000",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  server.kill();
  throw new Error("server did not start");
}

async function stopServer(server: ChildProcess) {
  if (server.exitCode !== null) return;
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));
}

async function logIn(): Promise<string> {
  const response = await fetch(`${BASE}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
    body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, redirectTo: "/" }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`login failed: ${response.status}`);
  return cookie;
}

interface HttpMeasurement {
  name: string;
  path: string;
  medianMs: number;
  p95Ms: number;
  detail: string;
}

async function timeRequest(pathname: string, headers: Record<string, string>) {
  const start = performance.now();
  const response = await fetch(BASE + pathname, { headers });
  const firstByteMs = performance.now() - start;
  const body = await response.text();
  return { ms: performance.now() - start, firstByteMs, status: response.status, body };
}

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95) };
}

/**
 * Whole-body time, and for pages also the time to the response head: pages stream
 * (the event table comes first, counts per type follow), so the head is when the
 * browser can start rendering the table.
 */
async function measureHttp(name: string, pathname: string, headers: Record<string, string>, describe: (body: string) => string): Promise<HttpMeasurement[]> {
  for (let i = 0; i < 3; i++) await timeRequest(pathname, headers); // warm caches and plans
  const times: number[] = [];
  const firstBytes: number[] = [];
  let last = { ms: 0, firstByteMs: 0, status: 0, body: "" };
  for (let i = 0; i < RUNS; i++) {
    last = await timeRequest(pathname, headers);
    if (last.status !== 200) throw new Error(`${pathname} answered ${last.status}: ${last.body.slice(0, 300)}`);
    times.push(last.ms);
    firstBytes.push(last.firstByteMs);
  }
  const whole: HttpMeasurement = { name, path: pathname, ...percentiles(times), detail: describe(last.body) };
  if (!name.startsWith("page:")) return [whole];
  return [{ ...whole, name: `${name}, response head`, ...percentiles(firstBytes) }, { ...whole, name: `${name}, whole page` }];
}

/** Realistic query values taken from the seeded data: an ordinary user in the middle of it. */
async function pickTargets(handle: DatabaseHandle) {
  const users = await handle.db.event.count({ where: { type: "user.created" } });
  const created = await handle.db.event.findFirstOrThrow({
    where: { type: "user.created", NOT: { userId: HEAVY_USER } },
    orderBy: { id: "asc" },
    skip: Math.floor(users / 2),
    select: { userId: true, firstDeliveryId: true },
  });
  const userId = created.userId!;
  const updated = await handle.db.event.findFirstOrThrow({ where: { type: "user.updated", userId }, orderBy: { timestampMs: "desc" }, select: { id: true } });
  const delivery = await handle.db.delivery.findUniqueOrThrow({ where: { id: created.firstDeliveryId }, select: STORED_BODY });
  const payload = JSON.parse(bodyOf(delivery).toString("utf8")) as { data: { email_addresses: { email_address: string }[] } };
  return { userId, updatedEventId: updated.id, email: payload.data.email_addresses[0]!.email_address };
}

const hourAgo = (hours: number) => new Date(Math.floor(Date.now() / 3_600_000 - hours) * 3_600_000).toISOString();

async function measureServer(handle: DatabaseHandle, token: string): Promise<HttpMeasurement[]> {
  const targets = await pickTargets(handle);
  const api = { authorization: `Bearer ${token}` };
  const cookie = { cookie: await logIn() };
  const count = (body: string) => {
    const json = JSON.parse(body) as { events?: unknown[]; deliveries?: unknown[]; diff?: { changes: unknown[] } | null };
    if (json.diff !== undefined) return `diff: ${json.diff?.changes.length ?? 0} changes`;
    return `${(json.events ?? json.deliveries ?? []).length} rows`;
  };
  const rows = (body: string) => `${(body.match(/<tr/g) ?? []).length - 1} rows, ${Math.round(body.length / 1024)} KiB`;

  // Page 51: follow the cursor 50 times (not timed), then time that request.
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const response: Response = await fetch(`${BASE}/api/v1/events?limit=50${cursor ? `&cursor=${cursor}` : ""}`, { headers: api });
    cursor = ((await response.json()) as { nextCursor: string | null }).nextCursor;
  }
  const deep = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
  const q = encodeURIComponent(targets.email);

  const results: HttpMeasurement[] = [];
  const add = async (name: string, pathname: string, headers: Record<string, string>, describe: (b: string) => string) => {
    for (const result of await measureHttp(name, pathname, headers, describe)) {
      console.error(`  ${result.name}: median ${result.medianMs.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms (${result.detail})`);
      results.push(result);
    }
  };
  await add("API: first page, unfiltered", "/api/v1/events?limit=50", api, count);
  await add("API: filtered by type (user.updated)", "/api/v1/events?limit=50&type=user.updated", api, count);
  await add("API: by resource id (a user)", `/api/v1/events?limit=50&resource=${targets.userId}`, api, count);
  await add("API: by payload text (an email address)", `/api/v1/events?limit=50&q=${q}`, api, count);
  await add("API: page 51 (50 pages deep)", `/api/v1/events?limit=50${deep}`, api, count);
  await add("API: event detail with diff (user.updated)", `/api/v1/events/${targets.updatedEventId}`, api, count);
  await add("API: deliveries, first page", "/api/v1/deliveries?limit=50", api, count);
  await add("API: deliveries that failed verification", "/api/v1/deliveries?limit=50&outcome=failed", api, count);
  await add("API: failed deliveries of the busy source", "/api/v1/deliveries?limit=50&outcome=failed&source=clerk", api, count);
  await add("API: deliveries of a rare source (0.1 %)", "/api/v1/deliveries?limit=50&source=clerk-staging-old", api, count);
  await add("API: deliveries, one hour a week ago", `/api/v1/deliveries?limit=50&from=${hourAgo(7 * 24)}&to=${hourAgo(7 * 24 - 1)}`, api, count);
  await add("page: /events", "/events", cookie, rows);
  await add("page: /events?type=user.updated", "/events?type=user.updated", cookie, rows);
  await add("page: /events?resource=<user>", `/events?resource=${targets.userId}`, cookie, rows);
  await add("page: /events?q=<email>", `/events?q=${q}`, cookie, rows);
  await add("page: /events, page 51", `/events?${deep.slice(1)}`, cookie, rows);
  await add("page: /events/:id (user.updated, diff)", `/events/${targets.updatedEventId}`, cookie, (b) => `${Math.round(b.length / 1024)} KiB`);
  await add("page: /deliveries (failed)", "/deliveries", cookie, rows);
  return results;
}

interface ProviderResult {
  provider: Provider;
  seedSeconds: number | null;
  events: number;
  deliveries: number;
  databaseBytes: number | null;
  http: HttpMeasurement[];
  lifecycle: Measurement[];
}

async function databaseSize(handle: DatabaseHandle): Promise<number | null> {
  if (handle.provider === "postgres") {
    const [row] = await handle.db.$queryRawUnsafe<{ size: bigint }[]>(`SELECT pg_database_size(current_database()) AS "size"`);
    return Number(row!.size);
  }
  const file = handle.url.slice("file:".length);
  return ["", "-wal"].reduce((sum, suffix) => sum + (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0), 0);
}

async function benchProvider(provider: Provider): Promise<ProviderResult> {
  const reuse = Boolean(arg("reuse"));
  const url = await databaseUrl(provider, !reuse);
  const seedSeconds = reuse ? null : await seed(provider, url);
  const handle = createDatabase(url);
  const token = cli(["token", "create", "--name", "bench-queries", "--role", "viewer"], envFor(url)).trim().split("\n").at(-1)!;
  const [events, deliveries] = await Promise.all([handle.db.event.count(), handle.db.delivery.count()]);
  const databaseBytes = await databaseSize(handle);
  console.error(`\n== ${provider}: ${events.toLocaleString("en")} events, ${deliveries.toLocaleString("en")} deliveries; measuring the production server`);
  const server = await startServer(url);
  let http: HttpMeasurement[];
  try {
    http = await measureServer(handle, token);
  } finally {
    await stopServer(server);
  }
  console.error(`\n== ${provider}: lifecycle views (in-process loaders, npm run bench:lifecycle)`);
  const lifecycle = await benchLifecycle(handle, { userId: HEAVY_USER, runs: RUNS });
  for (const m of lifecycle) console.error(`  ${m.name}: median ${m.medianMs.toFixed(1)} ms, p95 ${m.p95Ms.toFixed(1)} ms (${m.detail})`);
  await handle.db.$disconnect();
  return { provider, seedSeconds, events, deliveries, databaseBytes, http, lifecycle };
}

function table(results: ProviderResult[], pick: (r: ProviderResult) => { name: string; medianMs: number; p95Ms: number }[]): string {
  const names = pick(results[0]!).map((m) => m.name);
  const header = `| request | ${results.map((r) => `${r.provider} median | ${r.provider} p95`).join(" | ")} |`;
  const rule = `| --- | ${results.map(() => "---: | ---:").join(" | ")} |`;
  const lines = names.map((name) => {
    const cells = results.map((r) => {
      const m = pick(r).find((x) => x.name === name);
      return m ? `${m.medianMs.toFixed(1)} ms | ${m.p95Ms.toFixed(1)} ms` : "– | –";
    });
    return `| ${name} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...lines].join("\n");
}

async function main() {
  fs.mkdirSync(DIR, { recursive: true });
  buildPrivateCopy();
  const results: ProviderResult[] = [];
  for (const provider of PROVIDERS) results.push(await benchProvider(provider));

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")}`;
  const summary = [
    `Machine: ${machine}`,
    ...results.map(
      (r) =>
        `${r.provider}: ${r.events.toLocaleString("en")} events, ${r.deliveries.toLocaleString("en")} deliveries` +
        (r.databaseBytes ? `, ${(r.databaseBytes / 2 ** 30).toFixed(2)} GiB on disk` : "") +
        (r.seedSeconds ? `; seeded in ${Math.round(r.seedSeconds)} s (${Math.round(r.events / r.seedSeconds).toLocaleString("en")} events/s)` : ""),
    ),
    "",
    `Server response time, ${RUNS} runs after 3 warm-ups (loopback HTTP from the same machine, request sent → whole body read; for pages also → response head):`,
    "",
    table(results, (r) => r.http),
    "",
    `Lifecycle views (in-process loaders, ${HEAVY_USER} has 10,000 events):`,
    "",
    table(results, (r) => r.lifecycle),
  ].join("\n");
  fs.writeFileSync(path.join(DIR, "results.json"), JSON.stringify({ machine, events: EVENTS, runs: RUNS, results }, null, 2));
  console.log(summary);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
