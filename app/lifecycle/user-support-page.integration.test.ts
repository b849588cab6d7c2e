// What the support-first user page needs from the server (issue 13, B): organizations the
// user created join their timeline; the timeline can be searched and jumped to a date;
// metadata changes are per key; an inferred primary email says so.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { T0, userSequence } from "../../tests/support/lifecycle-sequences";
import { newSecret } from "../../tests/support/svix";
import { indexPendingEvents } from "~/events/search.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { parseTimelineQuery, type TimelineQuery } from "./timeline-query";
import { USER_CATEGORIES } from "./timeline-categories";
import { loadUserLifecycle } from "./user-lifecycle.server";

const SECRET = newSecret();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ALL: TimelineQuery = { category: null, sort: "timestamp", dir: "asc", limit: 100 };

describe.each(PROVIDERS)("the user page's data (%s)", (provider) => {
  const sequence = userSequence("chen");
  let database: TestDatabase;

  const envelope = (type: string, data: Record<string, unknown>, timestamp: number) => ({ object: "event", type, timestamp, instance_id: "ins_x", data });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    const deps: IngestDependencies = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    for (const item of sequence.envelopes) await ingestSigned(deps, SECRET, item);
    // An organization the user created (created_by), with no membership event stored for it,
    // and one created by somebody else that only mentions the user in its metadata.
    await ingestSigned(deps, SECRET, envelope("organization.created", { object: "organization", id: "org_chenco", name: "Chen & Co", slug: "chen-co", created_by: sequence.userId, created_at: T0 + 5 * HOUR }, T0 + 5 * HOUR));
    await ingestSigned(deps, SECRET, envelope("organization.created", { object: "organization", id: "org_other", name: "Other Inc", created_by: "user_someone_else", public_metadata: { contact: sequence.userId } }, T0 + 6 * HOUR));
    // A user who changes metadata keys and has no primary_email_address_id.
    const base = { object: "user", id: "user_meta", first_name: "Meta", last_name: "Data", email_addresses: [{ id: "idn_m1", email_address: "first@meta.example" }, { id: "idn_m2", email_address: "second@meta.example" }], created_at: T0 };
    await ingestSigned(deps, SECRET, envelope("user.created", { ...base, public_metadata: { plan: "free", seats: 1 } }, T0));
    await ingestSigned(deps, SECRET, envelope("user.updated", { ...base, public_metadata: { plan: "business", seats: 1, flags: { beta: true } } }, T0 + DAY));
    for (let i = 0; i < 7; i++) {
      await ingestSigned(deps, SECRET, envelope("user.updated", { ...base, public_metadata: { plan: "business", seats: i + 2, flags: { beta: true } } }, T0 + 2 * DAY + i * HOUR));
    }
    while ((await indexPendingEvents(database, 500)) > 0);
  });
  afterAll(() => database?.drop());

  it("puts the organizations a user created in their timeline, in words", async () => {
    const lifecycle = await loadUserLifecycle(database, sequence.userId, ALL);
    const created = lifecycle.timeline.events.filter((e) => e.type === "organization.created");
    expect(created.map((e) => [e.resourceId, e.summary, e.createdBySubject])).toEqual([["org_chenco", "Created organization Chen & Co", true]]);
    expect(lifecycle.timeline.total).toBe(sequence.envelopes.length + 1);
    expect(lifecycle.timeline.counts.organizations).toBe(4);
    expect(lifecycle.createdOrganizations.map((c) => [c.organizationId, c.name])).toEqual([["org_chenco", "Chen & Co"]]);
    // In envelope order with the rest.
    const types = lifecycle.timeline.events.map((e) => e.type);
    expect(types.indexOf("organization.created")).toBe(types.indexOf("session.ended") + 1);
  });

  it("searches within the timeline by payload text or type, and counts what matches", async () => {
    const byText = await loadUserLifecycle(database, sequence.userId, { ...ALL, q: "Acme Robotics" });
    expect(new Set(byText.timeline.events.map((e) => e.resourceType))).toEqual(new Set(["organizationMembership"]));
    expect(byText.timeline.total).toBe(3);
    const byType = await loadUserLifecycle(database, sequence.userId, { ...ALL, q: "session.created" });
    expect(byType.timeline.events.map((e) => e.type)).toEqual(["session.created", "session.created"]);
    expect(byType.timeline.counts.sessions).toBe(2);
  });

  it("jumps to a date: newest first from the end of that day, oldest first from its start", async () => {
    const day1 = new Date(T0 + DAY).toISOString().slice(0, 10);
    const newest = await loadUserLifecycle(database, sequence.userId, { ...ALL, dir: "desc", at: day1 });
    expect(newest.timeline.events[0]!.timestamp).toBeLessThan(Date.parse(`${day1}T00:00:00Z`) + DAY);
    expect(newest.timeline.events[0]!.type).toBe("session.created");
    const oldest = await loadUserLifecycle(database, sequence.userId, { ...ALL, dir: "asc", at: day1 });
    expect(oldest.timeline.events[0]!.type).toBe("organizationMembership.updated");
    expect(oldest.timeline.events.every((e) => e.timestamp >= Date.parse(`${day1}T00:00:00Z`))).toBe(true);
  });

  it("reads q and at from the URL, and refuses a bad date", () => {
    const parse = (search: string) => parseTimelineQuery(new URLSearchParams(search), { categories: USER_CATEGORIES, defaultDir: "desc", defaultLimit: 100 });
    expect(parse("q=acme&at=2026-10-02")).toMatchObject({ ok: true, value: { q: "acme", at: "2026-10-02" } });
    expect(parse("at=yesterday")).toMatchObject({ ok: false, parameter: "at" });
    expect(parse("at=2026-02-31").ok).toBe(true);
    expect(parse("at=2026-13-01")).toMatchObject({ ok: false, parameter: "at" });
  });

  it("lists metadata changes per key, and marks the first address as an inferred primary", async () => {
    const lifecycle = await loadUserLifecycle(database, "user_meta", ALL);
    const changes = lifecycle.fieldHistory.changes.filter((c) => !c.initial).map((c) => [c.field, c.key, c.before, c.after]);
    expect(changes.slice(0, 2)).toEqual([
      ["publicMetadata.plan", "plan", "free", "business"],
      ["publicMetadata.flags", "flags", null, '{"beta":true}'],
    ]);
    expect(changes.filter(([field]) => field === "publicMetadata.seats")).toHaveLength(7);
    const update = lifecycle.timeline.events.find((e) => e.type === "user.updated")!;
    expect(update.changes).toContainEqual({ label: "Public metadata · plan", before: "free", after: "business" });

    const { profile } = lifecycle.state;
    expect(profile).toMatchObject({ primaryEmail: "first@meta.example", primaryEmailInferred: true });
    expect(profile!.emails.map((e) => [e.address, e.primary])).toEqual([
      ["first@meta.example", true],
      ["second@meta.example", false],
    ]);
    expect(lifecycle.state.inferred.join(" ")).toMatch(/primary email is inferred/);
  });
});
