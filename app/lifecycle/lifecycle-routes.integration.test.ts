// The lifecycle pages, the search route and the three timeline APIs, called as Remix
// calls them, against real SQLite and Postgres databases filled by the real ingest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { newSecret } from "../../tests/support/svix";
import { buildSampleStory } from "~/catalog/samples";
import { indexPendingEvents } from "~/events/search.server";
import { SourceResolver } from "~/sources/sources.server";
import { loader as subscriptionApi } from "~/routes/api.v1.billing.subscriptions.$id.timeline";
import { loader as organizationApi } from "~/routes/api.v1.organizations.$orgId.timeline";
import { loader as userApi } from "~/routes/api.v1.users.$userId.timeline";
import { loader as billingPage } from "~/routes/billing._index";
import { loader as subscriptionPage } from "~/routes/billing.subscriptions.$id";
import { loader as organizationPage } from "~/routes/organizations.$orgId";
import { loader as searchPage } from "~/routes/search";
import { loader as userPage } from "~/routes/users.$userId";

const SECRET = newSecret();
const story = buildSampleStory({ seed: 21, now: Date.now() - 60_000 });
const dataOf = (type: string) => story.find((e) => e.type === type)!.data as Record<string, any>;
const userId = dataOf("user.created").id as string;
const orgId = dataOf("organization.created").id as string;
const subscriptionId = dataOf("subscription.created").id as string;

async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected the loader to throw a Response");
}

describe.each(PROVIDERS)("lifecycle routes (%s)", (provider) => {
  let ctx: RouteTestContext;
  let viewer: string;
  let viewerCookie: string;

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    const deps = { db: ctx.database.db, sources: new SourceResolver(ctx.database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    for (const envelope of story) await ingestSigned(deps, SECRET, envelope);
    while ((await indexPendingEvents(ctx.database, 500)) > 0);
    viewer = await ctx.bearerFor("viewer");
    viewerCookie = await ctx.cookieFor("viewer");
  });
  afterAll(() => ctx?.database.drop());

  async function api(loader: typeof userApi, path: string, params: Record<string, string>, authorization: string | null = viewer) {
    const response = await loader({ request: ctx.request(path, { headers: authorization ? { authorization } : {} }), params, context: {} });
    return { status: response.status, body: (await response.json()) as any };
  }

  it("GET /api/v1/users/:userId/timeline answers { state, events } in envelope order", async () => {
    const { status, body } = await api(userApi, `/api/v1/users/${userId}/timeline?limit=500`, { userId });
    expect(status).toBe(200);
    expect(body.state).toMatchObject({ userId, deleted: true, known: true });
    expect(body.state.profile.primaryEmail).toMatch(/@/);
    const timestamps = body.events.map((e: { timestamp: number }) => e.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    expect(body.events[0]).toMatchObject({ type: "user.created", userId, source: "clerk" });
    expect(Object.keys(body.events[0])).toEqual(expect.arrayContaining(["id", "svixId", "type", "timestamp", "receivedAt", "resourceType", "resourceId", "userId", "organizationId", "deliveryCount", "outOfOrder", "summary"]));
    expect(body.total).toBe(body.events.length);
    expect(body.fieldHistory.changes.some((c: { label: string; initial: boolean }) => c.label === "Primary email" && !c.initial)).toBe(true);
  });

  it("pages the API timeline with a cursor and names bad parameters", async () => {
    const first = await api(userApi, `/api/v1/users/${userId}/timeline?limit=5&category=sessions`, { userId });
    expect(first.body.events.every((e: { type: string }) => e.type.startsWith("session."))).toBe(true);
    const second = await api(userApi, `/api/v1/users/${userId}/timeline?limit=5&category=sessions&cursor=${first.body.nextCursor}`, { userId });
    expect(second.status).toBe(200);
    expect(second.body.events[0].timestamp).toBeGreaterThanOrEqual(first.body.events.at(-1).timestamp);

    for (const [query, parameter] of [
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["category=gossip", "category"],
      ["dir=sideways", "dir"],
      ["cursor=not-a-cursor", "cursor"],
      ["colour=blue", "colour"],
    ]) {
      const bad = await api(userApi, `/api/v1/users/${userId}/timeline?${query}`, { userId });
      expect(bad.status, query).toBe(400);
      expect(bad.body).toMatchObject({ error: "invalid_parameter", parameter });
    }
    expect((await api(userApi, "/api/v1/users/user_nobody/timeline", { userId: "user_nobody" })).status).toBe(404);
    expect((await api(userApi, "/api/v1/users/x/timeline", { userId: "<script>" })).status).toBe(400);
  });

  it("needs a bearer token for every timeline API", async () => {
    expect((await api(userApi, `/api/v1/users/${userId}/timeline`, { userId }, null)).status).toBe(401);
    expect((await api(organizationApi, `/api/v1/organizations/${orgId}/timeline`, { orgId }, null)).status).toBe(401);
    expect((await api(subscriptionApi, `/api/v1/billing/subscriptions/${subscriptionId}/timeline`, { id: subscriptionId }, "Bearer nope")).status).toBe(401);
  });

  it("GET /api/v1/organizations/:orgId/timeline and /api/v1/billing/subscriptions/:id/timeline", async () => {
    const org = await api(organizationApi, `/api/v1/organizations/${orgId}/timeline`, { orgId });
    expect(org.status).toBe(200);
    expect(org.body.state).toMatchObject({ organizationId: orgId, deleted: true });
    expect(org.body.memberHistory.changes.map((c: { change: string }) => c.change)).toEqual(["left", "role_changed", "joined"]);

    const sub = await api(subscriptionApi, `/api/v1/billing/subscriptions/${subscriptionId}/timeline`, { id: subscriptionId });
    expect(sub.status).toBe(200);
    expect(sub.body.state.status).toBe("active");
    expect(sub.body.statuses.map((p: { status: string }) => p.status)).toEqual(["active", "past_due", "active"]);
    expect(sub.body.items.length).toBe(4);
    expect(sub.body.payments.map((p: { status: string }) => p.status)).toEqual(["pending", "failed", "pending", "paid"]);
    expect(sub.body.events[0].type).toBe("subscription.created");
    expect((await api(subscriptionApi, "/api/v1/billing/subscriptions/csub_nope/timeline", { id: "csub_nope" })).status).toBe(404);
  });

  it("pages need a session; viewers see the user, organization and billing pages", async () => {
    const anonymous = await thrown(userPage({ request: ctx.request(`/users/${userId}`), params: { userId }, context: {} }));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?redirectTo=/);

    const user = await userPage({ request: ctx.request(`/users/${userId}`, { cookie: viewerCookie }), params: { userId }, context: {} });
    expect(user.lifecycle.state.deleted).toBe(true);
    expect(user.query.dir).toBe("desc");
    expect(user.lifecycle.timeline.events[0]!.type).toBe("user.deleted");

    const badCategory = await thrown(userPage({ request: ctx.request(`/users/${userId}?category=nope`, { cookie: viewerCookie }), params: { userId }, context: {} }));
    expect(badCategory.status).toBe(400);
    expect(await badCategory.text()).toMatch(/`category`/);

    const org = await organizationPage({ request: ctx.request(`/organizations/${orgId}`, { cookie: viewerCookie }), params: { orgId }, context: {} });
    expect(org.lifecycle.state.profile?.name).toBeTruthy();

    const sub = await subscriptionPage({ request: ctx.request(`/billing/subscriptions/${subscriptionId}`, { cookie: viewerCookie }), params: { id: subscriptionId }, context: {} });
    expect(sub.timeline.itemLanes.length).toBe(4);
    const missing = await thrown(subscriptionPage({ request: ctx.request("/billing/subscriptions/csub_x", { cookie: viewerCookie }), params: { id: "csub_x" }, context: {} }));
    expect(missing.status).toBe(404);

    const list = await billingPage({ request: ctx.request("/billing?status=active", { cookie: viewerCookie }), params: {}, context: {} });
    expect(list.subscriptions.map((s) => s.subscriptionId)).toEqual([subscriptionId]);
    expect((await thrown(billingPage({ request: ctx.request("/billing?status=happy", { cookie: viewerCookie }), params: {}, context: {} }))).status).toBe(400);
  });

  it("the search route redirects to the one page that answers, and lists otherwise", async () => {
    const session = dataOf("session.created").id as string;
    const redirect = await thrown(searchPage({ request: ctx.request(`/search?q=${session}`, { cookie: viewerCookie }), params: {}, context: {} }));
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe(`/users/${userId}`);

    const none = await searchPage({ request: ctx.request("/search?q=nobody%40example.com", { cookie: viewerCookie }), params: {}, context: {} });
    expect(none.result).toMatchObject({ interpretedAs: "email", matches: [] });
  });
});
