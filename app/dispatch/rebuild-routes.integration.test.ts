// Rebuilding a consumer as clients start it: `POST /api/v1/replays { mode: "latest" }`
// (with or without a filter, 400 naming `mode` for what it cannot take) and the
// *Rebuild a consumer* page, which counts resources per type before it starts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret } from "../../tests/support/svix";
import * as replaysRoute from "~/routes/api.v1.replays";
import * as targetsRoute from "~/routes/api.v1.targets";
import * as rebuildPage from "~/routes/replays.rebuild";
import { SourceResolver } from "~/sources/sources.server";

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function call(handler: unknown, request: Request, params: Record<string, string> = {}): Promise<Response> {
  try {
    const result = await (handler as Handler)({ request, params, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const SOURCE_SECRET = newSecret();
const T0 = Date.UTC(2026, 10, 1);

describe.each(PROVIDERS)("rebuild a consumer: API and page (%s)", (provider) => {
  let t: RouteTestContext;
  let operator: string;

  beforeAll(async () => {
    t = await setupRouteTest(provider);
    operator = await t.bearerFor("operator");
    const deps = { db: t.database.db, sources: new SourceResolver(t.database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    const ingest = (type: string, data: Record<string, unknown>, at: number) => ingestSigned(deps, SOURCE_SECRET, envelope(type, data, T0 + at));
    await ingest("user.created", { id: "user_a", object: "user" }, 1);
    await ingest("user.updated", { id: "user_a", object: "user" }, 2);
    await ingest("user.created", { id: "user_b", object: "user" }, 3);
    await ingest("user.deleted", { id: "user_b", object: "user", deleted: true }, 4);
    await ingest("organization.created", { id: "org_a", object: "organization" }, 5);
    await ingest("organization.updated", { id: "org_a", object: "organization" }, 6);
  });
  afterAll(() => t.database.drop());

  const json = (path: string, method: string, body: unknown, authorization?: string) =>
    t.request(path, { method, headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });

  it("starts a job in mode latest over the API, with or without a filter", async () => {
    const target = await (await call(targetsRoute.action, json("/api/v1/targets", "POST", { name: "rebuild", url: "http://127.0.0.1:9/" }, operator))).json();
    const post = (body: unknown) => call(replaysRoute.action, json("/api/v1/replays", "POST", body, operator));

    const everything = await post({ targetId: target.id, mode: "latest" });
    expect(everything.status).toBe(201);
    expect(await everything.json()).toMatchObject({ mode: "latest", total: 3, status: "queued" });
    const users = await post({ targetId: target.id, mode: "latest", filter: { type: ["user.*"] } });
    expect(await users.json()).toMatchObject({ mode: "latest", total: 2, filter: { type: ["user.*"] } });
    const all = await post({ targetId: target.id, filter: { type: ["user.*"] } });
    expect(await all.json()).toMatchObject({ mode: "all", total: 4 });

    expect(await (await post({ targetId: target.id, mode: "newest" })).json()).toMatchObject({ parameter: "mode" });
    const ids = await post({ targetId: target.id, mode: "latest", eventIds: ["evt_x"] });
    expect(ids.status).toBe(400);
    expect(await ids.json()).toMatchObject({ parameter: "mode" });
  });

  it("leaves out the events outside the target's types when asked (includeOutsideTypes: false)", async () => {
    const target = await (
      await call(targetsRoute.action, json("/api/v1/targets", "POST", { name: "users only", url: "http://127.0.0.1:9/", eventTypes: ["user.*"] }, operator))
    ).json();
    const post = (body: unknown) => call(replaysRoute.action, json("/api/v1/replays", "POST", body, operator));
    const filter = { type: ["user.*", "organization.*"] };
    expect(await (await post({ targetId: target.id, filter })).json()).toMatchObject({ total: 6 });
    expect(await (await post({ targetId: target.id, filter, includeOutsideTypes: true })).json()).toMatchObject({ total: 6 });
    const inside = await post({ targetId: target.id, filter, includeOutsideTypes: false });
    expect(inside.status).toBe(201);
    expect(await inside.json()).toMatchObject({ total: 4, targetTypes: ["user.*"] });
    expect(await (await post({ targetId: target.id, filter, includeOutsideTypes: "no" })).json()).toMatchObject({ parameter: "includeOutsideTypes" });
  });

  it("shows resources per type on /replays/rebuild before it starts, then starts the job", async () => {
    const cookie = await t.cookieFor("operator");
    const target = await (await call(targetsRoute.action, json("/api/v1/targets", "POST", { name: "page", url: "http://127.0.0.1:9/" }, operator))).json();
    const page = await (await call(rebuildPage.loader, t.request(`/replays/rebuild?targetId=${target.id}`, { cookie }))).json();
    expect(page.preview).toEqual({
      total: 3,
      byType: [
        { resourceType: "user", resources: 2, deleted: 1 },
        { resourceType: "organization", resources: 1, deleted: 0 },
      ],
    });
    expect(page.targetId).toBe(target.id);
    const started = await call(
      rebuildPage.action,
      t.request("/replays/rebuild?type=user.*", { method: "POST", cookie, body: new URLSearchParams({ intent: "rebuild", targetId: target.id, maxPerSecond: "" }) }),
    );
    expect(started.status).toBe(302);
    const jobId = started.headers.get("location")!.replace("/replays/", "");
    expect(await t.database.db.dispatchJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ total: 2, kind: "replay", createdBy: expect.stringContaining("@") });
  });
});
