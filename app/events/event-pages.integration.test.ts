// The /events and /events/:id loaders and the reveal action, called as Remix calls
// them, on real databases of both providers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret } from "../../tests/support/svix";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { action as eventAction, loader as eventLoader } from "~/routes/events.$id";
import { loader as listLoader } from "~/routes/events._index";
import { SourceResolver } from "~/sources/sources.server";
import { clearTypeCountCache } from "./event-type-counts.server";
import { REDACTED } from "./redaction";

const SECRET = newSecret();
const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

describe.each(PROVIDERS)("event pages (%s)", (provider) => {
  let ctx: RouteTestContext;
  const ids: Record<string, string> = {};
  const cookies: Record<string, string> = {};

  const list = async (query: string, cookie: string) => {
    const data = await listLoader({ request: ctx.request(`/events?${query}`, { cookie }), params: {}, context: {} });
    return data.page;
  };
  const detail = (id: string, cookie: string, query = "") => eventLoader({ request: ctx.request(`/events/${id}${query}`, { cookie }), params: { id }, context: {} });
  const reveal = (id: string, cookie: string, intent = "reveal") =>
    eventAction({ request: ctx.request(`/events/${id}`, { method: "POST", cookie, body: new URLSearchParams({ intent }) }), params: { id }, context: {} });

  beforeAll(async () => {
    clearTypeCountCache();
    ctx = await setupRouteTest(provider);
    const db = ctx.database.db;
    const deps: IngestDependencies = { db, sources: new SourceResolver(db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    const ingest = async (name: string, type: string, data: Record<string, unknown>, at: number) => {
      ids[name] = (await ingestSigned(deps, SECRET, envelope(type, data, at))).eventId!;
    };
    await ingest("created", "user.created", { id: "user_1", object: "user", first_name: "Ada" }, T0);
    await ingest("updated", "user.updated", { id: "user_1", object: "user", first_name: "Ada", last_name: "Lovelace" }, T0 + 1000);
    await ingest("updated2", "user.updated", { id: "user_1", object: "user", first_name: "Augusta", last_name: "Lovelace" }, T0 + 2000);
    await ingest("org", "organization.created", { id: "org_1", object: "organization", name: "Analytical Engines" }, T0 + 3000);
    await ingest("sms", "sms.created", { id: "sms_1", object: "sms_message", user_id: "user_1", message: "Code 771234", data: { otp_code: "771234" } }, T0 + 4000);
    for (const role of ["viewer", "operator", "admin"] as const) cookies[role] = await ctx.cookieFor(role);
  });
  afterAll(() => ctx.database.drop());

  it("needs a session", async () => {
    const anonymous = await listLoader({ request: ctx.request("/events"), params: {}, context: {} }).catch((r) => r as Response);
    expect((anonymous as Response).status).toBe(302);
    expect((anonymous as Response).headers.get("location")).toBe("/login?redirectTo=%2Fevents");
  });

  it("summarises every row in words, and says what an update changed (issue 13, A)", async () => {
    const data = await listLoader({ request: ctx.request("/events", { cookie: cookies.viewer! }), params: {}, context: {} });
    expect(data.summaries[ids.created!]).toBe("Signed up: Ada");
    expect(data.summaries[ids.updated!]).toBe("Ada Lovelace · name changed");
    expect(data.summaries[ids.updated2!]).toBe("Augusta Lovelace · name changed");
    expect(data.summaries[ids.org!]).toBe("Organization created: Analytical Engines");
    // Never the code or body of an SMS, whatever the role.
    expect(data.summaries[ids.sms!]).not.toContain("771234");
  });

  it("lists events with counts per type under the other filters, and the replay count for operators only", async () => {
    const viewer = await list("", cookies.viewer!);
    expect(viewer.ok && viewer.events.map((e) => e.id)).toEqual([ids.sms, ids.org, ids.updated2, ids.updated, ids.created]);
    expect(viewer.ok && viewer.replayCount).toBeNull();

    const operator = await list("resource=user_1&type=user.updated", cookies.operator!);
    if (!operator.ok) throw new Error(operator.message);
    expect(operator.events.map((e) => e.id)).toEqual([ids.updated2, ids.updated]);
    expect(await operator.replayCount).toBe(2);
    // Counts ignore the type filter (so other types can be added) but keep the rest.
    expect(await operator.typeCounts).toEqual({ "user.created": 1, "user.updated": 2, "sms.created": 1 });
    expect(operator.filterSearch).toBe("type=user.updated&resource=user_1");
  });

  it("shows a bad parameter as a message instead of failing", async () => {
    expect(await list("range=fortnight", cookies.viewer!)).toMatchObject({ ok: false, parameter: "range" });
    expect(await list("cursor=garbage", cookies.viewer!)).toMatchObject({ ok: false, parameter: "cursor" });
    expect(await list("from=2026-13-45T99:99", cookies.viewer!)).toMatchObject({ ok: false, parameter: "from" });
  });

  it("diffs an update against the latest earlier state, and compares any two events of the resource", async () => {
    const latest = await detail(ids.updated2!, cookies.viewer!);
    expect(latest.detail.diff).toMatchObject({ mode: "previous", from: { id: ids.updated }, to: { id: ids.updated2 } });
    expect(latest.detail.diff!.changes.map((c) => [c.path, c.oldValue, c.newValue])).toEqual([["data.first_name", "Ada", "Augusta"]]);
    expect(latest.candidates.map((c) => c.id)).toEqual([ids.updated, ids.created]);

    // Picked the other way round, the diff still runs older → newer.
    const compared = await detail(ids.created!, cookies.viewer!, `?compare=${ids.updated2}`);
    expect(compared.detail.diff).toMatchObject({ mode: "compare", from: { id: ids.created }, to: { id: ids.updated2 } });
    expect(compared.detail.diff!.changes.map((c) => c.path)).toEqual(["data.first_name", "data.last_name"]);

    const wrong = await detail(ids.updated2!, cookies.viewer!, `?compare=${ids.org}`);
    expect(wrong.compareError).toMatch(/same resource/);
    expect(wrong.detail.diff).toMatchObject({ mode: "previous" });

    const missing = await detail("01NOSUCHEVENT0000000000000", cookies.viewer!).catch((r) => r as Response);
    expect((missing as Response).status).toBe(404);
  });

  it("masks an SMS for everyone, lets only operators and admins reveal it, and audits each reveal", async () => {
    for (const role of ["viewer", "operator", "admin"] as const) {
      const page = await detail(ids.sms!, cookies[role]!);
      expect(JSON.stringify(page.detail)).not.toContain("771234");
      expect(page.detail.raw).toMatchObject({ hidden: true, text: null });
      expect(page.mayReveal).toBe(role !== "viewer");
    }
    const denied = await reveal(ids.sms!, cookies.viewer!).catch((r) => r as Response);
    expect((denied as Response).status).toBe(403);
    expect(await ctx.database.db.auditEntry.count()).toBe(0);

    const bad = await reveal(ids.sms!, cookies.operator!, "delete").catch((r) => r as Response);
    expect((bad as Response).status).toBe(400);

    const shown = (await reveal(ids.sms!, cookies.operator!)) as { revealed: { payload: { data: { message: string } }; raw: { text: string }; revealed: boolean } };
    expect(shown.revealed.revealed).toBe(true);
    expect(shown.revealed.payload.data.message).toBe("Code 771234");
    expect(shown.revealed.raw.text).toContain("771234");
    const audit = await ctx.database.db.auditEntry.findMany();
    expect(audit).toMatchObject([{ action: "event.reveal", subject: ids.sms, actor: expect.stringMatching(/^operator-.*@hookline\.test$/) }]);

    // The page itself stays masked afterwards.
    expect((await detail(ids.sms!, cookies.operator!)).detail.payload).toMatchObject({ data: { message: REDACTED } });
  });
});
