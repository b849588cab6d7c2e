// The dry run of /replays/new and the job page's log, on both databases: real ingest,
// the real worker, a real local receiver verifying every request with svix.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { startDispatch, waitForJob, waitUntil, type RunningDispatch } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { ok, startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newSecret } from "../../tests/support/svix";
import { replayEvents } from "./batch-replay.server";
import { createTarget } from "./create-target.server";
import { getJob } from "./dispatch-job.server";
import { outcomeCounts, SEND_OUTCOMES } from "./dispatch-status";
import { jobEventLog } from "./job-event-log.server";
import { previewReplay } from "./replay-preview.server";
import { TargetCreateSchema } from "./target-input";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SOURCE_SECRET = newSecret();
const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

describe.each(PROVIDERS)("replay dry run and job log (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;
  let receiver: Receiver;
  let dispatch: RunningDispatch | null = null;
  const targetSecret = newSecret();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    receiver = await startReceiver(targetSecret);
    // One user's story: two user events, a session, and the email and SMS that a
    // `user.*, session.*` consumer never asked for.
    const story: [string, Record<string, unknown>][] = [
      ["user.created", { id: "user_dry", object: "user" }],
      ["email.created", { id: "ema_dry", object: "email", user_id: "user_dry" }],
      ["session.created", { id: "sess_dry", object: "session", user_id: "user_dry" }],
      ["sms.created", { id: "sms_dry", object: "sms_message", user_id: "user_dry" }],
      ["user.updated", { id: "user_dry", object: "user" }],
      ["user.created", { id: "user_other", object: "user" }],
    ];
    for (const [i, [type, data]] of story.entries()) {
      const result = await ingestSigned(deps, SOURCE_SECRET, envelope(type, data, T0 + i * 1000));
      ids[`${type}:${String(data.id)}`] = result.eventId!;
    }
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
    const input = TargetCreateSchema.parse({ name: "users service", url: receiver.url, secret: targetSecret, ...overrides });
    return (await createTarget(database.db, input, { actor: "test", allowlist: null })).target;
  }
  const targetRow = (id: string) => database.db.target.findUniqueOrThrow({ where: { id } });
  const receivedTypes = () => receiver.requests.map((r) => JSON.parse(r.body.toString()).type as string).sort();

  it("counts by type, outside the target's types, resources, and the pace, before anything is queued", async () => {
    const consumer = await target({ eventTypes: ["user.*", "session.*"], maxPerSecond: 2 });
    const selection = { kind: "filter" as const, filter: { type: [], resource: "user_dry" } };
    const excluded = await previewReplay(database, selection, await targetRow(consumer.id), { includeOutsideTypes: false });

    expect(excluded.selected).toBe(5);
    expect(Object.fromEntries(excluded.byType.map((t) => [t.type, [t.count, t.inTargetTypes]]))).toEqual({
      "user.created": [1, true],
      "user.updated": [1, true],
      "session.created": [1, true],
      "email.created": [1, false],
      "sms.created": [1, false],
    });
    expect(excluded).toMatchObject({ outside: 2, toSend: 3, targetTypes: ["user.*", "session.*"], includeOutsideTypes: false });
    expect(excluded.resources).toMatchObject({ count: 2, exact: true });
    expect(excluded.target).toMatchObject({ maxPerSecond: 2, concurrency: 4, latencyMs: null });

    const included = await previewReplay(database, selection, await targetRow(consumer.id), { includeOutsideTypes: true });
    expect(included).toMatchObject({ outside: 2, toSend: 5 });
    expect(included.resources.count).toBe(4);

    // Chosen events: the same answer from ids.
    const chosen = await previewReplay(
      database,
      { kind: "ids", eventIds: [ids["user.created:user_dry"]!, ids["sms.created:sms_dry"]!] },
      await targetRow(consumer.id),
      { includeOutsideTypes: false },
    );
    expect(chosen).toMatchObject({ selected: 2, outside: 1, toSend: 1 });
    expect(await database.db.dispatchJob.count()).toBe(0);
  });

  it("a job made without the outside types sends none of them; with them, all", async () => {
    const consumer = await target({ eventTypes: ["user.*", "session.*"] });
    const filter = { type: [], resource: "user_dry" };
    const without = await replayEvents(database, { targetId: consumer.id, filter, includeOutsideTypes: false, actor: "test" });
    expect(without.total).toBe(3);
    dispatch = startDispatch(database);
    expect(await waitForJob(database, without.id)).toMatchObject({ status: "done", sent: 3, failed: 0 });
    expect(receivedTypes()).toEqual(["session.created", "user.created", "user.updated"]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect((await getJob(database.db, without.id)).targetTypes).toEqual(["user.*", "session.*"]);

    receiver.requests.length = 0;
    const byIds = await replayEvents(database, {
      targetId: consumer.id,
      eventIds: [ids["email.created:ema_dry"]!, ids["user.updated:user_dry"]!, ids["sms.created:sms_dry"]!],
      includeOutsideTypes: false,
      actor: "test",
    });
    expect(byIds.total).toBe(1);
    await waitForJob(database, byIds.id);
    expect(receivedTypes()).toEqual(["user.updated"]);

    receiver.requests.length = 0;
    const all = await replayEvents(database, { targetId: consumer.id, filter, includeOutsideTypes: true, actor: "test" });
    expect(all.total).toBe(5);
    await waitForJob(database, all.id);
    expect(receivedTypes()).toEqual(["email.created", "session.created", "sms.created", "user.created", "user.updated"]);
    expect((await getJob(database.db, all.id)).targetTypes).toBeNull();
  });

  it("the log's rows agree with the counters: a failed attempt that will be retried is retrying, not failed", async () => {
    const consumer = await target({ concurrency: 1 });
    const failing = new Map([
      [ids["email.created:ema_dry"]!, "abort"],
      [ids["sms.created:sms_dry"]!, "retry"],
    ]);
    const svixOf = new Map<string, string>();
    for (const id of failing.keys()) svixOf.set((await database.db.event.findUniqueOrThrow({ where: { id } })).svixId, failing.get(id)!);
    // email: the target says stop (failed); sms: a 503 retried in an hour (retrying).
    receiver.respond((r) =>
      svixOf.get(r.svixId) === "abort"
        ? { status: 410, headers: { "webhook-delivery": "abort-message" } }
        : svixOf.get(r.svixId) === "retry"
          ? { status: 503 }
          : ok,
    );
    const job = await replayEvents(database, { targetId: consumer.id, filter: { type: [], resource: "user_dry" }, actor: "test" });
    dispatch = startDispatch(database, { retrySchedule: [3_600_000] });
    await waitUntil(async () => {
      const j = await getJob(database.db, job.id);
      return j.sent === 3 && j.failed === 1 && j.retrying === 1;
    }, 10_000, "three delivered, one failed, one retrying");

    const live = await getJob(database.db, job.id);
    expect(live.status).toBe("running");
    const counts = outcomeCounts(live);
    expect(counts).toEqual({ delivered: 3, failed: 1, retrying: 1, sending: 0, pending: 0, canceled: 0 });
    // Two failed attempts exist, but only one event has failed.
    expect(await database.db.dispatchAttempt.count({ where: { jobId: job.id, ok: false } })).toBe(2);

    for (const outcome of SEND_OUTCOMES) {
      const page = await jobEventLog(database.db, job.id, { outcome });
      expect(page.rows.length, outcome).toBe(counts[outcome]);
      expect(page.rows.every((row) => row.outcome === outcome)).toBe(true);
    }
    const failedRow = (await jobEventLog(database.db, job.id, { outcome: "failed" })).rows[0]!;
    expect(failedRow).toMatchObject({ eventType: "email.created", lastStatus: 410, attempts: 1 });
    expect(failedRow.lastError).toContain("abort-message");
    const retryingRow = (await jobEventLog(database.db, job.id, { outcome: "retrying" })).rows[0]!;
    expect(retryingRow).toMatchObject({ eventType: "sms.created", lastStatus: 503 });
    expect(new Date(retryingRow.nextAttemptAt!).getTime()).toBeGreaterThan(Date.now() + 3_000_000);

    // Everything, in the job's order, paged by seq.
    const first = await jobEventLog(database.db, job.id, { limit: 2 });
    expect(first.rows.map((r) => r.seq)).toEqual([1, 2]);
    const rest = await jobEventLog(database.db, job.id, { limit: 10, after: first.nextAfter });
    expect(rest.rows.map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(rest.nextAfter).toBeNull();
  });
});
