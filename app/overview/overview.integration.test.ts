import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret } from "../../tests/support/svix";
import { loader } from "~/routes/_index";
import { newId } from "~/db/ids";
import { SourceResolver } from "~/sources/sources.server";
import { loadOverview } from "./overview.server";

const SECRET = newSecret();
const HOUR = 3_600_000;

describe.each(PROVIDERS)("overview (%s)", (provider) => {
  let ctx: RouteTestContext;
  const now = Date.now();
  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    const deps = { db: ctx.database.db, sources: new SourceResolver(ctx.database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    await ingestSigned(deps, SECRET, envelope("user.created", { id: "user_o1", object: "user" }, now - 2 * HOUR));
    await ingestSigned(deps, SECRET, envelope("user.updated", { id: "user_o1", object: "user" }, now - HOUR));
    await ingestSigned(deps, SECRET, envelope("session.created", { id: "sess_o1", object: "session", user_id: "user_o1" }, now - HOUR));
    // Arrives last but happened first: out of order.
    await ingestSigned(deps, SECRET, envelope("user.updated", { id: "user_o1", object: "user" }, now - 3 * HOUR));
    await ctx.database.db.delivery.create({
      data: { id: newId(now - 30 * 60 * 1000), sourceSlug: "clerk", receivedAt: new Date(now - 30 * 60 * 1000), headers: "[]", rawBody: new Uint8Array(), size: 0, outcome: "invalid_signature", status: 401 },
    });
  });
  afterAll(() => ctx.database.drop());

  it("counts events per hour by resource type, failures by outcome, and out-of-order arrivals", async () => {
    const overview = await loadOverview(ctx.database, "24h", now);
    expect(overview.eventsPerHour).toHaveLength(24);
    expect(overview.totals).toEqual({ events: 4, failures: 1, outOfOrder: 1 });
    expect(overview.resourceTypes).toEqual(["session", "user"]);
    const hourOf = (ms: number) => overview.eventsPerHour.find((b) => b.hour === Math.floor(ms / HOUR) * HOUR)!.counts;
    expect(hourOf(now - HOUR)).toEqual({ user: 1, session: 1 });
    expect(overview.failureOutcomes).toEqual(["invalid_signature"]);
    expect(overview.outOfOrder.map((e) => e.type)).toEqual(["user.updated"]);
    expect(overview.targets).toEqual([]);
  });

  it("is a signed-in page", async () => {
    const anonymous = await loader({ request: ctx.request("/"), params: {}, context: {} }).catch((r: Response) => r);
    expect((anonymous as Response).status).toBe(302);
    const page = await loader({ request: ctx.request("/?range=7d", { cookie: await ctx.cookieFor("viewer") }), params: {}, context: {} });
    expect(page.range).toBe("7d");
    expect(page.eventsPerHour).toHaveLength(24 * 7);
  });
});
