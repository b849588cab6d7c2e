import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { loader as deliveriesLoader } from "~/routes/deliveries._index";
import { action as loginAction } from "~/routes/login";
import { requireApiToken } from "./tokens.server";
import { createAccount } from "./accounts.server";

describe.each(PROVIDERS)("sessions and tokens (%s)", (provider) => {
  let ctx: RouteTestContext;
  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
  });
  afterAll(() => ctx.database.drop());

  it("redirects a page to the login without a session, and serves it with one", async () => {
    const anonymous = await deliveriesLoader({ request: ctx.request("/deliveries"), params: {}, context: {} }).catch((r) => r);
    expect(anonymous).toBeInstanceOf(Response);
    expect((anonymous as Response).status).toBe(302);
    expect((anonymous as Response).headers.get("location")).toBe("/login?redirectTo=%2Fdeliveries");

    const cookie = await ctx.cookieFor("viewer");
    const page = await deliveriesLoader({ request: ctx.request("/deliveries", { cookie }), params: {}, context: {} });
    expect(page.items).toEqual([]);
  });

  it("signs in with the right password only, with an HttpOnly SameSite=Lax cookie", async () => {
    await createAccount(ctx.database.db, { email: "jane@example.com", password: "a-good-password", role: "operator" });
    const form = (password: string) =>
      ctx.request("/login", { method: "POST", body: new URLSearchParams({ email: "Jane@Example.com", password, redirectTo: "/events" }) });
    const wrong = (await loginAction({ request: form("nope-nope-nope"), params: {}, context: {} })) as Response;
    expect(wrong.status).toBe(401);
    const right = (await loginAction({ request: form("a-good-password"), params: {}, context: {} })) as Response;
    expect(right.status).toBe(302);
    expect(right.headers.get("location")).toBe("/events");
    const setCookie = right.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  it("answers 401 without a bearer token and 403 for a role that is too low", async () => {
    const request = (authorization?: string) =>
      ctx.request("/api/v1/events", { headers: authorization ? { authorization } : {} });
    const missing = await requireApiToken(request(), "viewer").catch((r) => r as Response);
    expect((missing as Response).status).toBe(401);
    const bogus = await requireApiToken(request("Bearer hl_nope"), "viewer").catch((r) => r as Response);
    expect((bogus as Response).status).toBe(401);
    const viewer = await ctx.bearerFor("viewer");
    const forbidden = await requireApiToken(request(viewer), "operator").catch((r) => r as Response);
    expect((forbidden as Response).status).toBe(403);
    expect(await requireApiToken(request(viewer), "viewer")).toMatchObject({ role: "viewer" });
  });
});
