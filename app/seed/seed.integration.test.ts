// `hookline seed` against real SQLite and Postgres databases: the counts add up, and a
// seeded event is indistinguishable from an ingested one where it matters: the same
// columns from the same bytes, real signatures, listed, searchable and diffed alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { newSecret, signedHeaders } from "../../tests/support/svix";
import { bodyOf, decodeHeaders } from "~/deliveries/body-codec.server";
import { loadEventDetail } from "~/events/event-detail.server";
import { parseEventListQuery } from "~/events/event-filter";
import { listEvents } from "~/events/event-query.server";
import { indexPendingEvents } from "~/events/search.server";
import { ingestDelivery } from "~/ingest/ingest.server";
import { verifySignature } from "~/ingest/signature.server";
import { parseStoredHeaders } from "~/deliveries/stored-headers";
import { createSource, ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { seedDatabase, type SeedResult } from "./seed.server";

const SECRET = newSecret();
const EVENTS = 700;
const HEAVY = 300;

describe.each(PROVIDERS)("seed (%s)", (provider) => {
  let database: TestDatabase;
  let result: SeedResult;
  const db = () => database.db;
  const query = (search: string) => {
    const parsed = parseEventListQuery(new URLSearchParams(search));
    if (!parsed.ok) throw new Error(parsed.message);
    return listEvents(database, parsed.value);
  };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const source = await ensureDefaultSource(db());
    result = await seedDatabase(database, {
      events: EVENTS,
      users: 5,
      days: 7,
      seed: 42,
      sourceId: source.id,
      sourceSlug: source.slug,
      secret: SECRET,
      heavyUser: { userId: "user_heavy", events: HEAVY },
      failedRatio: 0.05,
      duplicateRatio: 0.05,
      batchSize: 250,
    });
  });
  afterAll(() => database.drop());

  it("stores exactly the events asked for, with their deliveries, duplicates and failures", async () => {
    expect(result.events).toBe(EVENTS + HEAVY);
    expect(await db().event.count()).toBe(EVENTS + HEAVY);
    expect(await db().delivery.count()).toBe(result.deliveries);
    expect(result.deliveries).toBe(EVENTS + HEAVY + result.duplicateDeliveries + result.failedDeliveries);
    expect(result.duplicateDeliveries).toBeGreaterThan(10);
    expect(result.failedDeliveries).toBeGreaterThan(10);
    expect(await db().delivery.count({ where: { outcome: "duplicate", duplicate: true, eventId: { not: null } } })).toBe(result.duplicateDeliveries);
    expect(await db().event.count({ where: { deliveryCount: 2 } })).toBe(result.duplicateDeliveries);
    expect(await db().delivery.count({ where: { eventId: null } })).toBe(result.failedDeliveries);
    const failed = await db().delivery.groupBy({ by: ["outcome"], where: { eventId: null }, _count: { _all: true } });
    expect(failed.map((f) => f.outcome).sort()).toEqual(expect.arrayContaining(["invalid_signature", "timestamp_out_of_tolerance"]));
    // Five story users plus the heavy one; every story user was created once.
    expect(await db().event.count({ where: { type: "user.created" } })).toBe(6);
    expect(await db().event.count({ where: { userId: "user_heavy" } })).toBe(HEAVY);
    // Nothing is left for the worker: indexed, and not news to auto-forward targets.
    expect(await db().event.count({ where: { OR: [{ searchIndexed: false }, { forwardScanned: false }] } })).toBe(0);
    const sevenDaysAgo = Date.now() - 7 * 24 * 60 * 60 * 1000 - 60_000;
    expect(await db().event.count({ where: { firstReceivedAt: { lt: new Date(sevenDaysAgo) } } })).toBe(0);
    expect(await db().event.count({ where: { firstReceivedAt: { gt: new Date() } } })).toBe(0);
  });

  it("signs every delivery for real, as Svix would", async () => {
    const sample = await db().delivery.findMany({ where: { outcome: { in: ["verified", "duplicate"] } }, take: 50 });
    for (const delivery of sample) {
      const headers = parseStoredHeaders(decodeHeaders(delivery.headers));
      const header = (name: string) => headers.find(([n]) => n === name)?.[1] ?? "";
      const check = verifySignature({
        secrets: [SECRET],
        svixId: header("svix-id"),
        svixTimestamp: header("svix-timestamp"),
        svixSignature: header("svix-signature"),
        body: bodyOf(delivery),
        nowSeconds: Math.floor(delivery.receivedAt.getTime() / 1000),
      });
      expect(check.ok).toBe(true);
    }
    // Stored as ingest stores them: compressed on SQLite, as received on Postgres (ADR 0017).
    // Seeded history is stored compacted on SQLite, as the worker leaves it; as received on Postgres.
    expect(new Set(sample.map((d) => d.bodyEncoding))).toEqual(new Set([provider === "sqlite" ? 1 : null]));
  });

  it("gives each event the columns ingest gives the same bytes", async () => {
    const replica = await createSource(db(), { slug: "replica", secrets: [SECRET] });
    const ingest = { db: db(), sources: new SourceResolver(db(), () => [], 0), maxBodyBytes: 1 << 20 };
    const seeded = await db().event.findMany({ take: 40, orderBy: { id: "asc" }, where: { sourceId: { not: replica.id } } });
    const bodies = new Map((await db().delivery.findMany({ where: { id: { in: seeded.map((e) => e.firstDeliveryId) } } })).map((d) => [d.id, d]));
    for (const event of seeded) {
      const body = bodyOf(bodies.get(event.firstDeliveryId)!);
      const answer = await ingestDelivery(ingest, {
        sourceSlug: "replica",
        body,
        size: body.length,
        tooLarge: false,
        headers: Object.entries(signedHeaders(SECRET, body)),
        remoteAddr: null,
        requestId: null,
      });
      expect(answer.outcome).toBe("verified");
      const ingested = await db().event.findUniqueOrThrow({ where: { id: answer.eventId! } });
      const columns = ({ type, knownType, timestampMs, instanceId, resourceType, resourceId, userId, organizationId, subscriptionId, payerId }: typeof event) => ({
        type, knownType, timestampMs, instanceId, resourceType, resourceId, userId, organizationId, subscriptionId, payerId,
      });
      expect(columns(ingested)).toEqual(columns(event));
    }
    await db().delivery.deleteMany({ where: { sourceId: replica.id } });
    await db().event.deleteMany({ where: { sourceId: replica.id } });
  });

  it("lists, filters and pages seeded events like ingested ones", async () => {
    const page = await query("limit=100");
    expect(page.events).toHaveLength(100);
    const timestamps = page.events.map((e) => e.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => b - a));
    const heavy = await query("resource=user_heavy&limit=500");
    expect(heavy.events).toHaveLength(HEAVY);
    const updates = await query("type=user.updated&resource=user_heavy&limit=500");
    expect(updates.events.length).toBeGreaterThan(50);
    expect(updates.events.every((e) => e.type === "user.updated")).toBe(true);
    const sessions = await query("type=session.*&limit=500");
    expect(sessions.events.length).toBeGreaterThan(0);
    expect(sessions.events.every((e) => e.type.startsWith("session."))).toBe(true);
  });

  it("finds seeded events by payload text, as the worker's index would", async () => {
    const [heavyCreated] = (await query("type=user.created&resource=user_heavy")).events;
    const payload = JSON.parse(bodyOf(await db().delivery.findFirstOrThrow({ where: { svixId: heavyCreated!.svixId, duplicate: false } })).toString()) as {
      data: { email_addresses: { email_address: string }[] };
    };
    const email = payload.data.email_addresses[0]!.email_address;
    const found = await query(`q=${encodeURIComponent(email)}&limit=500`);
    expect(found.events.map((e) => e.id)).toContain(heavyCreated!.id);
    expect(found.events.every((e) => e.userId === "user_heavy" || e.type.startsWith("email") || e.type.startsWith("organization"))).toBe(true);

    if (provider === "postgres") {
      // The bulk path writes the same document the worker's indexer would.
      const ids = (await db().event.findMany({ take: 25, select: { id: true } })).map((e) => e.id);
      const documents = async () =>
        new Map(
          (await db().$queryRawUnsafe<{ eventId: string; document: string }[]>(`SELECT "eventId", "document"::text AS "document" FROM "EventSearch" WHERE "eventId" = ANY($1)`, ids)).map((r) => [r.eventId, r.document]),
        );
      const seededDocuments = await documents();
      await db().$executeRawUnsafe(`DELETE FROM "EventSearch" WHERE "eventId" = ANY($1)`, ids);
      await db().event.updateMany({ where: { id: { in: ids } }, data: { searchIndexed: false } });
      expect(await indexPendingEvents(database, 100)).toBe(ids.length);
      expect(await documents()).toEqual(seededDocuments);
    }
  });

  it("diffs a seeded user.updated against the user's previous state", async () => {
    const updates = (await query("type=user.updated&resource=user_heavy&limit=500&dir=asc")).events;
    const later = updates[5]!;
    const detail = await loadEventDetail(database, later.id, { role: "viewer" });
    expect(detail?.diff?.from).not.toBeNull();
    expect(detail!.diff!.from!.timestamp).toBeLessThan(later.timestamp);
    expect(detail!.diff!.changes.length).toBeGreaterThan(0);
    expect(detail!.diff!.changes.some((c) => c.path.includes("updated_at") || c.path.includes("first_name") || c.path.includes("public_metadata"))).toBe(true);
  });
});
