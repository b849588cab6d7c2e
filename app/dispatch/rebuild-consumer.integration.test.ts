// Rebuilding a consumer (replay mode "latest") end to end on both databases: real
// ingest of a shuffled, duplicated history, the real worker, real local receivers that
// verify every request with `svix`. A consumer that applies upserts and deletes must end
// with the same users and organizations after the rebuild as one that received the whole
// history, whatever order (and how many times) the rebuild's requests reach it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { startDispatch, waitForJob, type RunningDispatch } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { startReceiver, type ReceivedRequest, type Receiver } from "../../tests/support/receiver";
import { envelope, newMsgId, newSecret } from "../../tests/support/svix";
import { replayEvents } from "./batch-replay.server";
import { createTarget } from "./create-target.server";
import { getJob } from "./dispatch-job.server";
import { previewRebuild, rebuildConsumer } from "./rebuild-consumer.server";
import { TargetCreateSchema } from "./target-input";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SOURCE_SECRET = newSecret();
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

/** A small deterministic random generator, so a failure can be reproduced. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface HistoryEvent {
  type: string;
  data: Record<string, unknown>;
  timestamp: number;
  msgId: string;
}

/** Users and organizations created, updated several times, some deleted; memberships and sessions around them. */
function history(rand: () => number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let clock = T0;
  const tick = () => (clock += 1000 + Math.floor(rand() * 5000));
  const push = (type: string, data: Record<string, unknown>) => events.push({ type, data, timestamp: tick(), msgId: newMsgId() });
  for (let u = 0; u < 8; u++) {
    const id = `user_r${u}`;
    push("user.created", { id, object: "user", first_name: `User ${u}`, email_addresses: [{ email_address: `u${u}@example.com` }] });
    for (let k = 0; k < 1 + (u % 4); k++) push("user.updated", { id, object: "user", first_name: `User ${u} v${k + 1}`, updated_at: clock });
    push("session.created", { id: `sess_r${u}`, object: "session", user_id: id, status: "active" });
    if (u % 3 === 0) push("user.deleted", { id, object: "user", deleted: true });
  }
  for (let o = 0; o < 4; o++) {
    const id = `org_r${o}`;
    push("organization.created", { id, object: "organization", name: `Org ${o}`, slug: `org-${o}` });
    push("organizationMembership.created", {
      id: `orgmem_r${o}`,
      object: "organization_membership",
      role: "org:member",
      organization: { id, object: "organization", name: `Org ${o}` },
      public_user_data: { user_id: `user_r${o + 1}` },
    });
    for (let k = 0; k < o; k++) push("organization.updated", { id, object: "organization", name: `Org ${o} v${k + 1}`, slug: `org-${o}` });
    if (o === 2) push("organization.deleted", { id, object: "organization", deleted: true });
  }
  return events;
}

/** The consumer under test: upserts on created/updated, deletes on deleted, keyed by object and id. */
class Consumer {
  readonly users = new Map<string, unknown>();
  readonly organizations = new Map<string, unknown>();
  apply(body: Buffer) {
    const event = JSON.parse(body.toString("utf8")) as { type: string; data: { id: string; object: string } };
    const table = event.data.object === "user" ? this.users : event.data.object === "organization" ? this.organizations : null;
    if (!table) return;
    if (event.type.endsWith(".deleted")) table.delete(event.data.id);
    else table.set(event.data.id, event.data);
  }
  snapshot() {
    const sorted = (map: Map<string, unknown>) => Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { users: sorted(this.users), organizations: sorted(this.organizations) };
  }
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe.each(PROVIDERS)("rebuilding a consumer from the latest state (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;
  let receiver: Receiver;
  let dispatch: RunningDispatch | null = null;
  const targetSecret = newSecret();
  const rand = random(14);
  const events = history(rand);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    receiver = await startReceiver(targetSecret);
    // Svix delivers at least once and in any order: the history arrives shuffled, a third of it twice.
    const deliveries = shuffle(
      events.flatMap((event, i) => (i % 3 === 0 ? [event, event] : [event])),
      rand,
    );
    for (const event of deliveries) {
      const result = await ingestSigned(deps, SOURCE_SECRET, envelope(event.type, event.data, event.timestamp), { msgId: event.msgId });
      expect(["verified", "duplicate"]).toContain(result.outcome);
    }
  });
  afterEach(async () => {
    await dispatch?.stop();
    dispatch = null;
  });
  afterAll(async () => {
    await receiver.close();
    await database.drop();
  });

  async function target(name: string) {
    const input = TargetCreateSchema.parse({ name, url: `${receiver.url}/${name}`, secret: targetSecret });
    return (await createTarget(database.db, input, { actor: "test", allowlist: null })).target;
  }

  const requestsTo = (name: string) => receiver.requests.filter((request) => request.path === `/hooks/${name}`);

  it("shows how many resources of each type it will send before it starts", async () => {
    const preview = await previewRebuild(database, { type: ["user.*", "organization.*"] });
    expect(preview.byType).toEqual([
      { resourceType: "user", resources: 8, deleted: 3 },
      { resourceType: "organization", resources: 4, deleted: 1 },
    ]);
    expect(preview.total).toBe(12);
  });

  it("ends with the same users and organizations as a consumer that received the whole history", async () => {
    const history = await target("history");
    const rebuild = await target("rebuild");
    const all = await replayEvents(database, { targetId: history.id, filter: {}, actor: "test" });
    const latest = await rebuildConsumer(database, { targetId: rebuild.id, actor: "test" });
    expect(all.total).toBe(events.length);
    // One per resource: 8 users, 8 sessions, 4 organizations, 4 memberships.
    expect(latest.total).toBe(24);
    expect((await getJob(database.db, latest.id)).mode).toBe("latest");

    dispatch = startDispatch(database);
    await waitForJob(database, all.id, { timeoutMs: 30_000 });
    const done = await waitForJob(database, latest.id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: "done", sent: 24, failed: 0 });

    const received = requestsTo("rebuild");
    expect(received.every((request) => request.verified)).toBe(true);
    expect(received).toHaveLength(24);
    const bodies = received.map((request) => JSON.parse(request.body.toString("utf8")) as { type: string; data: { id: string } });
    expect(bodies.filter((b) => b.type === "user.deleted").map((b) => b.data.id).sort()).toEqual(["user_r0", "user_r3", "user_r6"]);
    expect(bodies.filter((b) => b.type === "organization.deleted").map((b) => b.data.id)).toEqual(["org_r2"]);

    // The whole history, in the order the worker sent it (one resource's events in turn).
    const full = new Consumer();
    for (const request of requestsTo("history")) full.apply(request.body);
    // The rebuild, shuffled and with every request delivered twice.
    const rebuilt = new Consumer();
    const replays: ReceivedRequest[] = shuffle([...received, ...received], rand);
    for (const request of replays) rebuilt.apply(request.body);

    expect(rebuilt.snapshot()).toEqual(full.snapshot());
    // And both are the true latest state: five live users with their last names, three organizations.
    expect(rebuilt.users.size).toBe(5);
    expect((rebuilt.users.get("user_r7") as { first_name: string }).first_name).toBe("User 7 v4");
    expect([...rebuilt.organizations.keys()].sort()).toEqual(["org_r0", "org_r1", "org_r3"]);
    expect((rebuilt.organizations.get("org_r3") as { name: string }).name).toBe("Org 3 v3");
  });

  it("refuses explicit event ids in mode latest", async () => {
    const consumer = await target("ids");
    await expect(replayEvents(database, { targetId: consumer.id, eventIds: ["x"], mode: "latest", actor: "test" })).rejects.toThrow(/latest/);
  });
});
