// Claims in batches larger than the target's concurrency (ADR 0007, issue 14 addendum):
// two workers with their own connection pools share a job without sending a task
// twice or exceeding the target's concurrency, and a batch claimed by a worker that
// died is left alone until its lease expires, then sent once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { startDispatch, waitForJob } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newSecret } from "../../tests/support/svix";
import { replayEvents } from "./batch-replay.server";
import { createTarget } from "./create-target.server";
import { claimTasks } from "./dispatch-task.server";
import { planNextChunk } from "./plan-job.server";
import { TargetCreateSchema } from "./target-input";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SOURCE_SECRET = newSecret();

describe.each(PROVIDERS)("batched claims (%s)", (provider) => {
  let database: TestDatabase;
  let instances: DatabaseHandle[];
  let receiver: Receiver;
  const secret = newSecret();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    instances = [createDatabase(database.url), createDatabase(database.url)];
    receiver = await startReceiver(secret, () => ({ status: 200, delayMs: 2 + Math.floor(Math.random() * 6) }));
    const deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    for (let i = 0; i < 200; i++) {
      await ingestSigned(deps, SOURCE_SECRET, envelope("user.updated", { id: `user_b${i % 40}`, object: "user", n: i }, Date.UTC(2026, 0, 1) + i));
    }
  }, 180_000);
  afterAll(async () => {
    await receiver.close();
    for (const handle of instances) await handle.db.$disconnect();
    await database.drop();
  });

  const target = async (name: string, concurrency: number) =>
    (await createTarget(database.db, TargetCreateSchema.parse({ name, url: receiver.url, secret, concurrency, timeoutMs: 10_000 }), { actor: "test", allowlist: null }))
      .target;

  // First: the receiver's maxConcurrent covers only this test.
  it("two workers claiming big batches at once: each event sent once, never more in flight than the concurrency, order per resource kept", async () => {
    receiver.requests.length = 0;
    const consumer = await target("two-workers", 16);
    const job = await replayEvents(database, { targetId: consumer.id, filter: {}, actor: "test" });
    // Batches larger than the concurrency: the claim itself must cap them. The
    // production lease margin: with the helpers' 500 ms, a loaded machine lets leases
    // expire mid-send (SQLite's lock waits), and an expired lease is re-sent by design.
    const workers = instances.map((handle) => startDispatch(handle, { claimBatch: 100, leaseMarginMs: 10_000 }));
    let maxLeased = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxLeased = Math.max(maxLeased, await database.db.dispatchTask.count({ where: { targetId: consumer.id, status: "sending" } }));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      expect(await waitForJob(database, job.id, { timeoutMs: 60_000 })).toMatchObject({ status: "done", sent: 200, failed: 0 });
    } finally {
      sampling = false;
      await sampler;
      for (const worker of workers) await worker.stop();
    }
    const ids = receiver.requests.map((r) => r.svixId);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(receiver.concurrentDuplicates).toEqual([]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(receiver.maxConcurrent).toBeLessThanOrEqual(16);
    expect(maxLeased).toBeLessThanOrEqual(16);
    expect(await database.db.dispatchAttempt.count({ where: { jobId: job.id } })).toBe(200);
    const perUser = new Map<string, number[]>();
    for (const request of receiver.requests) {
      const { data } = JSON.parse(request.body.toString()) as { data: { id: string; n: number } };
      perUser.set(data.id, [...(perUser.get(data.id) ?? []), data.n]);
    }
    for (const ns of perUser.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
  }, 120_000);

  it("a batch claimed by a worker that died is not sent by a live worker before its lease expires, then once", async () => {
    receiver.requests.length = 0;
    const consumer = await target("dead-claim", 8);
    const job = await replayEvents(database, { targetId: consumer.id, filter: { type: ["user.updated"] }, actor: "test" });
    while (await planNextChunk(database));
    // The "dead" worker: claims a batch (as its pump would) and never sends or releases it.
    const dead = await claimTasks(database, { targetId: consumer.id, workerId: "dead-worker", max: 8, leaseMarginMs: 2000 });
    expect(dead.tasks).toHaveLength(8);
    const leased = await database.db.dispatchTask.findMany({ where: { id: { in: dead.tasks.map((t) => t.id) } } });
    const lockedUntil = Math.min(...leased.map((t) => t.lockedUntil!.getTime()));
    const deadEvents = await database.db.event.findMany({ where: { id: { in: dead.tasks.map((t) => t.eventId) } }, select: { svixId: true } });
    const deadSvixIds = new Set(deadEvents.map((e) => e.svixId));

    const live = startDispatch(instances[0]!, { claimBatch: 100 });
    try {
      expect(await waitForJob(database, job.id, { timeoutMs: 60_000 })).toMatchObject({ status: "done", sent: 200, failed: 0 });
    } finally {
      await live.stop();
    }
    const ids = receiver.requests.map((r) => r.svixId);
    expect(new Set(ids).size).toBe(200);
    expect(ids).toHaveLength(200);
    // The dead worker's tasks went out once each, and only after its lease ran out.
    const late = receiver.requests.filter((r) => deadSvixIds.has(r.svixId));
    expect(late).toHaveLength(8);
    for (const request of late) expect(request.at).toBeGreaterThanOrEqual(lockedUntil);
    // Their attempt counts the dead claim too: the live worker's send is attempt 2.
    const attempts = await database.db.dispatchAttempt.findMany({ where: { taskId: { in: dead.tasks.map((t) => t.id) } } });
    expect(attempts.map((a) => a.attempt).sort()).toEqual(Array(8).fill(2));
  }, 120_000);

  // On Postgres an unlimited target is claimed by one statement that cannot space sends
  // out (postgres-claim.server.ts); a job with its own limit must still go through the
  // job's rate cursor.
  it("a job with its own rate limit on an unlimited target: sent once each, no faster than the job's limit", async () => {
    receiver.requests.length = 0;
    const consumer = await target("job-limit", 16);
    const job = await replayEvents(database, { targetId: consumer.id, filter: { type: ["user.updated"] }, maxPerSecond: 200, actor: "test" });
    const worker = startDispatch(instances[0]!, { claimBatch: 100, leaseMarginMs: 10_000 });
    try {
      expect(await waitForJob(database, job.id, { timeoutMs: 60_000 })).toMatchObject({ status: "done", sent: 200, failed: 0 });
    } finally {
      await worker.stop();
    }
    const ids = receiver.requests.map((r) => r.svixId);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    // 200 sends at 200/s span at least 199 intervals of 5 ms (a loaded machine only slows them).
    const times = receiver.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(199 * 5 - 50);
    expect((await database.db.dispatchJob.findUniqueOrThrow({ where: { id: job.id } })).rateCursor).not.toBeNull();
  }, 120_000);
});
