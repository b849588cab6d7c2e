// Auto-forward: new verified events reach every enabled auto-forward target whose
// filter matches, in arrival order per resource, and wait out a target's outage.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { startDispatch, waitUntil, type RunningDispatch } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { ok, startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newSecret } from "../../tests/support/svix";
import { forwardNewEvents } from "./auto-forward.server";
import { createTarget } from "./create-target.server";
import { TargetCreateSchema } from "./target-input";
import { updateTarget } from "./update-target.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { SqliteGroupCommit } from "~/ingest/sqlite-group-commit.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SOURCE_SECRET = newSecret();

describe.each(PROVIDERS)("auto-forward (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;
  let users: Receiver;
  let everything: Receiver;
  let dispatch: RunningDispatch | null = null;
  const secret = newSecret();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    users = await startReceiver(secret);
    everything = await startReceiver(secret);
  });
  afterEach(async () => {
    await dispatch?.stop();
    dispatch = null;
  });
  afterAll(async () => {
    await users.close();
    await everything.close();
    await database.drop();
  });

  const ingest = (type: string, data: Record<string, unknown>) => ingestSigned(deps, SOURCE_SECRET, envelope(type, data));
  const make = async (input: Record<string, unknown>) =>
    (await createTarget(database.db, TargetCreateSchema.parse({ secret, ...input }), { actor: "test", allowlist: null })).target;

  it("queues each new event to every enabled matching target, once, and nothing from before", async () => {
    await ingest("user.created", { id: "user_before", object: "user" });
    const userTarget = await make({ name: "users", url: users.url, eventTypes: ["user.*"], autoForward: true });
    await make({ name: "all", url: everything.url, autoForward: true });
    await make({ name: "disabled", url: everything.url, autoForward: true, enabled: false });
    await make({ name: "manual only", url: everything.url, autoForward: false });
    dispatch = startDispatch(database);

    await ingest("user.created", { id: "user_fwd", object: "user" });
    await ingest("session.created", { id: "sess_fwd", object: "session", user_id: "user_fwd" });
    await ingest("user.updated", { id: "user_fwd", object: "user", first_name: "Jane" });
    await users.waitFor(2);
    await everything.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(users.requests.map((r) => JSON.parse(r.body.toString()).type)).toEqual(["user.created", "user.updated"]);
    expect(everything.requests.map((r) => JSON.parse(r.body.toString()).type)).toEqual(["user.created", "session.created", "user.updated"]);
    expect([...users.requests, ...everything.requests].every((r) => r.verified)).toBe(true);
    const attempts = await database.db.dispatchAttempt.findMany({ where: { targetId: userTarget.id } });
    expect(attempts.every((a) => a.ok && a.jobId === null)).toBe(true);
  });

  it("holds a down target's events and delivers them, in order, once it is back", async () => {
    users.requests.length = 0;
    users.respond(() => ({ status: 503 }));
    const target = await make({ name: "flaky", url: users.url, eventTypes: ["organization.*"], autoForward: true });
    dispatch = startDispatch(database, { retrySchedule: [150, 150, 150, 150, 150, 150] });
    await ingest("organization.created", { id: "org_down", object: "organization" });
    await ingest("organization.updated", { id: "org_down", object: "organization", name: "Renamed" });
    await users.waitFor(2);
    // Per-resource order: the update waits behind the failing create.
    expect(users.requests.every((r) => JSON.parse(r.body.toString()).type === "organization.created")).toBe(true);
    const backlog = await database.db.dispatchTask.count({ where: { targetId: target.id, status: { in: ["pending", "sending"] } } });
    expect(backlog).toBe(2);

    users.respond(() => ok);
    await waitUntil(async () => (await database.db.dispatchTask.count({ where: { targetId: target.id, status: "sent" } })) === 2, 5000, "backlog delivered");
    const delivered = users.requests.map((r) => JSON.parse(r.body.toString()).type);
    expect(delivered.slice(-2)).toEqual(["organization.created", "organization.updated"]);
  });

  it("starts forwarding from the moment auto-forward is switched on", async () => {
    const later = await startReceiver(secret);
    try {
      const target = await make({ name: "later", url: later.url, eventTypes: ["email.*"], autoForward: false });
      dispatch = startDispatch(database);
      await ingest("email.created", { id: "ema_before", object: "email", user_id: "user_x" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await updateTarget(database.db, target.id, { autoForward: true }, { actor: "test", allowlist: null });
      await ingest("email.created", { id: "ema_after", object: "email", user_id: "user_x" });
      await later.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(later.requests.map((r) => JSON.parse(r.body.toString()).data.id)).toEqual(["ema_after"]);
    } finally {
      await later.close();
    }
  });
});

// Ingest stores events already scanned while no target auto-forwards; switching a
// target on hands back the events received since then (reopenForwardScan). With
// concurrent ingest on Postgres: app/ingest/auto-forward-gate.integration.test.ts.
describe.each(PROVIDERS)("auto-forward switched on while events are in flight (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;
  let receiver: Receiver;
  const secret = newSecret();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    deps = {
      db: database.db,
      sources: new SourceResolver(database.db, () => [SOURCE_SECRET]),
      maxBodyBytes: 1 << 20,
      groupCommit: database.withSqlite ? new SqliteGroupCommit(database.withSqlite.bind(database)) : undefined,
    };
    receiver = await startReceiver(secret);
  });
  afterAll(async () => {
    await receiver.close();
    await database.drop();
  });

  it("forwards an event received after the switch but stored before it, nothing received earlier, and what comes after", async () => {
    const now = Date.now();
    // Received before the switch: never forwarded.
    await ingestSigned(deps, SOURCE_SECRET, envelope("user.created", { id: "user_early", object: "user" }), { receivedAt: new Date(now - 5_000) });
    // Received (its request started) after the switch, stored before the target existed.
    await ingestSigned(deps, SOURCE_SECRET, envelope("user.created", { id: "user_in_flight", object: "user" }), { receivedAt: new Date(now + 2_000) });
    // Whatever ran before the switch saw no target and marked both as scanned.
    expect(await forwardNewEvents(database)).toBeLessThanOrEqual(2);
    expect(await database.db.event.count({ where: { forwardScanned: false } })).toBe(0);

    await createTarget(database.db, TargetCreateSchema.parse({ secret, name: "late", url: receiver.url, autoForward: true }), { actor: "test", allowlist: null });
    const dispatch = startDispatch(database);
    try {
      await receiver.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await dispatch.stop();
    }
    expect(receiver.requests.map((r) => JSON.parse(r.body.toString()).data.id)).toEqual(["user_in_flight"]);

    // From now on a target auto-forwards: events are stored unscanned, and forwarded.
    const { eventId } = await ingestSigned(deps, SOURCE_SECRET, envelope("user.created", { id: "user_later", object: "user" }));
    expect(await database.db.event.findUniqueOrThrow({ where: { id: eventId! } })).toMatchObject({ forwardScanned: false });
    const again = startDispatch(database);
    try {
      await receiver.waitFor(2);
    } finally {
      await again.stop();
    }
    expect(receiver.requests.map((r) => JSON.parse(r.body.toString()).data.id)).toEqual(["user_in_flight", "user_later"]);
  });
});
