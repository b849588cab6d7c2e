// npm run bench:prune — `hookline prune` of ~1M expired events while signed deliveries
// keep arriving at a production server, and what the database does with the space.
// See docs/benchmarks.md ("Prune").
//
//   npm run bench:prune [-- --events 1000000 --rate 200 --before 20 --after 20 --postgres --reuse --seed-only --tsx]
//
// 1. Seeds a database with --base events (default 40,000; their deliveries and search
//    rows) received 40 to 70 days ago (`seedDatabase`, what `hookline seed` runs), then
//    copies them in SQL until there are --events (each copy: new ids in the same
//    millisecond, so the same "received at"; svix-ids suffixed; search rows copied on
//    Postgres and rebuilt from the raw body on SQLite). Seeding 1M through the seeder
//    took about 25 minutes on the loaded 2-core machine; this takes a few. It keeps the
//    result as a template: .cache/bench-prune/template.db on SQLite, the database
//    hookline_bench_prune_template on Postgres. --reuse takes the template of an earlier
//    run instead of seeding again (it never changes; each run works on a copy).
// 2. Starts the production server (`node --import tsx server.ts`, NODE_ENV=production,
//    its worker's own retention turned off) on the copy and sends signed deliveries at
//    --rate per second for the whole run, timing every answer.
// 3. After --before seconds runs `hookline prune --days 30` as its own process, then
//    keeps sending for --after seconds while the database settles.
// 4. Prints the prune's rate, ingest p50/p99/max before, during and after it, and the
//    space: SQLite page and freelist counts and file sizes; Postgres table sizes, dead
//    tuples and autovacuum runs (pg_stat_user_tables).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";

import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";
import { migrateDatabase } from "~/db/migrate.server";
import { applyPragmas } from "~/db/sqlite-pragmas";
import { createDatabase } from "~/db/prisma.server";
import { indexPendingEvents } from "~/events/search.server";
import { seedDatabase } from "~/seed/seed.server";
import { ensureDefaultSource } from "~/sources/sources.server";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!);
});
const EVENTS = Number(args.get("events") ?? 1_000_000);
const RATE = Number(args.get("rate") ?? 200);
const BEFORE_S = Number(args.get("before") ?? 20);
const AFTER_S = Number(args.get("after") ?? 20);
const POSTGRES = args.has("postgres");
const REUSE = args.has("reuse");
/** The server and `hookline prune` compiled, as deployed (npm start); --tsx: through tsx. */
const COMPILED = !args.has("tsx");
/** Only make the template (seed), for a later --reuse. */
const SEED_ONLY = args.has("seed-only");
const BASE_EVENTS = Math.min(EVENTS, Number(args.get("base") ?? 40_000));
/** Skip the seeder: copy what the template already holds (an interrupted seed) up to --events. */
const MULTIPLY_ONLY = args.has("multiply-only");
const PORT = Number(args.get("port") ?? 3391);
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = process.cwd();
const DIR = path.resolve(".cache/bench-prune");
const DAY = 24 * 60 * 60 * 1000;
const SECRET = "whsec_" + Buffer.from("hookline-bench-prune-secret-0123").toString("base64");
const ADMIN_URL = process.env.HOOKLINE_BENCH_POSTGRES_URL ?? process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PG_TEMPLATE = "hookline_bench_prune_template";
const PG_DB = "hookline_bench_prune";
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  HOOKLINE_DATA_DIR: DIR,
  SESSION_SECRET: "bench-prune-session-secret-0123",
  HOOKLINE_ENCRYPTION_KEY: "bench-prune-encryption-key-0123",
  CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
  // The bench runs the prune itself; the server's worker must not start one too.
  HOOKLINE_RETENTION_DAYS: "3650",
  LOG_LEVEL: "warn",
};
Object.assign(process.env, { SESSION_SECRET: ENV.SESSION_SECRET, HOOKLINE_ENCRYPTION_KEY: ENV.HOOKLINE_ENCRYPTION_KEY, HOOKLINE_DATA_DIR: DIR });

function log(message: string) {
  process.stderr.write(`[bench:prune] ${message}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pgUrl(database: string) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Seeds the template database: EVENTS events received 40 to 70 days ago. */
async function seedTemplate(url: string) {
  await migrateDatabase(url);
  const handle = createDatabase(url);
  await ensureDefaultSource(handle.db);
  const source = await handle.db.source.findUniqueOrThrow({ where: { slug: "clerk" } });
  const started = Date.now();
  let lastLog = 0;
  if (!MULTIPLY_ONLY) {
    const result = await seedDatabase(handle, {
      events: BASE_EVENTS,
      days: 30,
      now: Date.now() - 40 * DAY,
      sourceId: source.id,
      sourceSlug: source.slug,
      secret: SECRET,
      onProgress: (p) => {
        if (Date.now() - lastLog < 10_000) return;
        lastLog = Date.now();
        log(`seeding: ${p.events.toLocaleString("en")} of ${p.total.toLocaleString("en")} events (${Math.round(p.events / ((Date.now() - started) / 1000))}/s)`);
      },
    });
    log(`seeded ${result.events.toLocaleString("en")} events, ${result.deliveries.toLocaleString("en")} deliveries in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  // Every base event searchable before it is copied (an interrupted seed leaves a batch).
  while ((await indexPendingEvents(handle, 1000)) > 0);
  await handle.db.$disconnect();
  const copying = Date.now();
  const total = POSTGRES ? await multiplyPostgres(url) : multiplySqlite(url.slice("file:".length));
  log(`copied up to ${total.toLocaleString("en")} events in ${((Date.now() - copying) / 1000).toFixed(0)} s`);
}

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/**
 * Copy k of an id: characters 11–12 (the first random ones) become a lowercase letter
 * and k, which no generated id contains. The time part is kept: the same id range.
 */
const remap = (column: string, k: number) => `substr(${column}, 1, 10) || '${"abcdefgh"[(k >> 5) & 7]}${ALPHABET[k & 31]}' || substr(${column}, 13)`;

function copyColumns(columns: string[], k: number, mapped: Record<string, string>) {
  return columns.map((c) => (c in mapped ? mapped[c]!.replaceAll("$k", String(k)) : `"${c}"`)).join(", ");
}

const EVENT_MAP = (k: number) => ({ id: remap('"id"', k), svixId: `"svixId" || '_c$k'`, firstDeliveryId: remap('"firstDeliveryId"', k) });
const DELIVERY_MAP = (k: number) => ({
  id: remap('"id"', k),
  eventId: `CASE WHEN "eventId" IS NULL THEN NULL ELSE ${remap('"eventId"', k)} END`,
  svixId: `CASE WHEN "svixId" IS NULL THEN NULL ELSE "svixId" || '_c$k' END`,
});

function multiplySqlite(file: string): number {
  const db = new Database(file);
  // hookline_body() too: the search index is filled from bodies as received (ADR 0017).
  applyPragmas(db, { journal_mode: "WAL", synchronous: "OFF" });
  const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((r) => r.name);
  const eventColumns = columns("Event");
  const deliveryColumns = columns("Delivery");
  const base = Number((db.prepare(`SELECT COUNT(*) AS n FROM "Event"`).get() as { n: number }).n);
  const baseLastDelivery = (db.prepare(`SELECT MAX(rowid) AS n FROM "Delivery"`).get() as { n: number }).n;
  const baseLastEvent = (db.prepare(`SELECT MAX(rowid) AS n FROM "Event"`).get() as { n: number }).n;
  let total = base;
  for (let k = 1; total < EVENTS; k++) {
    const started = Date.now();
    db.transaction(() => {
      db.exec(`INSERT INTO "Event" (${eventColumns.map((c) => `"${c}"`).join(", ")})
        SELECT ${copyColumns(eventColumns, k, EVENT_MAP(k))} FROM "Event" WHERE rowid <= ${baseLastEvent}`);
      db.exec(`INSERT INTO "Delivery" (${deliveryColumns.map((c) => `"${c}"`).join(", ")})
        SELECT ${copyColumns(deliveryColumns, k, DELIVERY_MAP(k))} FROM "Delivery" WHERE rowid <= ${baseLastDelivery}`);
      const lastKey = (db.prepare(`SELECT COALESCE(MAX(rowid), 0) AS n FROM "EventSearchKey"`).get() as { n: number }).n;
      db.exec(`INSERT INTO "EventSearchKey" ("eventId") SELECT ${remap('"id"', k)} FROM "Event" WHERE rowid <= ${baseLastEvent}`);
      // The contentless index keeps no text to copy: index the copy's raw body instead.
      db.exec(`INSERT INTO "EventSearch" (rowid, "body")
        SELECT s.rowid, CAST(hookline_body(d."rawBody", d."bodyEncoding") AS TEXT) FROM "EventSearchKey" s
        JOIN "Event" e ON e."id" = s."eventId" JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
        WHERE s.rowid > ${lastKey}`);
    })();
    total += base;
    log(`copy ${k}: ${total.toLocaleString("en")} events (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  // Ingest indexes each event in the transaction that stores it, so in a real database
  // the search rowids follow the event ids; the copies above interleave them (copy k of
  // every event in one run). Rebuild the index in event-id order, as ingest leaves it.
  const started = Date.now();
  db.transaction(() => {
    db.exec(`INSERT INTO "EventSearch" ("EventSearch") VALUES ('delete-all')`);
    db.exec(`DELETE FROM "EventSearchKey"`);
    db.exec(`INSERT INTO "EventSearchKey" ("eventId") SELECT "id" FROM "Event" ORDER BY "id"`);
    db.exec(`INSERT INTO "EventSearch" (rowid, "body")
      SELECT s.rowid, CAST(hookline_body(d."rawBody", d."bodyEncoding") AS TEXT) FROM "EventSearchKey" s
      JOIN "Event" e ON e."id" = s."eventId" JOIN "Delivery" d ON d."id" = e."firstDeliveryId" ORDER BY s.rowid`);
  })();
  log(`search index rebuilt in event-id order (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  return total;
}

async function multiplyPostgres(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = async (table: string) =>
      (await client.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`, [table])).rows.map((r) => r.c);
    const eventColumns = await columns("Event");
    const deliveryColumns = await columns("Delivery");
    await client.query(`CREATE TEMP TABLE base_event AS SELECT "id" FROM "Event"`);
    await client.query(`CREATE TEMP TABLE base_delivery AS SELECT "id" FROM "Delivery"`);
    const base = Number((await client.query(`SELECT COUNT(*) AS n FROM base_event`)).rows[0].n);
    let total = base;
    for (let k = 1; total < EVENTS; k++) {
      const started = Date.now();
      await client.query("BEGIN");
      await client.query(`INSERT INTO "Event" (${eventColumns.map((c) => `"${c}"`).join(", ")})
        SELECT ${copyColumns(eventColumns, k, EVENT_MAP(k))} FROM "Event" WHERE "id" IN (SELECT "id" FROM base_event)`);
      await client.query(`INSERT INTO "Delivery" (${deliveryColumns.map((c) => `"${c}"`).join(", ")})
        SELECT ${copyColumns(deliveryColumns, k, DELIVERY_MAP(k))} FROM "Delivery" WHERE "id" IN (SELECT "id" FROM base_delivery)`);
      await client.query(`INSERT INTO "EventSearch" ("eventId", "document")
        SELECT ${remap('"eventId"', k)}, "document" FROM "EventSearch" WHERE "eventId" IN (SELECT "id" FROM base_event)`);
      await client.query("COMMIT");
      total += base;
      log(`copy ${k}: ${total.toLocaleString("en")} events (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    await client.query("VACUUM ANALYZE");
    return total;
  } finally {
    await client.end();
  }
}

/** The database this run works on: a copy of the template (seeded first unless --reuse finds one). */
async function prepareDatabase(): Promise<string> {
  fs.mkdirSync(DIR, { recursive: true });
  if (!POSTGRES) {
    const template = path.join(DIR, "template.db");
    if (!REUSE || !fs.existsSync(template)) {
      if (!MULTIPLY_ONLY) for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(template + suffix, { force: true });
      await seedTemplate(`file:${template}`);
      const db = new Database(template);
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.close();
    } else log(`reusing ${template}`);
    const file = path.join(DIR, "hookline.db");
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    fs.copyFileSync(template, file);
    // Written out before the server starts, so the "before" window does not also measure
    // the kernel writing 2 GB back (checked with sqlite-p99-probe: that made no visible
    // difference; the "before" tail was the WAL, ADR 0003 addendum 8).
    const fd = fs.openSync(file, "r+");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return `file:${file}`;
  }
  const exists = await admin(async (c) => (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [PG_TEMPLATE])).rowCount! > 0);
  if (!REUSE || !exists) {
    if (!MULTIPLY_ONLY) {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${PG_TEMPLATE}`);
      });
    }
    await seedTemplate(pgUrl(PG_TEMPLATE));
  } else log(`reusing the database ${PG_TEMPLATE}`);
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${PG_DB} TEMPLATE ${PG_TEMPLATE}`);
  });
  return pgUrl(PG_DB);
}

// ---------------------------------------------------------------- space

async function space(url: string, label: string): Promise<Record<string, unknown>> {
  if (!POSTGRES) {
    const file = url.slice("file:".length);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const pragma = (name: string) => Number(db.pragma(name, { simple: true }));
      const pageSize = pragma("page_size");
      const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
      return {
        at: label,
        autoVacuum: ["none", "full", "incremental"][pragma("auto_vacuum")],
        fileMiB: mib(size(file)),
        walMiB: mib(size(`${file}-wal`)),
        pages: pragma("page_count"),
        freePages: pragma("freelist_count"),
        freeMiB: mib(pragma("freelist_count") * pageSize),
      };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT relname AS "table", n_live_tup AS live, n_dead_tup AS dead,
              pg_total_relation_size(relid) AS bytes, autovacuum_count AS autovacuums, last_autovacuum
       FROM pg_stat_user_tables WHERE relname IN ('Event', 'Delivery', 'EventSearch', 'DispatchTask') ORDER BY relname`,
    );
    const database = await client.query(`SELECT pg_database_size(current_database()) AS bytes`);
    return {
      at: label,
      databaseMiB: mib(Number(database.rows[0].bytes)),
      tables: rows.map((r) => ({
        table: r.table,
        live: Number(r.live),
        dead: Number(r.dead),
        MiB: mib(Number(r.bytes)),
        autovacuums: Number(r.autovacuums),
        lastAutovacuum: r.last_autovacuum ? new Date(r.last_autovacuum).toISOString().slice(11, 19) : null,
      })),
    };
  } finally {
    await client.end();
  }
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

// ---------------------------------------------------------------- server and load

/**
 * The server as `npm start` runs it: the compiled build (made first, when stale) with
 * npm start's flags; `--tsx` runs server.ts through tsx, as runs before stop 23 did.
 */
function startServer(url: string): ChildProcess {
  const env = { ...ENV, DATABASE_URL: url, PORT: String(PORT), HOST: "127.0.0.1" };
  const child = COMPILED
    ? spawn(process.execPath, ["--max-semi-space-size=2", "build/hookline/server.js"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { MALLOC_ARENA_MAX: "2", ...env } })
    : spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env });
  let tail = "";
  child.stderr!.on("data", (chunk) => {
    tail = (tail + chunk).slice(-4000);
  });
  child.once("exit", (code, signal) => {
    if (code && code !== 0) log(`server exited with ${code ?? signal}:\n${tail}`);
  });
  return child;
}

async function waitUntilHealthy(child: ChildProcess) {
  for (let i = 0; i < 1200; i++) {
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

const bodies = buildSamples("all", { count: 4, seed: 13 }).map((e) => JSON.stringify(e));

// NOTE: idle sockets close on this side after 4 s, before the server's 5 s keep-alive
// timeout: a pooled socket the server had just closed failed its next request with
// ECONNRESET ("no answer" in a few runs), which says nothing about ingest.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 });

function post(body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${BASE}/webhooks/clerk`, { method: "POST", agent, headers: { ...headers, "content-type": "application/json" }, timeout: 60_000 }, (response) => {
      response.resume();
      response.once("end", () => resolve(response.statusCode ?? 0));
    });
    request.once("timeout", () => request.destroy(new Error("timeout")));
    request.once("error", reject);
    request.end(body);
  });
}

/** Signed deliveries at RATE per second; every answer's time, tagged with the phase it started in. */
function ingestAtRate() {
  let running = true;
  let sent = 0;
  let phase = "before";
  const samples: { phase: string; ms: number; status: number; at: number }[] = [];
  let reported = 0;
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  const loop = (async () => {
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      while (sent < due && running) {
        sent++;
        const body = bodies[sent % bodies.length]!.replace('"object":"event"', `"object":"event","x_bench_prune_seq":${sent}`);
        const { headers } = signDelivery(SECRET, body);
        const at = phase;
        const t0 = performance.now();
        // Over a keep-alive pool of 64 sockets (one fetch per request opened thousands
        // of connections once answers slowed down, and then none completed).
        const request = post(body, headers)
          .then((status) => void samples.push({ phase: at, ms: performance.now() - t0, status, at: Date.now() }))
          .catch((error: NodeJS.ErrnoException) => {
            samples.push({ phase: at, ms: performance.now() - t0, status: 0, at: Date.now() });
            console.error(`[bench:prune] no answer: ${error.code ?? error.message}`);
          })
          .finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await sleep(5);
    }
    await Promise.all(inFlight);
  })();
  return {
    /** Answers since the last call (for the running report). */
    window() {
      const recent = samples.slice(reported);
      reported = samples.length;
      return recent;
    },
    setPhase(next: string) {
      phase = next;
    },
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

function summary(samples: { ms: number; status: number }[]) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => (ms.length ? Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]! * 10) / 10 : null);
  const statuses: Record<string, number> = {};
  for (const s of samples) if (s.status < 200 || s.status >= 300) statuses[s.status || "no answer"] = (statuses[s.status || "no answer"] ?? 0) + 1;
  return { requests: ms.length, p50: at(0.5), p99: at(0.99), max: at(1), not2xx: samples.length - samples.filter((s) => s.status >= 200 && s.status < 300).length, statuses };
}

function runPrune(url: string): Promise<{ seconds: number; output: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const cli = COMPILED ? [path.join(ROOT, "build/hookline/cli.js")] : ["--import", "tsx", path.join(ROOT, "app/cli/main.ts")];
    const child = spawn(process.execPath, [...cli, "prune", "--days", "30"], {
      cwd: ROOT,
      env: { ...ENV, DATABASE_URL: url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => (code === 0 ? resolve({ seconds: (Date.now() - started) / 1000, output: output.trim() }) : reject(new Error(`prune exited with ${code}`))));
  });
}

async function main() {
  const url = await prepareDatabase();
  if (SEED_ONLY) return;
  if (COMPILED) {
    const build = spawnSync(process.execPath, ["scripts/build.mjs", "--if-stale", "--quiet"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    if (build.status !== 0) throw new Error("build failed");
  }
  const expired = await (async () => {
    const handle = createDatabase(url);
    const count = await handle.db.event.count();
    await handle.db.$disconnect();
    return count;
  })();
  log(`${POSTGRES ? "postgres" : "sqlite"}: ${expired.toLocaleString("en")} events, all received 40 to 70 days ago`);
  const spaces = [await space(url, "seeded")];

  const server = startServer(url);
  await waitUntilHealthy(server);
  const load = ingestAtRate();
  log(`server up; ${RATE} signed deliveries/s; ${BEFORE_S} s before the prune (load average ${os.loadavg()[0]!.toFixed(2)})`);
  await sleep(BEFORE_S * 1000);
  load.setPhase("during");
  const loadDuring = os.loadavg()[0]!;
  log("hookline prune --days 30 …");
  // Every 15 s: ingest over the last 15 s (a 1M prune takes many minutes).
  const reporter = setInterval(() => {
    const s = summary(load.window());
    log(`ingest, last 15 s: ${s.requests} requests, p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms, ${s.not2xx} not 2xx ${JSON.stringify(s.statuses)} (load average ${os.loadavg()[0]!.toFixed(2)})`);
  }, 15_000);
  const prune = await runPrune(url).finally(() => clearInterval(reporter));
  const pruneEnded = Date.now();
  log(`${prune.output} (${prune.seconds.toFixed(1)} s)`);
  spaces.push(await space(url, "after prune"));
  load.setPhase("after");
  await sleep(AFTER_S * 1000);
  const samples = await load.stop();
  spaces.push(await space(url, `after ${AFTER_S} s more ingest`));
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));

  const pruned = Number(/: (\d+) events/.exec(prune.output)?.[1] ?? NaN);
  const result = {
    database: POSTGRES ? "postgres" : "sqlite",
    eventsPruned: pruned,
    pruneSeconds: Number(prune.seconds.toFixed(1)),
    eventsPerSecond: Math.round(pruned / prune.seconds),
    ingest: Object.fromEntries(["before", "during", "after"].map((phase) => [phase, summary(samples.filter((s) => s.phase === phase))])),
    space: spaces,
    loadAverage: { duringStart: Number(loadDuring.toFixed(2)), end: Number(os.loadavg()[0]!.toFixed(2)) },
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
  };
  for (const phase of ["before", "during", "after"] as const) {
    const s = result.ingest[phase]!;
    log(`ingest ${phase.padEnd(6)} the prune: ${s.requests} requests, p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms, ${s.not2xx} not 2xx ${JSON.stringify(s.statuses)}`);
    // When the slowest answers came: seconds after the prune ended (negative: before).
    const slowest = samples.filter((x) => x.phase === phase).sort((a, b) => b.ms - a.ms).slice(0, 8);
    log(`  slowest: ${slowest.map((x) => `${Math.round(x.ms)} ms at ${((x.at - pruneEnded) / 1000).toFixed(1)} s`).join(", ")}`);
  }
  log(`prune: ${pruned.toLocaleString("en")} events in ${result.pruneSeconds} s → ${result.eventsPerSecond}/s`);
  for (const s of spaces) log(`space ${JSON.stringify(s)}`);
  console.log(JSON.stringify(result));
  if (!(Number(result.ingest.during!.p99) < 50) || result.ingest.during!.not2xx > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
