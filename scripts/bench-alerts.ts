// Issue detection: what one evaluation round costs the worker on a large database, and
// the time from a condition becoming true to the notification arriving, per kind, with
// the real worker loop at HOOKLINE_ALERT_EVAL_MS.
//   npx tsx scripts/bench-alerts.ts --database .cache/bench-export/export-200000.db [--rounds 20] [--eval-ms 15000]
// The database file is copied first (the copy is migrated and written to).
import fs from "node:fs";
import path from "node:path";

import { AlertWorker } from "~/alerts/alerts-worker.server";
import { ChannelCreateSchema, createChannel } from "~/alerts/notification-channels.server";
import { createTarget } from "~/dispatch/create-target.server";
import { TargetCreateSchema } from "~/dispatch/target-input";
import { migrateDatabase } from "~/db/migrate.server";
import { createDatabase } from "~/db/prisma.server";
import { ingestDelivery } from "~/ingest/ingest.server";
import { createSource, ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { startWorker } from "~/worker/worker.server";
import { startDispatch } from "../tests/support/dispatch";
import { subscriptionSequence } from "../tests/support/lifecycle-sequences";
import { startReceiver } from "../tests/support/receiver";
import { envelope, newSecret, signedHeaders } from "../tests/support/svix";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const source = path.resolve(arg("database") ?? ".cache/bench-export/export-200000.db");
const rounds = Number(arg("rounds") ?? 20);
const evalMs = Number(arg("eval-ms") ?? 15_000);
const dir = path.resolve(".cache/bench-alerts");
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, "alerts.db");
for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
fs.copyFileSync(source, file);
const url = `file:${file}`;
await migrateDatabase(url);
const handle = createDatabase(url);
await ensureDefaultSource(handle.db);
const events = await handle.db.event.count();
console.log(`database: ${events.toLocaleString("en")} events (${path.basename(source)})`);

const SECRET = newSecret();
const deps = { db: handle.db, sources: new SourceResolver(handle.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
async function ingest(secret: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  return ingestDelivery(deps, { sourceSlug: "clerk", body: bytes, size: bytes.length, tooLarge: false, headers: Object.entries(signedHeaders(secret, bytes)), remoteAddr: "127.0.0.1", requestId: null });
}

const receiver = await startReceiver(newSecret());
const { secret } = await createChannel(handle.db, ChannelCreateSchema.parse({ name: "bench", type: "webhook", url: receiver.url }), { actor: "bench", allowlist: null });
receiver.useSecret(secret!);
const sender = { retrySchedule: [1000], allowlist: null, smtp: { url: null, from: null } };

// 1. CPU and wall time of one evaluation round (every kind), after a warm-up round.
const alerts = new AlertWorker(handle, { evalMs, resolveAfterMs: 600_000, sender });
const warmStart = performance.now();
const warmCpu = process.cpuUsage();
await alerts.evaluate();
const warm = { wallMs: performance.now() - warmStart, cpuMs: (process.cpuUsage(warmCpu).user + process.cpuUsage(warmCpu).system) / 1000 };
const samples: { wallMs: number; cpuMs: number }[] = [];
for (let i = 0; i < rounds; i++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await alerts.evaluate();
  const used = process.cpuUsage(cpu);
  samples.push({ wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 });
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const perRound = { wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.cpuMs)) };
console.log(`first round (reads the last 24 h of event ids for unknown types): ${warm.wallMs.toFixed(0)} ms wall, ${warm.cpuMs.toFixed(0)} ms CPU`);
console.log(`per round, median of ${rounds}: ${perRound.wallMs.toFixed(1)} ms wall, ${perRound.cpuMs.toFixed(1)} ms CPU → ${((perRound.cpuMs / evalMs) * 100).toFixed(3)} % of one core at ${evalMs} ms`);

// Per kind (each detector alone, median of the same number of rounds).
const { ISSUE_KINDS } = await import("~/alerts/issue-kinds");
const perKind: Record<string, number> = {};
for (const kind of ISSUE_KINDS) {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const cpu = process.cpuUsage();
    await alerts.evaluate(undefined, { kinds: [kind] });
    const used = process.cpuUsage(cpu);
    times.push((used.user + used.system) / 1000);
  }
  perKind[kind] = median(times);
}
console.log(`CPU per kind per round (ms): ${JSON.stringify(Object.fromEntries(Object.entries(perKind).map(([k, v]) => [k, +v.toFixed(1)])))}`);

// 2. Condition → notification, with the real worker loop at evalMs.
const thresholds = { silenceMs: 3_000, backlogAgeMs: 3_000 };
const live = new AlertWorker(handle, { evalMs, resolveAfterMs: 600_000, sender, thresholds });
const loop = startWorker(handle, live.workerTasks());
await new Promise((resolve) => setTimeout(resolve, 500));
const waitForKind = async (kind: string, from: number, subjectId?: string) => {
  for (;;) {
    const hit = receiver.requests.find((r) => {
      if (r.at < from) return false;
      type Note = { kind: string; subject: { id: string } };
      const body = JSON.parse(r.body.toString()) as { type: string; issue?: Note; issues?: Note[] };
      const match = (i?: Note) => i?.kind === kind && (!subjectId || i.subject.id === subjectId);
      return ["issue.opened", "issue.reopened", "issue.digest"].includes(body.type) && (match(body.issue) || Boolean(body.issues?.some(match)));
    });
    if (hit) return hit.at - from;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const latencies: Record<string, number> = {};
const measure = async (kind: string, trigger: () => Promise<number>, subjectId?: string) => {
  const at = await trigger();
  latencies[kind] = await waitForKind(kind, at, subjectId);
  console.log(`${kind}: ${latencies[kind]} ms from condition to notification`);
};

await measure("verification_failures", async () => {
  const wrong = newSecret();
  for (let i = 0; i < 3; i++) await ingest(wrong, envelope("user.created", { id: `user_bench${i}`, object: "user" }));
  return Date.now();
});
await measure("unknown_event_type", async () => {
  await ingest(SECRET, envelope("benchmark.invented", { id: "x_1", object: "x" }));
  return Date.now();
});
await measure("billing_anomaly", async () => {
  for (const e of subscriptionSequence("bench").envelopes.slice(0, 6)) await ingest(SECRET, e);
  return Date.now();
});
const failing = await startReceiver(newSecret(), () => ({ status: 500 }));
const { target } = await createTarget(handle.db, TargetCreateSchema.parse({ name: "failing", url: failing.url, secret: failing.secret, autoForward: true }), { actor: "bench", allowlist: null });
const dispatch = startDispatch(handle, { retrySchedule: [] });
await measure("target_failing", async () => {
  for (let i = 0; i < 3; i++) await ingest(SECRET, envelope("user.updated", { id: `user_f${i}`, object: "user" }));
  while ((await handle.db.dispatchAttempt.count({ where: { targetId: target.id } })) < 3) await new Promise((r) => setTimeout(r, 10));
  return Date.now();
});
await dispatch.stop();
await measure("dispatch_backlog", async () => {
  // Auto-forward queues this one, and no dispatch worker sends it.
  const { forwardNewEvents } = await import("~/dispatch/auto-forward.server");
  await ingest(SECRET, envelope("user.updated", { id: "user_backlog", object: "user" }));
  await forwardNewEvents(handle);
  const task = await handle.db.dispatchTask.findFirstOrThrow({ where: { targetId: target.id, status: "pending" }, orderBy: { nextAttemptAt: "asc" } });
  const due = task.nextAttemptAt.getTime() + thresholds.backlogAgeMs;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  return due;
});
await measure("source_silent", async () => {
  // A source of its own, with one event (the `clerk` source went quiet long ago under a 3 s window).
  const quiet = newSecret();
  await createSource(handle.db, { slug: "quiet", name: "Quiet", secrets: [quiet] });
  const bytes = Buffer.from(JSON.stringify(envelope("user.created", { id: "user_quiet", object: "user" })));
  const quietDeps = { ...deps, sources: new SourceResolver(handle.db, () => [SECRET], 0) };
  await ingestDelivery(quietDeps, { sourceSlug: "quiet", body: bytes, size: bytes.length, tooLarge: false, headers: Object.entries(signedHeaders(quiet, bytes)), remoteAddr: "127.0.0.1", requestId: null });
  const last = await handle.db.delivery.findFirstOrThrow({ where: { sourceSlug: "quiet", outcome: "verified" }, orderBy: { id: "desc" } });
  const due = last.receivedAt.getTime() + thresholds.silenceMs;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  return due;
}, "quiet");

await loop.stop();
await live.sender.idle();
fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify({ events, evalMs, warm, perRound, perKind, latencies }, null, 2));
await receiver.close();
await failing.close();
await handle.db.$disconnect();
process.exit(0);
