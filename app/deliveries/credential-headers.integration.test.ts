// Credential headers sent to /webhooks/* (authorization, cookie, API keys) are kept as
// they arrived but masked like one-time codes (issue 10): viewers never see them, in
// the deliveries API, the event API or the delivery page; operators reveal them, and
// the reveal is in the audit log. Real databases of both providers, real ingest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { ingestDelivery, type IngestDependencies } from "~/ingest/ingest.server";
import { loader as deliveriesApi } from "~/routes/api.v1.deliveries";
import { loader as eventApi } from "~/routes/api.v1.events.$id";
import { action as deliveryAction, loader as deliveryLoader } from "~/routes/deliveries.$id";
import { SourceResolver } from "~/sources/sources.server";
import type { ApiDelivery } from "./deliveries.server";
import { isCredentialHeader, MASKED_HEADER_VALUE } from "./stored-headers";

const SECRET = newSecret();
const CREDENTIALS: [string, string][] = [
  ["Authorization", "Bearer sk_live_authorization_value"],
  ["Cookie", "session=cookie_value_123"],
  ["Proxy-Authorization", "Basic cHJveHk6cHJveHlfdmFsdWU="],
  ["X-Api-Key", "api_key_value_456"],
  ["X-Auth-Token", "auth_token_value_789"],
  ["Set-Cookie", "id=set_cookie_value"],
  ["X-Upstream-Secret", "upstream_secret_value"],
];
const SECRET_VALUES = CREDENTIALS.map(([, value]) => value);

describe.each(PROVIDERS)("credential headers of deliveries (%s)", (provider) => {
  let ctx: RouteTestContext;
  const ids = { unverified: "", verified: "", event: "" };
  const tokens = { viewer: "", operator: "" };

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    const ingest: IngestDependencies = { db: ctx.database.db, sources: new SourceResolver(ctx.database.db, () => [SECRET], 0), maxBodyBytes: 1 << 20 };
    const deliver = async (source: string, body: Buffer, headers: [string, string][]) => {
      const result = await ingestDelivery(ingest, { sourceSlug: source, body, size: body.length, tooLarge: false, headers, remoteAddr: "203.0.113.7", requestId: null });
      return result;
    };
    const junk = Buffer.from("{}");
    ids.unverified = (await deliver("nowhere", junk, [["content-type", "application/json"], ...CREDENTIALS]))!.deliveryId!;
    const body = Buffer.from(JSON.stringify(envelope("user.created", { id: "user_creds", object: "user" })));
    const verified = await deliver("clerk", body, [...Object.entries(signedHeaders(SECRET, body)), ...CREDENTIALS]);
    expect(verified.outcome).toBe("verified");
    ids.verified = verified.deliveryId!;
    ids.event = verified.eventId!;
    tokens.viewer = await ctx.bearerFor("viewer");
    tokens.operator = await ctx.bearerFor("operator");
  });
  afterAll(() => ctx.database.drop());

  const leaks = (value: unknown) => SECRET_VALUES.filter((secret) => JSON.stringify(value).includes(secret));
  const masked = (headers: [string, string][]) =>
    CREDENTIALS.map(([name]) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1]);

  it("keeps the values as they arrived", async () => {
    const row = await ctx.database.db.delivery.findUniqueOrThrow({ where: { id: ids.unverified } });
    expect(leaks(row.headers)).toEqual(SECRET_VALUES);
  });

  it("masks them in GET /api/v1/deliveries for viewers and operators alike", async () => {
    for (const authorization of [tokens.viewer, tokens.operator]) {
      const response = await deliveriesApi({ request: ctx.request("/api/v1/deliveries", { headers: { authorization } }), params: {}, context: {} });
      const body = (await response.json()) as { deliveries: ApiDelivery[] };
      expect(response.status).toBe(200);
      expect(body.deliveries).toHaveLength(2);
      expect(leaks(body)).toEqual([]);
      for (const delivery of body.deliveries) {
        expect(masked(delivery.headers!)).toEqual(CREDENTIALS.map(() => MASKED_HEADER_VALUE));
        expect(delivery.headers!.find(([name]) => name.toLowerCase() === "content-type")?.[1]).toBe("application/json");
      }
    }
  });

  it("masks them in GET /api/v1/events/:id; an operator's ?reveal=true shows them and is audited, a viewer's is refused", async () => {
    const get = async (authorization: string, query = "") => {
      const response = await eventApi({ request: ctx.request(`/api/v1/events/${ids.event}${query}`, { headers: { authorization } }), params: { id: ids.event }, context: {} });
      return { status: response.status, body: (await response.json()) as { deliveries: { headers: [string, string][]; credentialHeaders: string[] }[] } };
    };
    for (const authorization of [tokens.viewer, tokens.operator]) {
      const { status, body } = await get(authorization);
      expect(status).toBe(200);
      expect(leaks(body)).toEqual([]);
      expect(masked(body.deliveries[0]!.headers)).toEqual(CREDENTIALS.map(() => MASKED_HEADER_VALUE));
      expect(body.deliveries[0]!.credentialHeaders).toEqual(CREDENTIALS.map(([name]) => name));
    }
    expect((await get(tokens.viewer, "?reveal=true")).status).toBe(403);
    const before = await ctx.database.db.auditEntry.count({ where: { action: "event.reveal", subject: ids.event } });
    const revealed = await get(tokens.operator, "?reveal=true");
    expect(revealed.status).toBe(200);
    expect(masked(revealed.body.deliveries[0]!.headers)).toEqual(SECRET_VALUES);
    const audit = await ctx.database.db.auditEntry.findMany({ where: { action: "event.reveal", subject: ids.event } });
    expect(audit).toHaveLength(before + 1);
    expect(JSON.parse(audit.at(-1)!.detail ?? "{}")).toMatchObject({ headers: CREDENTIALS.map(([name]) => name) });
  });

  it("masks them on /deliveries/:id; operators reveal them (audited), viewers cannot", async () => {
    for (const id of [ids.unverified, ids.verified]) {
      for (const role of ["viewer", "operator"] as const) {
        const cookie = await ctx.cookieFor(role);
        const page = await deliveryLoader({ request: ctx.request(`/deliveries/${id}`, { cookie }), params: { id }, context: {} });
        expect(leaks(page)).toEqual([]);
        expect(masked(page.delivery.headers)).toEqual(CREDENTIALS.map(() => MASKED_HEADER_VALUE));
        expect(page.delivery.credentialHeaders).toEqual(CREDENTIALS.map(([name]) => name));
      }
    }
    const reveal = (cookie: string) =>
      deliveryAction({
        request: ctx.request(`/deliveries/${ids.unverified}`, { method: "POST", cookie, body: new URLSearchParams({ intent: "reveal" }) }),
        params: { id: ids.unverified },
        context: {},
      });
    const refused = await reveal(await ctx.cookieFor("viewer")).catch((error: unknown) => error as Response);
    expect((refused as Response).status).toBe(403);
    expect(await ctx.database.db.auditEntry.count({ where: { action: "delivery.reveal", subject: ids.unverified } })).toBe(0);

    const result = (await reveal(await ctx.cookieFor("operator"))) as { revealed: { headers: [string, string][] } | null };
    expect(masked(result.revealed!.headers)).toEqual(SECRET_VALUES);
    const [audit] = await ctx.database.db.auditEntry.findMany({ where: { action: "delivery.reveal", subject: ids.unverified } });
    expect(JSON.parse(audit!.detail ?? "{}")).toMatchObject({ headers: CREDENTIALS.map(([name]) => name) });
  });

  it("recognises credential header names, and leaves the others alone", () => {
    for (const name of ["authorization", "X-API-KEY", "x-goog-api-key", "x-my-session-token", "x-hub-secret", "apikey", "x-csrf-token"]) expect(isCredentialHeader(name), name).toBe(true);
    for (const name of ["content-type", "svix-signature", "svix-id", "user-agent", "x-request-id", "x-forwarded-for", "x-hookline-headers-truncated"]) {
      expect(isCredentialHeader(name), name).toBe(false);
    }
  });
});
