// Failure groups on real SQLite and Postgres: deliveries stored by the real ingest
// (signed by the real svix library, with the wrong secret or to a slug that does not
// exist), grouped, then re-verified group by group once the secret is fixed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { ingestDelivery, type IngestDependencies } from "~/ingest/ingest.server";
import { action as deliveriesAction, loader as deliveriesLoader } from "~/routes/deliveries._index";
import { createSource, setSourceSecrets, SourceResolver } from "~/sources/sources.server";
import { Prisma } from "~/generated/sqlite/client";
import { failureGroupsSql, idTime, loadFailureGroups, SPARKLINE_POINTS } from "./failure-groups.server";

const RIGHT = newSecret();
const WRONG = newSecret();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(PROVIDERS)("failure groups (%s)", (provider) => {
  let ctx: RouteTestContext;
  let ingest: IngestDependencies;
  const db = () => ctx.database.db;
  const now = Date.now();

  /** Signed at the time it is received (`receivedAt`, or now). */
  async function deliver(source: string, secret: string, receivedAt: number, type = "user.created") {
    const body = JSON.stringify(envelope(type, { id: `user_${receivedAt}`, object: "user" }, receivedAt));
    const headers = signedHeaders(secret, body, { timestamp: new Date(receivedAt) });
    const result = await ingestDelivery(ingest, {
      sourceSlug: source,
      body: Buffer.from(body),
      size: Buffer.byteLength(body),
      tooLarge: false,
      headers: Object.entries(headers),
      remoteAddr: "10.0.0.9",
      requestId: null,
      receivedAt: new Date(receivedAt),
    });
    return result;
  }

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    ingest = { db: db(), sources: new SourceResolver(db(), () => [], 0), maxBodyBytes: 1024 * 1024 };
    // The secret configured for "dev" is not the one Svix signs with.
    await createSource(db(), { slug: "dev", name: "Dev", secrets: [WRONG] });
    for (const ago of [3 * HOUR, 2 * HOUR, 20 * 60 * 1000]) expect((await deliver("dev", RIGHT, now - ago)).outcome).toBe("invalid_signature");
    for (const ago of [HOUR, 50 * 60 * 1000]) expect((await deliver("ghost", RIGHT, now - ago)).outcome).toBe("unknown_source");
    // Older than the default window (7 days).
    expect((await deliver("dev", RIGHT, now - 10 * DAY)).outcome).toBe("invalid_signature");
    // Verified deliveries are not failures.
    expect((await deliver("dev", WRONG, Date.now())).outcome).toBe("verified");
  });
  afterAll(() => ctx.database.drop());

  it("groups the failures of the last 7 days by source and outcome, largest first, with first and last seen", async () => {
    const result = await loadFailureGroups(ctx.database, {}, now);
    expect(result.window).toBe("default");
    expect(result.groups.map((g) => [g.source, g.outcome, g.count])).toEqual([
      ["dev", "invalid_signature", 3],
      ["ghost", "unknown_source", 2],
    ]);
    const [dev, ghost] = result.groups;
    expect(Date.parse(dev!.firstSeen)).toBe(now - 3 * HOUR);
    expect(Date.parse(dev!.lastSeen)).toBe(now - 20 * 60 * 1000);
    expect(idTime(dev!.firstId)).toBe(now - 3 * HOUR);
    expect(dev!.reverifiable).toBe(true);
    expect(dev!.sourceExists).toBe(true);
    expect(ghost!.sourceExists).toBe(false);
    // The sparkline spreads the group over the window; the failures are in its last steps.
    expect(dev!.sparkline).toHaveLength(SPARKLINE_POINTS);
    expect(dev!.sparkline.reduce((a, b) => a + b, 0)).toBe(3);
    expect(dev!.sparkline.at(-1)).toBe(3);
    expect(dev!.sparkline.slice(0, -1).every((n) => n === 0)).toBe(true);
  });

  it("follows the page's source, outcome and time window", async () => {
    expect((await loadFailureGroups(ctx.database, { source: "ghost" }, now)).groups.map((g) => g.count)).toEqual([2]);
    expect((await loadFailureGroups(ctx.database, { outcome: "unknown_source" }, now)).groups.map((g) => g.source)).toEqual(["ghost"]);
    expect((await loadFailureGroups(ctx.database, { outcome: "no_secret" }, now)).groups).toEqual([]);
    const lastHour = await loadFailureGroups(ctx.database, { from: new Date(now - HOUR - 1000) }, now);
    expect(lastHour.groups.map((g) => [g.source, g.count])).toEqual([["ghost", 2], ["dev", 1]]);
    // An hour has 3 steps of 20 minutes (an id prefix is ~17.5 min; no step is shorter).
    expect(lastHour.groups[0]!.sparkline).toHaveLength(3);
    expect(lastHour.groups[0]!.sparkline.reduce((a, b) => a + b, 0)).toBe(2);
    // An 11-day window reaches the old failure, spread over 24 steps of 11 hours.
    const long = await loadFailureGroups(ctx.database, { from: new Date(now - 11 * DAY), to: new Date(now) }, now);
    expect(long.window).toBe("given");
    const dev = long.groups.find((g) => g.source === "dev")!;
    expect(dev.count).toBe(4);
    expect(dev.sparkline.reduce((a, b) => a + b, 0)).toBe(4);
    expect(dev.sparkline[2]).toBe(1);
    // A year is cut to the last 31 days.
    expect((await loadFailureGroups(ctx.database, { from: new Date(now - 365 * DAY) }, now)).window).toBe("clipped");
  });

  it("reads the index [sourceSlug, outcome, id] only, never the rows (SQLite's plan)", async () => {
    if (provider !== "sqlite") return; // Postgres picks by table statistics; the plan at 1M rows is in the report.
    for (const source of [undefined, "dev"]) {
      const sql = failureGroupsSql("sqlite", { source, outcomes: ["invalid_signature", "unknown_source"], from: now - DAY, to: now });
      const plan = (await db().$queryRaw<{ detail: string }[]>(Prisma.sql`EXPLAIN QUERY PLAN ${sql}`)).map((row) => row.detail).join("\n");
      expect(plan).toMatch(/SEARCH d USING COVERING INDEX Delivery_sourceSlug_outcome_id_idx \(sourceSlug=\? AND outcome=\? AND id>\? AND id<\?\)/);
      expect(plan).not.toMatch(/SCAN d\b/);
    }
  });

  it("re-verifies one group from the page once the secret is fixed, and the group goes", async () => {
    await setSourceSecrets(db(), "dev", [WRONG, RIGHT]);
    const operator = await ctx.cookieFor("operator");
    const before = await loadFailureGroups(ctx.database, {}, now);
    const dev = before.groups.find((g) => g.source === "dev")!;
    const form = new URLSearchParams({ intent: "reverify-group", source: "dev", outcome: "invalid_signature", since: dev.firstSeen, until: dev.lastSeen });
    const viewer = await deliveriesAction({ request: ctx.request("/deliveries", { method: "POST", body: form, cookie: await ctx.cookieFor("viewer") }), params: {}, context: {} }).catch((r: Response) => r);
    expect((viewer as Response).status).toBe(403);
    const result = await deliveriesAction({ request: ctx.request("/deliveries", { method: "POST", body: form, cookie: operator }), params: {}, context: {} });
    const summary = ("data" in result ? result.data : result).summary!;
    expect(summary.checked).toBe(3);
    expect(summary.counts.verified).toBe(3);
    // The group is gone; the one outside the window and the other source's group stay.
    const after = await loadFailureGroups(ctx.database, {}, now);
    expect(after.groups.map((g) => [g.source, g.outcome, g.count])).toEqual([["ghost", "unknown_source", 2]]);
    expect((await loadFailureGroups(ctx.database, { from: new Date(now - 11 * DAY) }, now)).groups.find((g) => g.source === "dev")?.count).toBe(1);
  });

  it("is on the page for every signed-in role, and a bad group form is a 400", async () => {
    const page = await deliveriesLoader({ request: ctx.request("/deliveries?source=ghost", { cookie: await ctx.cookieFor("viewer") }), params: {}, context: {} });
    expect(page.failureGroups?.groups.map((g) => g.count)).toEqual([2]);
    // The list shows the type the failed bodies claim, apart from any event's type.
    expect(page.items.map((d) => [d.type, d.claimedType])).toEqual([
      [null, "user.created"],
      [null, "user.created"],
    ]);
    const verified = await deliveriesLoader({ request: ctx.request("/deliveries?outcome=verified", { cookie: await ctx.cookieFor("viewer") }), params: {}, context: {} });
    expect(verified.failureGroups).toBeNull();
    expect(verified.items[0]!.type).toBe("user.created");
    expect(verified.items[0]!.claimedType ?? null).toBeNull();
    const bad = await deliveriesAction({
      request: ctx.request("/deliveries", { method: "POST", body: new URLSearchParams({ intent: "reverify-group", source: "dev", outcome: "verified", since: "x" }), cookie: await ctx.cookieFor("operator") }),
      params: {},
      context: {},
    });
    expect("init" in bad ? bad.init?.status : 200).toBe(400);
  });
});
