// Replays end to end on both databases: real ingest, the real worker, a real local
// receiver that verifies every request with the `svix` library and the target's secret.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { startDispatch, waitForJob, waitUntil, type RunningDispatch } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { ok, startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newSecret } from "../../tests/support/svix";
import { replayEvents } from "./batch-replay.server";
import { cancelJob, pauseJob, resumeJob } from "./control-job.server";
import { createTarget } from "./create-target.server";
import { recoverOutage } from "./recover-outage.server";
import { replayEvent } from "./replay-event.server";
import { retryFailedSince } from "./retry-failed.server";
import { TargetCreateSchema } from "./target-input";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SOURCE_SECRET = newSecret();
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

describe.each(PROVIDERS)("replaying to a target (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;
  let receiver: Receiver;
  let dispatch: RunningDispatch | null = null;
  const targetSecret = newSecret();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    receiver = await startReceiver(targetSecret);
  });
  afterEach(async () => {
    await dispatch?.stop();
    dispatch = null;
    receiver.respond(() => ok);
    receiver.requests.length = 0;
  });
  afterAll(async () => {
    await receiver.close();
    await database.drop();
  });

  async function target(overrides: Record<string, unknown> = {}) {
    const input = TargetCreateSchema.parse({ name: "consumer", url: receiver.url, secret: targetSecret, ...overrides });
    return (await createTarget(database.db, input, { actor: "test", allowlist: null })).target;
  }

  async function ingest(type: string, data: Record<string, unknown>, timestamp: number) {
    const body = envelope(type, data, timestamp);
    const result = await ingestSigned(deps, SOURCE_SECRET, body);
    return { id: result.eventId!, body: Buffer.from(JSON.stringify(body)), svixId: (await database.db.event.findUniqueOrThrow({ where: { id: result.eventId! } })).svixId };
  }

  it("re-signs with the target's secret: svix verifies it, the body is byte-identical and the svix-id is the original", async () => {
    const consumer = await target();
    const event = await ingest("user.created", { id: "user_sig", object: "user", first_name: "Zoë ✓" }, T0);
    const job = await replayEvent(database, { eventId: event.id, targetId: consumer.id, actor: "test" });
    dispatch = startDispatch(database);
    const finished = await waitForJob(database, job.id);

    expect(finished).toMatchObject({ status: "done", total: 1, sent: 1, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.verifyError).toBeNull();
    expect(request!.verified).toBe(true);
    expect(request!.body.equals(event.body)).toBe(true);
    expect(request!.svixId).toBe(event.svixId);
    // A fresh timestamp (the original was signed at ingest, earlier).
    expect(Math.abs(Number(request!.svixTimestamp) - Date.now() / 1000)).toBeLessThan(10);
    const attempts = await database.db.dispatchAttempt.findMany({ where: { jobId: job.id } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ ok: true, status: 200, attempt: 1, eventId: event.id, svixId: event.svixId, responseExcerpt: "ok" });
  });

  it("sends a fresh svix-id when asked, still verifiable", async () => {
    const consumer = await target();
    const event = await ingest("user.updated", { id: "user_fresh", object: "user" }, T0 + 1);
    const job = await replayEvent(database, { eventId: event.id, targetId: consumer.id, newSvixId: true, actor: "test" });
    dispatch = startDispatch(database);
    await waitForJob(database, job.id);
    expect(receiver.requests[0]!.verified).toBe(true);
    expect(receiver.requests[0]!.svixId).toMatch(/^msg_/);
    expect(receiver.requests[0]!.svixId).not.toBe(event.svixId);
  });

  it("keeps envelope-timestamp order per resource while sending several at once", async () => {
    const consumer = await target({ concurrency: 8 });
    // 8 users × 5 events; ingested newest-first so arrival order is the reverse of envelope order.
    const base = T0 + 100_000;
    const planned: { user: string; ts: number }[] = [];
    for (let step = 4; step >= 0; step--) {
      for (let u = 0; u < 8; u++) planned.push({ user: `user_ord${u}`, ts: base + step * 1000 + u });
    }
    for (const { user, ts } of planned) {
      await ingest("user.updated", { id: user, object: "user", step: ts }, ts);
    }
    receiver.respond(() => ({ status: 200, delayMs: Math.floor(Math.random() * 15) }));
    const job = await replayEvents(database, {
      targetId: consumer.id,
      filter: { type: ["user.*"], resource: undefined, from: new Date(base), to: new Date(base + 10_000) },
      actor: "test",
    });
    expect(job.total).toBe(40);
    dispatch = startDispatch(database);
    const finished = await waitForJob(database, job.id);
    expect(finished).toMatchObject({ status: "done", sent: 40, failed: 0 });

    expect(receiver.requests).toHaveLength(40);
    expect(receiver.maxConcurrent).toBeGreaterThan(1);
    const perUser = new Map<string, number[]>();
    for (const request of receiver.requests) {
      const payload = JSON.parse(request.body.toString()) as { data: { id: string }; timestamp: number };
      perUser.set(payload.data.id, [...(perUser.get(payload.data.id) ?? []), payload.timestamp]);
    }
    expect(perUser.size).toBe(8);
    for (const timestamps of perUser.values()) expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
  });

  it("respects the target's rate limit", async () => {
    const consumer = await target({ maxPerSecond: 20, concurrency: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await ingest("session.created", { id: `sess_rate${i}`, object: "session", user_id: `user_r${i}` }, T0 + 200_000 + i)).id);
    const job = await replayEvents(database, { targetId: consumer.id, eventIds: ids, actor: "test" });
    dispatch = startDispatch(database);
    await waitForJob(database, job.id);
    const times = receiver.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(20);
    // 20 sends at 20/s take about 950 ms from first to last; never much faster.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(800);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 500).length;
      expect(inWindow).toBeLessThanOrEqual(12);
    }
  });

  it("retries on the compressed schedule, honours Retry-After and stops on abort-message", async () => {
    const consumer = await target({ concurrency: 4 });
    const always500 = await ingest("user.created", { id: "user_r500", object: "user" }, T0 + 300_000);
    const limited = await ingest("user.created", { id: "user_r429", object: "user" }, T0 + 300_001);
    const aborted = await ingest("user.created", { id: "user_abort", object: "user" }, T0 + 300_002);
    const seen = new Map<string, number>();
    receiver.respond((request) => {
      const n = (seen.get(request.svixId) ?? 0) + 1;
      seen.set(request.svixId, n);
      if (request.svixId === always500.svixId) return { status: 500, body: "down" };
      if (request.svixId === limited.svixId) return n === 1 ? { status: 429, headers: { "retry-after": "1" } } : ok;
      return { status: 500, headers: { "webhook-delivery": "abort-message" } };
    });
    const job = await replayEvents(database, { targetId: consumer.id, eventIds: [always500.id, limited.id, aborted.id], actor: "test" });
    dispatch = startDispatch(database, { retrySchedule: [100, 300] });
    const finished = await waitForJob(database, job.id);
    expect(finished).toMatchObject({ status: "done", sent: 1, failed: 2 });

    const at = (svixId: string) => receiver.requests.filter((r) => r.svixId === svixId).map((r) => r.at);
    const down = at(always500.svixId);
    expect(down).toHaveLength(3);
    // Never sooner than the schedule (jitter only adds up to 20 %); the upper bounds
    // leave room for a busy CI machine.
    expect(down[1]! - down[0]!).toBeGreaterThanOrEqual(100);
    expect(down[1]! - down[0]!).toBeLessThan(100 * 1.2 + 1500);
    expect(down[2]! - down[1]!).toBeGreaterThanOrEqual(300);
    expect(down[2]! - down[1]!).toBeLessThan(300 * 1.2 + 1500);
    const limitedTimes = at(limited.svixId);
    expect(limitedTimes).toHaveLength(2);
    expect(limitedTimes[1]! - limitedTimes[0]!).toBeGreaterThanOrEqual(1000);
    expect(at(aborted.svixId)).toHaveLength(1);

    const attempts = await database.db.dispatchAttempt.findMany({ where: { jobId: job.id, eventId: always500.id }, orderBy: { attempt: "asc" } });
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
    ]);
    expect(attempts[0]!.nextAttemptAt).not.toBeNull();
    expect(attempts[2]!.nextAttemptAt).toBeNull();
    expect(attempts[0]!.responseExcerpt).toBe("down");
    const abortTask = await database.db.dispatchTask.findFirstOrThrow({ where: { jobId: job.id, eventId: aborted.id } });
    expect(abortTask.status).toBe("failed");
    expect(abortTask.lastError).toMatch(/abort-message/);
  });

  it("pauses, resumes and cancels a running job", async () => {
    const consumer = await target({ maxPerSecond: 25, concurrency: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await ingest("session.created", { id: `sess_pause${i}`, object: "session", user_id: "user_p" }, T0 + 400_000 + i)).id);
    const job = await replayEvents(database, { targetId: consumer.id, eventIds: ids, actor: "operator@example.com" });
    dispatch = startDispatch(database);
    await receiver.waitFor(5);
    await pauseJob(database.db, job.id, { actor: "operator@example.com" });
    // Sends already claimed finish; then nothing more arrives while paused.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atPause = receiver.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests.length).toBe(atPause);
    expect((await database.db.dispatchJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("paused");

    await resumeJob(database.db, job.id, { actor: "operator@example.com" });
    await receiver.waitFor(atPause + 5);
    await cancelJob(database.db, job.id, { actor: "operator@example.com" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atCancel = receiver.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.requests.length).toBe(atCancel);
    expect(atCancel).toBeLessThan(40);

    const final = await database.db.dispatchJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(final.status).toBe("canceled");
    expect(final.sent + final.failed + final.canceled).toBe(40);
    expect(final.sent).toBe(atCancel);
    const audit = await database.db.auditEntry.findMany({ where: { subject: job.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["replay.start", "replay.pause", "replay.resume", "replay.cancel"]);
    expect(audit.every((a) => a.actor === "operator@example.com")).toBe(true);
  });

  it("recovers an outage: only what the target never received in the window, optionally the never-sent", async () => {
    const consumer = await target({ eventTypes: ["organization.*"] });
    const w = T0 + 500_000;
    const delivered = await ingest("organization.created", { id: "org_ok", object: "organization" }, w + 1);
    const failed = await ingest("organization.updated", { id: "org_fail", object: "organization" }, w + 2);
    const neverSent = await ingest("organization.updated", { id: "org_never", object: "organization" }, w + 3);
    await ingest("user.created", { id: "user_other_type", object: "user" }, w + 4);
    await ingest("organization.updated", { id: "org_outside", object: "organization" }, w + 60_000);
    // The outage: one event got through, one failed for good.
    receiver.respond((r) => (r.svixId === failed.svixId ? { status: 503 } : ok));
    const first = await replayEvents(database, { targetId: consumer.id, eventIds: [delivered.id, failed.id], actor: "test" });
    dispatch = startDispatch(database, { retrySchedule: [] });
    await waitForJob(database, first.id);
    receiver.respond(() => ok);
    receiver.requests.length = 0;

    const window = { from: new Date(w), to: new Date(w + 10_000) };
    const onlyFailed = await recoverOutage(database, { targetId: consumer.id, ...window, includeNeverSent: false, actor: "test" });
    expect(onlyFailed.total).toBe(1);
    await waitForJob(database, onlyFailed.id);
    expect(receiver.requests.map((r) => r.svixId)).toEqual([failed.svixId]);

    receiver.requests.length = 0;
    const withNeverSent = await recoverOutage(database, { targetId: consumer.id, ...window, includeNeverSent: true, actor: "test" });
    expect(withNeverSent.total).toBe(1);
    await waitForJob(database, withNeverSent.id);
    expect(receiver.requests.map((r) => r.svixId)).toEqual([neverSent.svixId]);
  });

  it("retries everything that failed since T in one job, superseding retries still waiting", async () => {
    const consumer = await target();
    const since = new Date();
    const a = await ingest("user.updated", { id: "user_down_a", object: "user" }, T0 + 600_000);
    const b = await ingest("user.updated", { id: "user_down_b", object: "user" }, T0 + 600_001);
    receiver.respond(() => ({ status: 502 }));
    // Long retries: without "retry all", these would wait an hour.
    const outage = await replayEvents(database, { targetId: consumer.id, eventIds: [a.id, b.id], actor: "test" });
    dispatch = startDispatch(database, { retrySchedule: [3_600_000] });
    await waitUntil(async () => (await database.db.dispatchAttempt.count({ where: { jobId: outage.id } })) === 2, 5000, "two failed attempts");
    receiver.respond(() => ok);
    receiver.requests.length = 0;

    const retry = await retryFailedSince(database, { targetId: consumer.id, since, actor: "test" });
    expect(retry.kind).toBe("retry");
    expect(retry.total).toBe(2);
    expect(await waitForJob(database, retry.id)).toMatchObject({ status: "done", sent: 2 });
    expect(receiver.requests.map((r) => r.svixId).sort()).toEqual([a.svixId, b.svixId].sort());
    // The hour-long retries of the first job were taken over, so it is finished too.
    expect(await waitForJob(database, outage.id)).toMatchObject({ status: "done", canceled: 2 });
  });
});
