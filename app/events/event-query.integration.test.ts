import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { envelope, newSecret } from "../../tests/support/svix";
import { parseEventListQuery } from "./event-filter";
import { countEvents, listEvents } from "./event-query.server";
import { indexPendingEvents } from "./search.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { createSource, ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SECRET = newSecret();
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function query(params: Record<string, string | string[]>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
  const parsed = parseEventListQuery(search);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe.each(PROVIDERS)("listing events (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    await createSource(database.db, { slug: "dev", secrets: [SECRET] });
    deps = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    const user = (id: string, email: string) => ({ id, object: "user", email_addresses: [{ email_address: email }] });
    // 30 user events for user_a, 10 session events for user_b, 5 org events, 1 on the dev source.
    for (let i = 0; i < 30; i++) {
      await ingestSigned(deps, SECRET, envelope(i === 0 ? "user.created" : "user.updated", user("user_a", `jane${i}@example.com`), T0 + i * 1000));
    }
    for (let i = 0; i < 10; i++) {
      await ingestSigned(deps, SECRET, envelope("session.created", { id: `sess_${i}`, object: "session", user_id: "user_b" }, T0 + 100_000 + i));
    }
    for (let i = 0; i < 5; i++) {
      await ingestSigned(deps, SECRET, envelope("organization.updated", { id: "org_1", object: "organization", name: `Acme ${i}` }, T0 - 10_000 + i));
    }
    await ingestSigned(deps, SECRET, envelope("user.created", user("user_dev", "dev@example.com"), T0), { source: "dev" });
    while ((await indexPendingEvents(database, 7)) > 0);
  });
  afterAll(() => database.drop());

  it("pages newest-first by envelope timestamp without skipping or repeating", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let timestamps: number[] = [];
    do {
      const page = await listEvents(database, query({ limit: "7", ...(cursor ? { cursor } : {}) }));
      seen.push(...page.events.map((e) => e.id));
      timestamps = timestamps.concat(page.events.map((e) => e.timestamp));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(46);
    expect(new Set(seen).size).toBe(46);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => b - a));
  });

  it("filters by exact type and by user.* groups", async () => {
    expect((await listEvents(database, query({ type: "session.created", limit: "100" }))).events).toHaveLength(10);
    const users = await listEvents(database, query({ type: "user.*", limit: "100" }));
    expect(users.events).toHaveLength(31);
    expect(users.events.every((e) => e.type.startsWith("user."))).toBe(true);
    expect(await countEvents(database, query({ type: ["user.created", "organization.*"] }).filter)).toBe(7);
  });

  it("finds every event touching an id, whatever column holds it", async () => {
    expect(await countEvents(database, { resource: "user_b" })).toBe(10);
    expect(await countEvents(database, { resource: "sess_3" })).toBe(1);
    expect(await countEvents(database, { resource: "org_1" })).toBe(5);
  });

  it("filters by source, time window and duplicates", async () => {
    expect(await countEvents(database, { source: "dev" })).toBe(1);
    const window = query({ from: new Date(T0 + 5000).toISOString(), to: new Date(T0 + 9000).toISOString() });
    expect(await countEvents(database, window.filter)).toBe(5);
    expect(await countEvents(database, { outcome: "duplicate" })).toBe(0);
  });

  it("searches payload text, including an email address", async () => {
    const hits = await listEvents(database, query({ q: "jane7@example.com" }));
    expect(hits.events.map((e) => e.type)).toEqual(["user.updated"]);
    expect(await countEvents(database, { q: "Acme" })).toBe(5);
    expect(await countEvents(database, { q: 'no "such" thing' })).toBe(0);
  });

  it("sorts by time received, ascending", async () => {
    const page = await listEvents(database, query({ sort: "received", dir: "asc", limit: "3" }));
    expect(page.events[0]!.type).toBe("user.created");
    expect(page.nextCursor).not.toBeNull();
    const next = await listEvents(database, query({ sort: "received", dir: "asc", limit: "3", cursor: page.nextCursor! }));
    expect(next.events[0]!.receivedAt >= page.events[2]!.receivedAt).toBe(true);
  });
});

describe.each(PROVIDERS)("paging through events with equal timestamps (%s)", (provider) => {
  let database: TestDatabase;
  // Every stored event as [timestamp, id, type], in the order the test expects: envelope time, then id.
  const stored: { timestamp: number; id: string; type: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    const deps: IngestDependencies = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    // Groups of 5, 4 and 3 events sharing one timestamp, sent out of time order (ids
    // follow arrival), so page boundaries fall inside the ties.
    const timestamps = [T0 + 2000, T0, T0 + 2000, T0 + 1000, T0, T0 + 2000, T0 + 3000, T0, T0 + 2000, T0 + 1000, T0 - 500, T0 + 2000, T0, T0 + 1000, T0, T0 + 4000];
    for (const [i, timestamp] of timestamps.entries()) {
      const type = i % 3 === 0 ? "session.created" : "user.updated";
      const result = await ingestSigned(deps, SECRET, envelope(type, { id: `obj_${i}`, object: "user" }, timestamp));
      stored.push({ timestamp, id: result.eventId!, type });
    }
    stored.sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  });
  afterAll(() => database.drop());

  async function pageThrough(params: Record<string, string | string[]>): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEvents(database, query({ ...params, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && seen.length <= stored.length);
    return seen;
  }

  it.each(["1", "2", "3", "4"])("returns every event once, in order, both ways, %s per page", async (limit) => {
    const ascending = stored.map((e) => e.id);
    expect(await pageThrough({ dir: "asc", limit })).toEqual(ascending);
    expect(await pageThrough({ dir: "desc", limit })).toEqual([...ascending].reverse());
  });

  it("pages the same way under a type filter", async () => {
    const sessions = stored.filter((e) => e.type === "session.created").map((e) => e.id);
    expect(sessions.length).toBeGreaterThan(3);
    expect(await pageThrough({ type: "session.created", dir: "asc", limit: "2" })).toEqual(sessions);
    expect(await pageThrough({ type: "session.created", dir: "desc", limit: "2" })).toEqual([...sessions].reverse());
    const both = stored.filter((e) => e.type === "session.created" || e.type === "user.updated").map((e) => e.id);
    expect(await pageThrough({ type: ["session.created", "user.updated"], dir: "desc", limit: "3" })).toEqual([...both].reverse());
  });
});

describe("filter parsing", () => {
  it("names the bad parameter", () => {
    const cases: [Record<string, string>, string][] = [
      [{ limit: "501" }, "limit"],
      [{ limit: "ten" }, "limit"],
      [{ from: "yesterday" }, "from"],
      [{ sort: "size" }, "sort"],
      [{ outcome: "invalid_signature" }, "outcome"],
      [{ type: "<script>" }, "type"],
    ];
    for (const [params, parameter] of cases) {
      const parsed = parseEventListQuery(new URLSearchParams(params));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.parameter).toBe(parameter);
        expect(parsed.message).toContain(`\`${parameter}\``);
      }
    }
  });

  it("reads repeated and comma-separated types and ignores empty values", () => {
    const parsed = parseEventListQuery(new URLSearchParams("type=user.*&type=session.created,session.ended&q=&outcome="));
    expect(parsed).toMatchObject({ ok: true, value: { filter: { type: ["user.*", "session.created", "session.ended"] }, limit: 50, sort: "timestamp", dir: "desc" } });
  });
});
