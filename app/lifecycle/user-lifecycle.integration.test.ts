import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { shuffledWithDuplicates, T0, userSequence } from "../../tests/support/lifecycle-sequences";
import { newMsgId, newSecret } from "../../tests/support/svix";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { loadUserLifecycle, type UserLifecycle } from "./user-lifecycle.server";
import type { TimelineQuery } from "./timeline-query";

const SECRET = newSecret();
const ALL: TimelineQuery = { category: null, sort: "timestamp", dir: "asc", limit: 100 };
const NOW = T0 + 10 * 24 * 3600_000;

async function freshDatabase(provider: "sqlite" | "postgres") {
  const database = await createTestDatabase(provider);
  await ensureDefaultSource(database.db);
  const deps: IngestDependencies = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
  return { database, deps };
}

/** What a person sees, without the ids each database generates. */
function visible(lifecycle: UserLifecycle) {
  const { state, timeline, fieldHistory } = lifecycle;
  return {
    deleted: state.deleted,
    deletedBy: state.deletedBy?.type,
    profile: state.profile,
    asOf: state.asOf && { type: state.asOf.type, timestamp: state.asOf.timestamp },
    inferred: state.inferred,
    memberships: state.memberships.map(({ latest, ...m }) => ({ ...m, latest: latest.type })),
    activeSessions: state.activeSessions.map((s) => s.sessionId),
    fieldHistory: fieldHistory.changes.map(({ event, ...change }) => ({ ...change, type: event.type, at: event.timestamp })),
    timeline: timeline.events.map((e) => ({ svixId: e.svixId, type: e.type, timestamp: e.timestamp, summary: e.summary, afterDeletion: e.afterDeletion?.type ?? null })),
    counts: timeline.counts,
  };
}

describe.each(PROVIDERS)("user lifecycle (%s)", (provider) => {
  const sequence = userSequence();
  const msgIds = sequence.envelopes.map(() => newMsgId());
  let inOrder: { database: TestDatabase; deps: IngestDependencies };
  let shuffled: { database: TestDatabase; deps: IngestDependencies };

  beforeAll(async () => {
    inOrder = await freshDatabase(provider);
    shuffled = await freshDatabase(provider);
    for (const [index, envelope] of sequence.envelopes.entries()) {
      await ingestSigned(inOrder.deps, SECRET, envelope, { msgId: msgIds[index] });
    }
    for (const { item, index } of shuffledWithDuplicates(sequence.envelopes)) {
      await ingestSigned(shuffled.deps, SECRET, item, { msgId: msgIds[index] });
    }
    // Noise: another user's events must not leak in.
    const other = userSequence("amara");
    for (const envelope of other.envelopes) await ingestSigned(inOrder.deps, SECRET, envelope);
  });
  afterAll(async () => {
    await inOrder?.database.drop();
    await shuffled?.database.drop();
  });

  it("reconstructs signup → email change → org join → role change → leave → delete", async () => {
    const lifecycle = await loadUserLifecycle(inOrder.database, sequence.userId, ALL, { now: NOW });
    const { state } = lifecycle;
    expect(state.deleted).toBe(true);
    expect(state.deletedBy?.type).toBe("user.deleted");
    expect(state.profile?.primaryEmail).toBe(sequence.workEmail);
    expect(state.profile?.username).toBe("jdoe");
    expect(state.asOf?.type).toBe("user.updated");
    expect(state.inferred.join(" ")).toMatch(/last one known before the account was deleted/);

    expect(state.memberships).toHaveLength(1);
    expect(state.memberships[0]).toMatchObject({
      membershipId: sequence.membershipId,
      organizationId: sequence.orgId,
      organizationName: "Acme Robotics",
      role: "org:admin",
      current: false,
      leftAt: T0 + 2 * 24 * 3600_000,
      joinInferred: false,
    });
    // The second session was never ended by an event; the deletion ends it (inferred).
    expect(state.activeSessions).toEqual([]);

    const history = lifecycle.fieldHistory.changes.filter((c) => !c.initial);
    expect(history.map((c) => [c.label, c.before, c.after])).toEqual([
      ["Primary email", sequence.personalEmail, sequence.workEmail],
      ["Username", null, "jdoe"],
    ]);

    const types = lifecycle.timeline.events.map((e) => e.type);
    expect(types).toEqual(sequence.envelopes.map((e) => e.type));
    expect(lifecycle.timeline.total).toBe(sequence.envelopes.length);
    expect(lifecycle.timeline.counts).toMatchObject({ profile: 3, sessions: 3, organizations: 3 });
    const update = lifecycle.timeline.events.find((e) => e.type === "user.updated")!;
    expect(update.changes).toContainEqual({ label: "Primary email", before: sequence.personalEmail, after: sequence.workEmail });
    expect(lifecycle.timeline.events.find((e) => e.type === "organizationMembership.created")!.summary).toBe("Joined Acme Robotics as Member");
  });

  it("gives the same state and timeline when deliveries arrive shuffled and duplicated", async () => {
    const expected = visible(await loadUserLifecycle(inOrder.database, sequence.userId, ALL, { now: NOW }));
    const actual = await loadUserLifecycle(shuffled.database, sequence.userId, ALL, { now: NOW });
    expect(visible(actual)).toEqual(expected);
    // The shuffle really did deliver some events late, and duplicates counted once.
    expect(actual.timeline.events.some((e) => e.outOfOrder)).toBe(true);
    expect(actual.timeline.events.some((e) => e.deliveryCount > 1)).toBe(true);
  });

  it("pages the timeline newest first with a cursor, and filters by category", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await loadUserLifecycle(inOrder.database, sequence.userId, { ...ALL, dir: "desc", limit: 4, cursor }, { now: NOW });
      seen.push(...page.timeline.events.map((e) => e.type));
      cursor = page.timeline.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(sequence.envelopes.map((e) => e.type).reverse());

    const sessions = await loadUserLifecycle(inOrder.database, sequence.userId, { ...ALL, category: "sessions" }, { now: NOW });
    expect(sessions.timeline.events.map((e) => e.type)).toEqual(["session.created", "session.ended", "session.created"]);

    const byArrival = await loadUserLifecycle(shuffled.database, sequence.userId, { ...ALL, sort: "received" }, { now: NOW });
    expect(byArrival.timeline.events.map((e) => e.type)).not.toEqual(sequence.envelopes.map((e) => e.type));
  });

  it("shows an open session before the deletion, and marks events dated after it", async () => {
    // Another user in the same database: every view is scoped by user id.
    const lena = userSequence("lena");
    const envelopes = lena.envelopes.filter((e) => e.type !== "user.deleted");
    for (const envelope of envelopes) await ingestSigned(inOrder.deps, SECRET, envelope);
    const twoDaysIn = T0 + 2 * 24 * 3600_000;
    const open = await loadUserLifecycle(inOrder.database, lena.userId, ALL, { now: twoDaysIn });
    expect(open.state.deleted).toBe(false);
    expect(open.state.activeSessions.map((s) => s.sessionId)).toEqual([lena.sessionIds[1]]);
    expect(open.state.activeSessions[0]!.device).toBe("Firefox on Macintosh · Lisbon, PT");
    // A week later its expire_at has passed: no longer active.
    const weekLater = await loadUserLifecycle(inOrder.database, lena.userId, ALL, { now: NOW });
    expect(weekLater.state.activeSessions).toEqual([]);

    // A session event dated after the deletion still shows, marked.
    await ingestSigned(inOrder.deps, SECRET, lena.envelopes.at(-1)!);
    const late = { ...envelopes[1]!, type: "session.ended", timestamp: T0 + 4 * 24 * 3600_000 };
    await ingestSigned(inOrder.deps, SECRET, late);
    const after = await loadUserLifecycle(inOrder.database, lena.userId, { ...ALL, dir: "desc" }, { now: NOW });
    expect(after.timeline.events[0]).toMatchObject({ type: "session.ended", afterDeletion: { type: "user.deleted" } });
    expect(after.timeline.events[1]!.afterDeletion).toBeNull();
  });

  it("infers the profile from a session's copy of the user when no user event is stored", async () => {
    const solo = userSequence("solo");
    const session = solo.envelopes[1]!;
    await ingestSigned(inOrder.deps, SECRET, { ...session, data: { ...session.data, user: solo.envelopes[0]!.data } });
    const lifecycle = await loadUserLifecycle(inOrder.database, solo.userId, ALL, { now: T0 + 3600_000 });
    expect(lifecycle.state.known).toBe(false);
    expect(lifecycle.state.profileSource).toBe("session_payload");
    expect(lifecycle.state.profile?.primaryEmail).toBe(solo.personalEmail);
    expect(lifecycle.state.inferred.join(" ")).toMatch(/inferred from the copy of the user inside session.created/);
  });
});
