// Re-verification against real SQLite and Postgres databases: deliveries stored by the
// real ingest (signed by the real svix library) that failed, a secret fixed, and the
// stored bytes checked again through the pages' actions and the module.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newMsgId, newSecret, signedHeaders } from "../../tests/support/svix";
import { getEventRow, toApiEvent } from "~/events/event-query.server";
import { ingestDelivery, type IngestDependencies, type IngestResult } from "~/ingest/ingest.server";
import { action as deliveryAction, loader as deliveryLoader } from "~/routes/deliveries.$id";
import { action as deliveriesAction } from "~/routes/deliveries._index";
import { createSource, setSourceSecrets, SourceResolver } from "~/sources/sources.server";
import { reverifyDelivery, reverifyFailedDeliveries } from "./reverify.server";

const RIGHT = newSecret();
const WRONG = newSecret();

/** Every delivery in these tests is stored (no rate limit is configured). */
function stored(result: IngestResult): IngestResult & { deliveryId: string } {
  if (result.deliveryId === null) throw new Error(`not stored: ${result.detail}`);
  return { ...result, deliveryId: result.deliveryId };
}

function userBody(type: string, id: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify(envelope(type, { id, object: "user", first_name: "Jane", ...extra }));
}

describe.each(PROVIDERS)("re-verification (%s)", (provider) => {
  let ctx: RouteTestContext;
  let ingest: IngestDependencies;
  const db = () => ctx.database.db;
  const reverifyDeps = () => ({ db: db(), sources: new SourceResolver(db(), () => [], 0) });

  /** Posts through the real ingest function, signed with `secret`, to `source`. */
  async function deliver(source: string, secret: string, body: string, options: { msgId?: string; signedAt?: Date; receivedAt?: Date } = {}) {
    const headers = signedHeaders(secret, body, { msgId: options.msgId, timestamp: options.signedAt });
    return stored(await ingestDelivery(ingest, {
      sourceSlug: source,
      body: Buffer.from(body),
      size: Buffer.byteLength(body),
      tooLarge: false,
      headers: Object.entries(headers),
      remoteAddr: "10.0.0.7",
      requestId: "req-test",
      receivedAt: options.receivedAt,
    }));
  }

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    // The ingest path caches sources for 0 ms here, so a fixed secret applies at once.
    ingest = { db: db(), sources: new SourceResolver(db(), () => [], 0), maxBodyBytes: 1024 * 1024 };
    await createSource(db(), { slug: "dev", name: "Dev", secrets: [WRONG] });
  });
  afterAll(() => ctx.database.drop());

  it("turns a delivery stored as invalid_signature into an event once the secret is fixed", async () => {
    const body = userBody("user.created", "user_fix1");
    const failed = await deliver("dev", RIGHT, body);
    expect([failed.outcome, failed.status]).toEqual(["invalid_signature", 401]);

    // Still the wrong secret: nothing changes.
    const early = await reverifyDelivery(reverifyDeps(), failed.deliveryId, { actor: "ops@example.com" });
    expect(early.status).toBe("still_invalid");
    expect((await db().delivery.findUniqueOrThrow({ where: { id: failed.deliveryId } })).outcome).toBe("invalid_signature");

    await setSourceSecrets(db(), "dev", [WRONG, RIGHT]);
    const operator = await ctx.cookieFor("operator");
    const form = new URLSearchParams({ intent: "reverify" });
    const answer = await deliveryAction({
      request: ctx.request(`/deliveries/${failed.deliveryId}`, { method: "POST", body: form, cookie: operator }),
      params: { id: failed.deliveryId },
      context: {},
    });
    const reverified = (answer as { reverified: { status: string; eventId: string; outsideTolerance: boolean } }).reverified;
    expect(reverified).toMatchObject({ status: "verified", outsideTolerance: false });

    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: failed.deliveryId } });
    expect(delivery.outcome).toBe("verified");
    expect(delivery.eventId).toBe(reverified.eventId);
    expect(delivery.status).toBe(401); // what was answered at the time stays on record
    expect(delivery.outcomeDetail).toMatch(/re-verified at \d{4}-.*; was invalid_signature \(No configured secret/);

    const event = toApiEvent((await getEventRow(ctx.database, reverified.eventId))!);
    expect(event).toMatchObject({ type: "user.created", source: "dev", resourceId: "user_fix1", userId: "user_fix1", verifiedOutsideTolerance: false });
    expect(event.receivedAt).toBe(delivery.receivedAt.toISOString());

    // The page shows the event link and the history; the audit log says who did it.
    const viewer = await ctx.cookieFor("viewer");
    const page = await deliveryLoader({ request: ctx.request(`/deliveries/${failed.deliveryId}`, { cookie: viewer }), params: { id: failed.deliveryId }, context: {} });
    expect(page.delivery.event).toMatchObject({ id: reverified.eventId, type: "user.created" });
    expect(page.delivery.reverifyBlocker).toBe("It already belongs to an event.");
    const audit = await db().auditEntry.findMany({ where: { action: "delivery.reverify", subject: failed.deliveryId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => JSON.parse(a.detail!).status)).toEqual(["still_invalid", "verified"]);
    expect(audit[1]!.actor).toMatch(/^operator-/);
  });

  it("makes an event flagged verifiedOutsideTolerance from a delivery whose timestamp was too old when it arrived", async () => {
    const body = userBody("user.updated", "user_late");
    const receivedAt = new Date();
    const late = await deliver("dev", RIGHT, body, { signedAt: new Date(receivedAt.getTime() - 11 * 60 * 1000), receivedAt });
    expect(late.outcome).toBe("timestamp_out_of_tolerance");

    const result = await reverifyDelivery(reverifyDeps(), late.deliveryId, { actor: "ops@example.com" });
    expect(result).toMatchObject({ status: "verified", outsideTolerance: true });
    const event = toApiEvent((await getEventRow(ctx.database, result.eventId!))!);
    expect(event).toMatchObject({ type: "user.updated", resourceId: "user_late", verifiedOutsideTolerance: true });
    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: late.deliveryId } });
    expect(delivery.outcomeDetail).toMatch(/outside|more than 5 minutes/);
    expect(delivery.outcomeDetail).toMatch(/was timestamp_out_of_tolerance/);
  });

  it("does not flag a delivery that was on time when it arrived, however long ago that was", async () => {
    await createSource(db(), { slug: "archive", secrets: [WRONG] });
    const arrived = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000);
    const old = await deliver("archive", RIGHT, userBody("user.updated", "user_ontime"), { signedAt: arrived, receivedAt: arrived });
    expect(old.outcome).toBe("invalid_signature");
    await setSourceSecrets(db(), "archive", [RIGHT]);
    const result = await reverifyDelivery(reverifyDeps(), old.deliveryId, { actor: "ops" });
    expect(result).toMatchObject({ status: "verified", outsideTolerance: false });
    expect((await db().event.findUniqueOrThrow({ where: { id: result.eventId! } })).verifiedOutsideTolerance).toBe(false);
  });

  it("re-verifies every failed delivery of a source since T, oldest first, with Svix retries becoming duplicates", async () => {
    await createSource(db(), { slug: "staging", name: "Staging", secrets: [WRONG] });
    const since = new Date(Date.now() - 1000);
    const retried = userBody("user.updated", "user_retry", { last_name: "Doe" });
    const msgId = newMsgId();
    const first = await deliver("staging", RIGHT, retried, { msgId });
    const second = await deliver("staging", RIGHT, retried, { msgId });
    const other = await deliver("staging", RIGHT, userBody("user.created", "user_other"));
    const forged = await deliver("staging", newSecret(), userBody("user.deleted", "user_forged"));
    const noHeaders = stored(
      await ingestDelivery(ingest, {
        sourceSlug: "staging",
        body: Buffer.from("{}"),
        size: 2,
        tooLarge: false,
        headers: [["content-type", "application/json"]],
        remoteAddr: null,
        requestId: null,
      }),
    );
    expect([first, second, other, forged].map((r) => r.outcome)).toEqual(Array(4).fill("invalid_signature"));
    expect(noHeaders.outcome).toBe("missing_headers");

    await setSourceSecrets(db(), "staging", [RIGHT]);
    const admin = await ctx.cookieFor("admin");
    const answer = await deliveriesAction({
      request: ctx.request("/deliveries", {
        method: "POST",
        cookie: admin,
        body: new URLSearchParams({ intent: "reverify-source", source: "staging", since: since.toISOString() }),
      }),
      params: {},
      context: {},
    });
    const summary = (answer as { summary: { checked: number; counts: Record<string, number>; remaining: boolean } }).summary;
    expect(summary).toMatchObject({ checked: 4, remaining: false, counts: { verified: 2, duplicate: 1, still_invalid: 1, malformed_payload: 0 } });

    const event = await db().event.findUniqueOrThrow({ where: { svixId_sourceId: { svixId: msgId, sourceId: (await db().source.findUniqueOrThrow({ where: { slug: "staging" } })).id } } });
    expect(event.firstDeliveryId).toBe(first.deliveryId);
    expect(event.deliveryCount).toBe(2);
    const [a, b] = await Promise.all([first, second].map((d) => db().delivery.findUniqueOrThrow({ where: { id: d.deliveryId } })));
    expect([a!.outcome, a!.duplicate, b!.outcome, b!.duplicate]).toEqual(["verified", false, "duplicate", true]);
    expect((await db().delivery.findUniqueOrThrow({ where: { id: forged.deliveryId } })).outcome).toBe("invalid_signature");
    expect((await db().delivery.findUniqueOrThrow({ where: { id: noHeaders.deliveryId } })).outcome).toBe("missing_headers");

    // Running it again finds nothing new to do.
    const again = await reverifyFailedDeliveries(reverifyDeps(), { source: "staging", since }, { actor: "ops" });
    expect(again.counts).toMatchObject({ verified: 0, duplicate: 0, still_invalid: 1 });
    expect(await db().auditEntry.count({ where: { action: "deliveries.reverify", subject: "staging" } })).toBe(2);
  });

  it("makes events of deliveries that reached a source before it existed", async () => {
    const body = userBody("user.created", "user_early_bird");
    const before = await deliver("prod-eu", RIGHT, body);
    expect(before.outcome).toBe("unknown_source");
    await createSource(db(), { slug: "prod-eu", secrets: [RIGHT] });
    const result = await reverifyDelivery(reverifyDeps(), before.deliveryId, { actor: "ops" });
    expect(result.status).toBe("verified");
    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: before.deliveryId }, include: { source: true } });
    expect((delivery as typeof delivery & { source: { slug: string } | null }).source?.slug).toBe("prod-eu");
    expect(delivery.outcomeDetail).toMatch(/was unknown_source/);
  });

  it("makes exactly one event when two people re-verify the same delivery at once", async () => {
    await setSourceSecrets(db(), "dev", [WRONG]);
    const failed = await deliver("dev", RIGHT, userBody("user.updated", "user_race2"));
    await setSourceSecrets(db(), "dev", [RIGHT]);
    const results = await Promise.all([1, 2, 3].map(() => reverifyDelivery(reverifyDeps(), failed.deliveryId, { actor: "ops" })));
    expect(results.filter((r) => r.status === "verified")).toHaveLength(1);
    expect(results.filter((r) => r.status === "not_reverifiable")).toHaveLength(2);
    const events = await db().event.findMany({ where: { resourceId: "user_race2" } });
    expect(events).toHaveLength(1);
    expect(events[0]!.deliveryCount).toBe(1);
  });

  it("refuses re-verification to viewers", async () => {
    const viewer = await ctx.cookieFor("viewer");
    const failed = await deliver("dev", newSecret(), userBody("user.updated", "user_v"));
    const single = await deliveryAction({
      request: ctx.request(`/deliveries/${failed.deliveryId}`, { method: "POST", cookie: viewer, body: new URLSearchParams({ intent: "reverify" }) }),
      params: { id: failed.deliveryId },
      context: {},
    }).catch((r) => r as Response);
    expect((single as Response).status).toBe(403);
    const bulk = await deliveriesAction({
      request: ctx.request("/deliveries", { method: "POST", cookie: viewer, body: new URLSearchParams({ intent: "reverify-source", source: "dev", since: "2020-01-01T00:00" }) }),
      params: {},
      context: {},
    }).catch((r) => r as Response);
    expect((bulk as Response).status).toBe(403);
  });
});
