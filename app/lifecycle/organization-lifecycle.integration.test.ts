import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { shuffledWithDuplicates } from "../../tests/support/lifecycle-sequences";
import { newMsgId, newSecret } from "../../tests/support/svix";
import { buildSampleStory } from "~/catalog/samples";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { loadOrganizationLifecycle, type OrganizationLifecycle } from "./organization-lifecycle.server";

const SECRET = newSecret();
const NOW = Date.UTC(2026, 10, 23, 12);
const story = buildSampleStory({ seed: 11, now: NOW });
const orgId = story.find((e) => e.type === "organization.created")!.data.id as string;
const QUERY = { category: null, sort: "timestamp" as const, dir: "asc" as const, limit: 200 };

async function fill(provider: "sqlite" | "postgres", order: { item: (typeof story)[number]; index: number }[], msgIds: string[]) {
  const database = await createTestDatabase(provider);
  await ensureDefaultSource(database.db);
  const deps: IngestDependencies = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
  for (const { item, index } of order) await ingestSigned(deps, SECRET, item, { msgId: msgIds[index] });
  return database;
}

function visible(lifecycle: OrganizationLifecycle) {
  const { state } = lifecycle;
  return {
    deleted: state.deleted,
    profile: state.profile,
    members: state.members.map((m) => [m.membershipId, m.role, m.current]),
    formerMembers: state.formerMembers.map((m) => [m.membershipId, m.role, m.leftAt]),
    invitations: state.invitations.map((i) => [i.invitationId, i.status, i.email]),
    domains: state.domains.map((d) => [d.name, d.verification, d.deleted]),
    memberHistory: lifecycle.memberHistory.changes.map((c) => [c.change, c.roleBefore, c.role]),
    updates: lifecycle.updates.map((u) => u.changes),
    timeline: lifecycle.timeline.events.map((e) => [e.svixId, e.type, e.summary, e.afterDeletion?.type ?? null]),
  };
}

describe.each(PROVIDERS)("organization lifecycle (%s)", (provider) => {
  const msgIds = story.map(() => newMsgId());
  let inOrder: TestDatabase;
  let shuffled: TestDatabase;

  beforeAll(async () => {
    inOrder = await fill(provider, story.map((item, index) => ({ item, index })), msgIds);
    shuffled = await fill(provider, shuffledWithDuplicates(story.map((item) => item), 3), msgIds);
  });
  afterAll(async () => {
    await inOrder?.drop();
    await shuffled?.drop();
  });

  it("shows members joining, changing role and leaving, invitations, domains and updates", async () => {
    const lifecycle = await loadOrganizationLifecycle(inOrder, orgId, QUERY, { now: NOW });
    const { state } = lifecycle;
    expect(state.deleted).toBe(true);
    expect(state.profile?.name).toBeTruthy();
    expect(state.asOf?.type).toBe("organization.updated");
    expect(state.inferred.join(" ")).toMatch(/last ones known before the organization was deleted/);

    expect(lifecycle.memberHistory.changes.map((c) => c.change)).toEqual(["left", "role_changed", "joined"]);
    expect(lifecycle.memberHistory.changes[1]).toMatchObject({ roleBefore: "org:member", role: "org:admin", beforeUnknown: false });
    expect(state.members).toEqual([]);
    expect(state.formerMembers).toHaveLength(1);

    expect(state.invitations.map((i) => i.status).sort()).toEqual(["accepted", "revoked"]);
    expect(state.invitations.find((i) => i.status === "accepted")!.acceptedBy).toMatch(/^user_/);
    expect(state.domains).toHaveLength(1);
    expect(state.domains[0]).toMatchObject({ verification: "verified", deleted: true });

    expect(lifecycle.updates).toHaveLength(1);
    expect(lifecycle.updates[0]!.changes).toContainEqual({ path: "public_metadata.industry", kind: "added", before: null, after: "logistics" });
    expect(lifecycle.updates[0]!.changes.some((c) => c.path === "updated_at")).toBe(false);

    const types = lifecycle.timeline.events.map((e) => e.type);
    expect(types[0]).toBe("organization.created");
    expect(types.at(-1)).toBe("organization.deleted");
    expect(lifecycle.timeline.total).toBe(types.length);
  });

  it("gives the same state and timeline when deliveries arrive shuffled and duplicated", async () => {
    const expected = visible(await loadOrganizationLifecycle(inOrder, orgId, QUERY, { now: NOW }));
    expect(visible(await loadOrganizationLifecycle(shuffled, orgId, QUERY, { now: NOW }))).toEqual(expected);
  });
});
