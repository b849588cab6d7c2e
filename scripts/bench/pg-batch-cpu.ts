// The Postgres batch write's CPU with and without the auto-forward check, and the
// worker's auto-forward scan of each event (what that check saves while no target
// auto-forwards), each on its own, without HTTP (docs/benchmarks.md, Postgres).
//
//   npx tsx scripts/bench/pg-batch-cpu.ts [deliveries, default 4000]
//
// CPU time of this process (process.cpuUsage) and of the Postgres backend(s) it uses
// (/proc/<pid>/stat), on a fresh database of the local Postgres.
import fs from "node:fs";
import pg from "pg";
import { buildSamples } from "~/catalog/samples";
import { newId } from "~/db/ids";
import { migrateDatabase } from "~/db/migrate.server";
import { createDatabase } from "~/db/prisma.server";
import { forwardNewEvents } from "~/dispatch/auto-forward.server";
import { FORWARD_GATE_SQL, writeBatch } from "~/ingest/postgres-batch-writer.server";
import type { Operation } from "~/ingest/delivery";

const ADMIN_URL = process.env.HOOKLINE_BENCH_POSTGRES_URL ?? process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASE = "hookline_bench_batch_cpu";
const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${DATABASE}` }).toString();
{
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${DATABASE}"`);
  await client.end();
  await migrateDatabase(url);
}
const N = Number(process.argv[2] ?? 4000), BATCH = 16;
const cpuOf = (pid: number) => { const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8"); const f = s.slice(s.lastIndexOf(")") + 2).split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
const envs = buildSamples("all", { count: Math.ceil(N / 60) + 1, seed: 3 }) as { type: string; data: Record<string, unknown>; timestamp: number }[];
const admin = new pg.Client({ connectionString: url }); await admin.connect();
const source = (
  await admin.query(`INSERT INTO "Source" ("id","slug","name","secretsEncrypted","createdAt") VALUES ('src_bench','clerk','Clerk','[]',now()) RETURNING id`)
).rows[0].id as string;
function ops(n: number): Operation[] {
  return Array.from({ length: n }, (_, i) => {
    const e = envs[i % envs.length]!; const body = Buffer.from(JSON.stringify(e)); const svixId = "msg_" + newId(Date.now()) + i;
    return { kind: "verified", input: { delivery: { id: newId(Date.now()), sourceSlug: "clerk", receivedAt: new Date(), remoteAddr: null, requestId: null, headers: "[]", rawBody: new Uint8Array(body), size: body.length, truncated: false, svixId, svixTimestamp: String(Math.floor(Date.now() / 1000)), sourceId: source }, sourceId: source, svixId, svixTimestamp: BigInt(Math.floor(Date.now() / 1000)), type: e.type, instanceId: null, timestampMs: e.timestamp, data: e.data, detail: null } } as unknown as Operation;
  });
}
async function ingest(gated: boolean) {
  const client = new pg.Client({ connectionString: url }); await client.connect();
  if (gated) await client.query(FORWARD_GATE_SQL);
  const pid = (await client.query("SELECT pg_backend_pid() AS p")).rows[0].p;
  const all = ops(N);
  const pg0 = cpuOf(pid), n0 = process.cpuUsage(), t0 = Date.now();
  for (let i = 0; i < N; i += BATCH) await writeBatch(client, all.slice(i, i + BATCH), { gated });
  const node = process.cpuUsage(n0), ms = Date.now() - t0, pgMs = cpuOf(pid) - pg0;
  await client.end();
  return { gated, perDeliveryNodeMs: +((node.user + node.system) / 1000 / N).toFixed(3), perDeliveryPgMs: +(pgMs / N).toFixed(3), wallMsPerDelivery: +(ms / N).toFixed(3) };
}
for (const gated of [true, false, true, false]) console.log(JSON.stringify(await ingest(gated)));
// The scan: what the worker does for every event left unscanned.
const unscanned = Number((await admin.query(`SELECT count(*) AS n FROM "Event" WHERE NOT "forwardScanned"`)).rows[0].n);
const handle = createDatabase(url); await handle.db.$connect();
await forwardNewEvents(handle, 1); // connect + warm up
const pids = (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname='${DATABASE}' AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid as number);
const before = new Map(pids.map((p) => [p, cpuOf(p)]));
const n0 = process.cpuUsage(), t0 = Date.now(); let scanned = 0;
for (let k; (k = await forwardNewEvents(handle)) > 0; ) scanned += k;
const node = process.cpuUsage(n0); let pgMs = 0; for (const p of pids) { try { pgMs += cpuOf(p) - before.get(p)!; } catch {} }
console.log(JSON.stringify({ scan: true, unscanned, scanned, perEventNodeMs: +((node.user + node.system) / 1000 / scanned).toFixed(3), perEventPgMs: +(pgMs / scanned).toFixed(3), wallMsPerEvent: +((Date.now() - t0) / scanned).toFixed(3) }));
await handle.db.$disconnect(); await admin.end();
