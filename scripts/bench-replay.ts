// npm run bench:replay — replays 10,000 stored events to a local receiver with the
// rate limit off, through the real worker process (`hookline worker`), and reports
// events per second and the worker's peak resident memory. See docs/benchmarks.md.
//
//   npm run bench:replay [-- --events 10000 --concurrency 64 --postgres]
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
const ROOT = process.cwd();
const DIR = path.resolve(".cache/bench-replay");
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
  await client.query(`DROP DATABASE IF EXISTS hookline_bench_replay WITH (FORCE)`);
  await client.query(`CREATE DATABASE hookline_bench_replay`);
  await client.end();
  const url = new URL(admin);
  url.pathname = "/hookline_bench_replay";
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

async function main() {
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
  const worker = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "app/cli/main.ts"), "worker"], {
    cwd: ROOT,
    env: { ...ENV, DATABASE_URL: url },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssMiB(worker.pid!) ?? 0);
  }, 100);

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
  receiver.kill("SIGTERM");
  const counts = await firstLine(receiver).catch(() => ({ received: NaN, verified: NaN, distinct: NaN }));

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
  console.log(JSON.stringify(result));
  if (result.eventsPerSecond < 1000 || result.workerPeakRssMiB >= 250) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
