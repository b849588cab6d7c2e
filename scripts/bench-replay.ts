// npm run bench:replay — replays 10,000 stored events to a local receiver with the
// rate limit off, through the real worker process (`hookline worker`), and reports
// events per second and the worker's peak resident memory. See docs/benchmarks.md.
//
//   npm run bench:replay [-- --events 10000 --concurrency 64 --postgres --profile --compare DIR --rounds N --scratch NAME]
//
// --scratch NAME: the Postgres database and the .cache/NAME directory to work in
// (default hookline_bench_replay / bench-replay), so that two people can run it at once.
//
// --compare DIR runs the worker from another checkout too (e.g. the commit before a
// change: `git archive <commit> | tar -x -C DIR`, then link node_modules and
// app/generated into it), alternating with this tree for --rounds rounds (default 3),
// each on a fresh database, and prints both side by side.
//
// --profile writes the worker's CPU profile (node --cpu-prof) to .cache/bench-replay-profile
// and, on Postgres, samples pg_stat_activity every 10 ms to show where the worker's
// connections spend their time (running a statement, idle in a transaction, idle).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

import pg from "pg";

import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";
import { migrateDatabase } from "~/db/migrate.server";
import { createDatabase } from "~/db/prisma.server";
import { replayEvents } from "~/dispatch/batch-replay.server";
import { createTarget } from "~/dispatch/create-target.server";
import { generateTargetSecret } from "~/dispatch/signing.server";
import { TargetCreateSchema } from "~/dispatch/target-input";
import { extractResourceRefs, isKnownEventType } from "~/catalog/event-catalog";
import { newId } from "~/db/ids";
import { parseEnvelope } from "~/ingest/envelope";
import { ensureDefaultSource } from "~/sources/sources.server";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!);
});
const EVENTS = Number(args.get("events") ?? 10_000);
const CONCURRENCY = Number(args.get("concurrency") ?? 64);
const POSTGRES = args.has("postgres");
const PROFILE = args.has("profile");
const COMPARE = args.get("compare") ? path.resolve(args.get("compare")!) : null;
const ROUNDS = Number(args.get("rounds") ?? (COMPARE ? 3 : 1));
const PROFILE_DIR = path.resolve(".cache/bench-replay-profile");
const ROOT = process.cwd();
const SCRATCH = args.get("scratch");
const DIR = path.resolve(".cache", SCRATCH ?? "bench-replay");
const PG_DATABASE = SCRATCH ?? "hookline_bench_replay";
if (!/^[a-z_][a-z0-9_]*$/.test(PG_DATABASE)) throw new Error("--scratch: lower-case letters, digits and _ only");
const SOURCE_SECRET = "whsec_" + Buffer.from("hookline-bench-secret-0123456789").toString("base64");
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  SESSION_SECRET: "bench-session-secret-0123456789",
  HOOKLINE_ENCRYPTION_KEY: "bench-encryption-key-0123456789",
  HOOKLINE_DATA_DIR: DIR,
};
Object.assign(process.env, { SESSION_SECRET: ENV.SESSION_SECRET, HOOKLINE_ENCRYPTION_KEY: ENV.HOOKLINE_ENCRYPTION_KEY, HOOKLINE_DATA_DIR: DIR });

function log(message: string) {
  process.stderr.write(`[bench:replay] ${message}\n`);
}

async function databaseUrl(): Promise<string> {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  if (!POSTGRES) return `file:${path.join(DIR, "hookline.db")}`;
  const admin = process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${PG_DATABASE} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${PG_DATABASE}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${PG_DATABASE}`;
  return url.toString();
}

/** A line of JSON from a child's stdout. */
function firstLine(child: ChildProcess): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
  });
}

/** Peak resident set size of a live process (Linux /proc), in MiB. */
function peakRssMiB(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : null;
  } catch {
    return null;
  }
}

type Result = { eventsPerSecond: number; workerPeakRssMiB: number; seconds: number; sent: number; failed: number };

async function main() {
  const runs: { tree: string; result: Result }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const tree of COMPARE ? [COMPARE, ROOT] : [ROOT]) {
      if (COMPARE || ROUNDS > 1) log(`round ${round}: worker from ${tree}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
      runs.push({ tree, result: await runOnce(tree) });
    }
  }
  if (runs.length > 1) {
    for (const tree of new Set(runs.map((r) => r.tree))) {
      const rates = runs.filter((r) => r.tree === tree).map((r) => r.result.eventsPerSecond);
      const sorted = [...rates].sort((a, b) => a - b);
      log(`${tree}: ${rates.join(", ")} events/s (median ${sorted[Math.floor(sorted.length / 2)]})`);
    }
  }
  const mine = runs.filter((r) => r.tree === ROOT).map((r) => r.result);
  if (mine.some((r) => r.eventsPerSecond < 1000 || r.workerPeakRssMiB >= 250)) process.exitCode = 1;
}

async function runOnce(workerRoot: string): Promise<Result> {
  const url = await databaseUrl();
  await migrateDatabase(url);
  const handle = createDatabase(url);
  await ensureDefaultSource(handle.db);

  // 1. Realistic stored events (linked stories of every type), written the way ingest
  //    stores them but in bulk: seeding is not what is measured.
  const seeding = Date.now();
  const source = await handle.db.source.findUniqueOrThrow({ where: { slug: "clerk" } });
  const envelopes = buildSamples("all", { count: Math.ceil(EVENTS / 55) + 1, seed: 7 });
  let bytes = 0;
  for (let start = 0; start < EVENTS; start += 500) {
    const events = [];
    const deliveries = [];
    for (let i = start; i < Math.min(EVENTS, start + 500); i++) {
      const body = Buffer.from(JSON.stringify(envelopes[i % envelopes.length]));
      bytes += body.length;
      const signed = signDelivery(SOURCE_SECRET, body.toString());
      const parsed = parseEnvelope(body, signed.timestamp * 1000);
      if (!parsed.ok) throw new Error(`seeding: ${parsed.detail}`);
      const receivedAt = new Date(Date.now() - (EVENTS - i));
      const eventId = newId(receivedAt.getTime());
      const deliveryId = newId(receivedAt.getTime());
      events.push({
        id: eventId,
        sourceId: source.id,
        svixId: signed.msgId,
        type: parsed.envelope.type,
        knownType: isKnownEventType(parsed.envelope.type),
        timestampMs: BigInt(parsed.timestampMs),
        svixTimestamp: BigInt(signed.timestamp),
        instanceId: parsed.envelope.instance_id ?? null,
        ...extractResourceRefs(parsed.envelope.type, parsed.envelope.data),
        firstReceivedAt: receivedAt,
        firstDeliveryId: deliveryId,
        forwardScanned: true,
        searchIndexed: true,
      });
      deliveries.push({
        id: deliveryId,
        sourceId: source.id,
        sourceSlug: "clerk",
        receivedAt,
        remoteAddr: "127.0.0.1",
        headers: JSON.stringify(Object.entries(signed.headers)),
        rawBody: body as Uint8Array<ArrayBuffer>,
        size: body.length,
        svixId: signed.msgId,
        svixTimestamp: String(signed.timestamp),
        outcome: "verified",
        status: 200,
        eventId,
      });
    }
    await handle.db.$transaction([handle.db.event.createMany({ data: events }), handle.db.delivery.createMany({ data: deliveries })]);
  }
  log(`stored ${EVENTS} events (${(bytes / EVENTS).toFixed(0)} B average body) in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

  // 2. The consumer, in its own process.
  const targetSecret = generateTargetSecret();
  const receiver = spawn(process.execPath, [path.join(ROOT, "scripts/bench/replay-receiver.mjs")], { env: { ...process.env, TARGET_SECRET: targetSecret }, stdio: ["ignore", "pipe", "inherit"] });
  const { port } = await firstLine(receiver);
  const target = await createTarget(
    handle.db,
    TargetCreateSchema.parse({ name: "bench", url: `http://127.0.0.1:${port}/hooks`, secret: targetSecret, concurrency: CONCURRENCY, maxPerSecond: null }),
    { actor: "bench", allowlist: null },
  );

  // 3. The job, then the real worker process to run it.
  const job = await replayEvents({ db: handle.db, provider: POSTGRES ? "postgres" : "sqlite", url, sqlite: () => null }, { targetId: target.target.id, filter: {}, actor: "bench" });
  log(`job ${job.id}: ${job.total} events to replay, concurrency ${CONCURRENCY}, no rate limit`);
  const profileFlags = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  if (PROFILE) fs.rmSync(PROFILE_DIR, { recursive: true, force: true });
  const worker = spawn(process.execPath, [...profileFlags, "--import", "tsx", path.join(workerRoot, "app/cli/main.ts"), "worker"], {
    cwd: workerRoot,
    env: { ...ENV, DATABASE_URL: url },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssMiB(worker.pid!) ?? 0);
  }, 100);

  const activity = POSTGRES && PROFILE ? sampleActivity(url) : null;
  let final;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    final = await handle.db.dispatchJob.findUniqueOrThrow({ where: { id: job.id } });
    if (final.status === "done" || final.status === "failed") break;
    if (Date.now() > deadline) throw new Error(`job still ${final.status} after 10 minutes (${final.sent} sent)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  peak = Math.max(peak, peakRssMiB(worker.pid!) ?? 0);
  clearInterval(sampler);
  worker.kill("SIGTERM");
  await new Promise((resolve) => worker.once("exit", resolve));
  const receiverCounts = firstLine(receiver).catch(() => ({ received: NaN, verified: NaN, distinct: NaN }));
  receiver.kill("SIGTERM");
  if (activity) log(`pg_stat_activity of the worker's connections, share of samples:\n${await activity.stop()}`);
  const counts = await receiverCounts;

  const seconds = (final.finishedAt!.getTime() - final.startedAt!.getTime()) / 1000;
  const attempts = await handle.db.dispatchAttempt.count({ where: { jobId: job.id } });
  await handle.db.$disconnect();
  const result = {
    database: POSTGRES ? "postgres" : "sqlite",
    events: final.total,
    sent: final.sent,
    failed: final.failed,
    attempts,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(final.sent / seconds),
    workerPeakRssMiB: Math.round(peak),
    receiver: counts,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
  };
  log(`${result.sent} sent, ${result.failed} failed in ${result.seconds} s → ${result.eventsPerSecond} events/s; worker peak RSS ${result.workerPeakRssMiB} MiB`);
  log(`receiver: ${counts.received} received, ${counts.verified} verified with svix, ${counts.distinct} distinct svix-ids`);
  console.log(JSON.stringify({ ...result, worker: workerRoot, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) }));
  return result;
}

/**
 * Samples pg_stat_activity every 10 ms: for the bench database's other connections
 * (the worker's), the state and wait event, and for active ones the statement's start.
 */
function sampleActivity(url: string) {
  const client = new pg.Client({ connectionString: url });
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ state: string; wait: string | null; query: string }>(
        `SELECT state, wait_event_type || ':' || wait_event AS wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS query
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      samples++;
      for (const row of rows) {
        const key = row.state === "active" ? `active ${row.wait ?? "cpu"} ${row.query}` : row.state === "idle" ? "idle" : `${row.state} (last: ${row.query})`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([key, n]) => `  ${((100 * n) / samples).toFixed(1).padStart(5)}%  ${key}`)
        .join("\n");
    },
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
