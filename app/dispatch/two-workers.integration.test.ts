// Postgres: two worker instances, each with its own connection pool, share one job
// and one auto-forward stream. Every event is delivered, none is sent by both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { startDispatch, waitForJob, waitUntil } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newSecret } from "../../tests/support/svix";
import { replayEvents } from "./batch-replay.server";
import { createTarget } from "./create-target.server";
import { TargetCreateSchema } from "./target-input";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SOURCE_SECRET = newSecret();

describe("two workers on one Postgres", () => {
  let database: TestDatabase;
  let instances: DatabaseHandle[];
  let receiver: Receiver;
  const secret = newSecret();

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await ensureDefaultSource(database.db);
    instances = [createDatabase(database.url), createDatabase(database.url)];
    receiver = await startReceiver(secret, () => ({ status: 200, delayMs: 5 + Math.floor(Math.random() * 10) }));
  });
  afterAll(async () => {
    await receiver.close();
    for (const handle of instances) await handle.db.$disconnect();
    await database.drop();
  });

  it("share one job of 120 events: every event delivered once, none in flight twice, order per resource kept", async () => {
    const deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    for (let i = 0; i < 120; i++) {
      await ingestSigned(deps, SOURCE_SECRET, envelope("user.updated", { id: `user_w${i % 30}`, object: "user", n: i }, Date.UTC(2026, 0, 1) + i));
    }
    const target = (
      await createTarget(database.db, TargetCreateSchema.parse({ name: "shared", url: receiver.url, secret, concurrency: 24 }), { actor: "test", allowlist: null })
    ).target;
    const job = await replayEvents(database, { targetId: target.id, filter: { type: ["user.*"] }, actor: "test" });
    // Small claims, so neither instance can take the whole concurrency budget at once.
    const workers = instances.map((handle) => startDispatch(handle, { claimBatch: 6 }));
    try {
      expect(await waitForJob(database, job.id, { timeoutMs: 30_000 })).toMatchObject({ status: "done", sent: 120, failed: 0 });
    } finally {
      for (const worker of workers) await worker.stop();
    }
    const ids = receiver.requests.map((r) => r.svixId);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    expect(receiver.concurrentDuplicates).toEqual([]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    // Both instances did part of the work.
    for (const worker of workers) expect(worker.worker.sends).toBeGreaterThan(0);
    const perUser = new Map<string, number[]>();
    for (const request of receiver.requests) {
      const { data } = JSON.parse(request.body.toString()) as { data: { id: string; n: number } };
      perUser.set(data.id, [...(perUser.get(data.id) ?? []), data.n]);
    }
    for (const ns of perUser.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
  });

  it("forward each new event once, whichever instance scans it", async () => {
    receiver.requests.length = 0;
    await createTarget(database.db, TargetCreateSchema.parse({ name: "fwd", url: receiver.url, secret, autoForward: true, eventTypes: ["session.*"], concurrency: 8 }), {
      actor: "test",
      allowlist: null,
    });
    const workers = instances.map((handle) => startDispatch(handle));
    try {
      const deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
      for (let i = 0; i < 60; i++) {
        await ingestSigned(deps, SOURCE_SECRET, envelope("session.created", { id: `sess_w${i}`, object: "session", user_id: "user_w1" }));
      }
      await waitUntil(() => receiver.requests.length >= 60, 20_000, "60 forwarded sessions");
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      for (const worker of workers) await worker.stop();
    }
    const ids = receiver.requests.map((r) => r.svixId);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });
});
