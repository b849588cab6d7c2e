// GET /api/v1/deliveries and the /deliveries page loaders against real SQLite and
// Postgres databases, with deliveries stored by the real ingest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { ingestDelivery, type IngestDependencies } from "~/ingest/ingest.server";
import { loader as apiLoader } from "~/routes/api.v1.deliveries";
import { loader as deliveryLoader } from "~/routes/deliveries.$id";
import { loader as listLoader } from "~/routes/deliveries._index";
import { createSource, SourceResolver } from "~/sources/sources.server";
import type { ApiDelivery } from "./deliveries.server";

const SECRET = newSecret();

describe.each(PROVIDERS)("deliveries API and pages (%s)", (provider) => {
  let ctx: RouteTestContext;
  let ingest: IngestDependencies;
  let viewerToken: string;
  const stored: { id: string; outcome: string; source: string; receivedAt: Date }[] = [];
  const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);

  async function deliver(source: string, body: string | Buffer, headers: Record<string, string>, receivedAt: Date) {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const result = await ingestDelivery(ingest, {
      sourceSlug: source,
      body: bytes,
      size: bytes.length,
      tooLarge: false,
      headers: Object.entries(headers),
      remoteAddr: "203.0.113.9",
      requestId: "req-1",
      receivedAt,
    });
    if (result.deliveryId === null) throw new Error(`not stored: ${result.detail}`);
    stored.push({ id: result.deliveryId, outcome: result.outcome, source, receivedAt });
    return { ...result, deliveryId: result.deliveryId };
  }

  async function api(query: string, authorization: string | null = viewerToken) {
    const response = await apiLoader({
      request: ctx.request(`/api/v1/deliveries${query}`, { headers: authorization ? { authorization } : {} }),
      params: {},
      context: {},
    });
    return { status: response.status, body: (await response.json()) as { deliveries: ApiDelivery[]; nextCursor: string | null; error?: string; parameter?: string; message?: string } };
  }

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    ingest = { db: ctx.database.db, sources: new SourceResolver(ctx.database.db, () => [], 0), maxBodyBytes: 1024 * 1024 };
    await createSource(ctx.database.db, { slug: "dev", secrets: [SECRET] });
    viewerToken = await ctx.bearerFor("viewer");
    // 30 deliveries a minute apart: every 3rd fails verification, every 5th goes to the clerk source (no secret).
    for (let i = 0; i < 30; i++) {
      const receivedAt = new Date(t0 + i * 60_000);
      const body = JSON.stringify(envelope("user.updated", { id: `user_${i}`, object: "user" }, receivedAt.getTime()));
      const source = i % 5 === 0 ? "clerk" : "dev";
      const secret = i % 3 === 0 ? newSecret() : SECRET;
      // Signed now (ingest checks the clock against now); stored as received at t0 + i minutes.
      await deliver(source, body, signedHeaders(secret, body), receivedAt);
    }
    await deliver("dev", Buffer.from([0xff, 0xfe, 0x00, 0x41]), { "svix-id": "msg_bin", "svix-timestamp": "1", "svix-signature": "v1,x" }, new Date(t0 + 31 * 60_000));
  });
  afterAll(() => ctx.database.drop());

  it("lists every delivery, failed ones included, newest first, with headers and outcome", async () => {
    const { status, body } = await api("?limit=500");
    expect(status).toBe(200);
    expect(body.deliveries).toHaveLength(stored.length);
    expect(body.nextCursor).toBeNull();
    const ids = body.deliveries.map((d) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const outcomes = new Set(body.deliveries.map((d) => d.outcome));
    expect(outcomes).toEqual(new Set(["verified", "invalid_signature", "no_secret"]));
    const one = body.deliveries.find((d) => d.outcome === "verified")!;
    expect(one).toMatchObject({ source: "dev", status: 200, remoteAddr: "203.0.113.9", requestId: "req-1", type: "user.updated", duplicate: false });
    expect(one.eventId).toBeTruthy();
    expect(one.headers).toContainEqual(["svix-id", one.svixId]);
    expect(Object.keys(one)).not.toContain("rawBody");
  });

  it("filters by outcome, source and time, and pages with a cursor without gaps or repeats", async () => {
    const failed = await api("?outcome=invalid_signature&limit=500");
    const expected = stored.filter((d) => d.outcome === "invalid_signature").map((d) => d.id);
    expect(failed.body.deliveries.map((d) => d.id).sort()).toEqual(expected.sort());

    const anyFailure = await api("?outcome=failed&limit=500");
    expect(anyFailure.body.deliveries.every((d) => !["verified", "duplicate"].includes(d.outcome))).toBe(true);
    expect(anyFailure.body.deliveries).toHaveLength(stored.filter((d) => !["verified", "duplicate"].includes(d.outcome)).length);

    const clerk = await api("?source=clerk&limit=500");
    expect(clerk.body.deliveries.map((d) => d.source)).toEqual(Array(6).fill("clerk"));
    expect(clerk.body.deliveries.every((d) => d.outcome === "no_secret")).toBe(true);

    const from = new Date(t0 + 10 * 60_000).toISOString();
    const to = new Date(t0 + 19 * 60_000).toISOString();
    const window = await api(`?from=${from}&to=${to}`);
    expect(window.body.deliveries).toHaveLength(10);
    expect(window.body.deliveries.every((d) => d.receivedAt >= from && d.receivedAt <= to)).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api(`?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.deliveries.map((d) => d.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(stored.length / 7));
    expect(seen).toEqual(stored.map((d) => d.id).sort().reverse());
  });

  it("answers 400 naming the parameter for bad input", async () => {
    for (const [query, parameter] of [
      ["?outcome=exploded", "outcome"],
      ["?limit=501", "limit"],
      ["?limit=abc", "limit"],
      ["?from=yesterday", "from"],
      ["?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "from"],
      ["?cursor=bm90LWFuLWlk", "cursor"],
      ["?outcom=failed", "outcom"],
    ] as const) {
      const { status, body } = await api(query);
      expect(status, query).toBe(400);
      expect(body.error).toBe("invalid_parameter");
      expect(body.parameter, query).toBe(parameter);
      expect(body.message).toContain(parameter);
    }
  });

  it("answers 401 without a valid bearer token, and serves any role that may read", async () => {
    const missing = await api("", null);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe("unauthorized");
    expect((await api("", "Bearer hl_not-a-token")).status).toBe(401);
    const session = await ctx.cookieFor("admin");
    const withCookieOnly = await apiLoader({ request: ctx.request("/api/v1/deliveries", { cookie: session }), params: {}, context: {} });
    expect(withCookieOnly.status).toBe(401);
    const revoked = await ctx.bearerFor("admin");
    await ctx.database.db.apiToken.updateMany({ where: { name: "test-admin" }, data: { revokedAt: new Date() } });
    expect((await api("", revoked)).status).toBe(401);
    for (const role of ["viewer", "operator", "admin"] as const) expect((await api("?limit=1", await ctx.bearerFor(role))).status).toBe(200);
  });

  it("shows the failed deliveries by default on the page, with their reason", async () => {
    const cookie = await ctx.cookieFor("viewer");
    const page = await listLoader({ request: ctx.request("/deliveries", { cookie }), params: {}, context: {} });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((d) => !["verified", "duplicate"].includes(d.outcome))).toBe(true);
    expect(page.items.find((d) => d.outcome === "invalid_signature")?.outcomeDetail).toMatch(/No configured secret/);
    expect(page.canReverify).toBe(false);
    const all = await listLoader({ request: ctx.request("/deliveries?outcome=all&source=dev&range=custom&from=2026-11-20T12:00", { cookie }), params: {}, context: {} });
    expect(all.items.some((d) => d.outcome === "verified")).toBe(true);
    expect(all.items.every((d) => d.source === "dev")).toBe(true);
    const bad = await listLoader({ request: ctx.request("/deliveries?outcome=nope", { cookie }), params: {}, context: {} }).catch((r) => r as Response);
    expect((bad as Response).status).toBe(400);
    expect(await (bad as Response).text()).toMatch(/outcome/);
  });

  it("shows a non-UTF-8 body as a hex dump to operators and hides unparseable bodies from viewers", async () => {
    const binary = stored.at(-1)!;
    const operator = await ctx.cookieFor("operator");
    const seen = await deliveryLoader({ request: ctx.request(`/deliveries/${binary.id}`, { cookie: operator }), params: { id: binary.id }, context: {} });
    expect(seen.delivery.body).toMatchObject({ kind: "hex" });
    expect((seen.delivery.body as { lines: string[] }).lines[0]).toBe(`00000000  ff fe 00 41${" ".repeat(36)}  |...A|`);
    const viewer = await ctx.cookieFor("viewer");
    const hidden = await deliveryLoader({ request: ctx.request(`/deliveries/${binary.id}`, { cookie: viewer }), params: { id: binary.id }, context: {} });
    expect(hidden.delivery.body.kind).toBe("hidden");
    const missing = await deliveryLoader({ request: ctx.request("/deliveries/01JZZZZZZZZZZZZZZZZZZZZZZZ", { cookie: viewer }), params: { id: "01JZZZZZZZZZZZZZZZZZZZZZZZ" }, context: {} }).catch((r) => r as Response);
    expect((missing as Response).status).toBe(404);
  });

  it("masks one-time codes for viewers, and reveals them to operators only on an audited request", async () => {
    const body = JSON.stringify(envelope("email.created", { id: "ema_1", object: "email", user_id: "user_mail", subject: "Your code", body: "<p>Code 123456</p>", data: { otp_code: "123456" } }));
    const result = await deliver("dev", body, signedHeaders(SECRET, body), new Date());
    const viewer = await ctx.cookieFor("viewer");
    const masked = await deliveryLoader({ request: ctx.request(`/deliveries/${result.deliveryId}`, { cookie: viewer }), params: { id: result.deliveryId }, context: {} });
    expect(masked.delivery.body).toMatchObject({ kind: "masked", canReveal: false });
    expect(JSON.stringify(masked)).not.toContain("123456");

    const operator = await ctx.cookieFor("operator");
    const stillMasked = await deliveryLoader({ request: ctx.request(`/deliveries/${result.deliveryId}`, { cookie: operator }), params: { id: result.deliveryId }, context: {} });
    expect(stillMasked.delivery.body).toMatchObject({ kind: "masked", canReveal: true });
    const { action } = await import("~/routes/deliveries.$id");
    const revealed = await action({
      request: ctx.request(`/deliveries/${result.deliveryId}`, { method: "POST", cookie: operator, body: new URLSearchParams({ intent: "reveal" }) }),
      params: { id: result.deliveryId },
      context: {},
    });
    expect(JSON.stringify(revealed)).toContain("123456");
    expect(await ctx.database.db.auditEntry.count({ where: { action: "delivery.reveal", subject: result.deliveryId } })).toBe(1);
    const refused = await action({
      request: ctx.request(`/deliveries/${result.deliveryId}`, { method: "POST", cookie: viewer, body: new URLSearchParams({ intent: "reveal" }) }),
      params: { id: result.deliveryId },
      context: {},
    }).catch((r) => r as Response);
    expect((refused as Response).status).toBe(403);
  });
});
