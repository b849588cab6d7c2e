// The dispatch API and page actions as clients call them: bearer tokens and sessions
// per role, 400s naming the field, secrets shown once and stored sealed, audit rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret } from "../../tests/support/svix";
import * as replayCommandRoute from "~/routes/api.v1.replays.$id.$command";
import * as replayRoute from "~/routes/api.v1.replays.$id";
import * as replaysRoute from "~/routes/api.v1.replays";
import * as targetRoute from "~/routes/api.v1.targets.$id";
import * as targetsRoute from "~/routes/api.v1.targets";
import * as eventReplayRoute from "~/routes/events.$id.replay";
import * as newReplayPage from "~/routes/replays.new";
import * as jobPage from "~/routes/replays.$id";
import * as targetsPage from "~/routes/targets._index";
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

describe.each(PROVIDERS)("dispatch API and pages (%s)", (provider) => {
  let t: RouteTestContext;
  let operator: string;
  let viewer: string;
  let eventIds: string[];

  beforeAll(async () => {
    t = await setupRouteTest(provider);
    operator = await t.bearerFor("operator");
    viewer = await t.bearerFor("viewer");
    const deps = { db: t.database.db, sources: new SourceResolver(t.database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    eventIds = [];
    for (let i = 0; i < 3; i++) {
      eventIds.push((await ingestSigned(deps, SOURCE_SECRET, envelope("user.updated", { id: `user_api${i}`, object: "user" }, Date.UTC(2026, 10, 1) + i))).eventId!);
    }
  });
  afterAll(() => t.database.drop());

  const json = (path: string, method: string, body: unknown, authorization?: string) =>
    t.request(path, {
      method,
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });

  it("creates a target over the API: 401 without a token, 403 for viewers, 400 naming the field, the secret once", async () => {
    const body = { name: "Users service", url: "http://127.0.0.1:9/hooks", eventTypes: ["user.*"], headers: { Authorization: "Bearer s3cret-token" } };
    expect((await call(targetsRoute.action, json("/api/v1/targets", "POST", body))).status).toBe(401);
    expect((await call(targetsRoute.action, json("/api/v1/targets", "POST", body, viewer))).status).toBe(403);

    const badUrl = await call(targetsRoute.action, json("/api/v1/targets", "POST", { ...body, url: "http://169.254.169.254/latest" }, operator));
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toMatchObject({ parameter: "url", message: expect.stringMatching(/metadata/) });
    const badTimeout = await call(targetsRoute.action, json("/api/v1/targets", "POST", { ...body, timeoutMs: 0 }, operator));
    expect(await badTimeout.json()).toMatchObject({ error: "invalid_body", parameter: "timeoutMs" });
    const unknown = await call(targetsRoute.action, json("/api/v1/targets", "POST", { ...body, colour: "red" }, operator));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ parameter: "colour" });
    const badSecret = await call(targetsRoute.action, json("/api/v1/targets", "POST", { ...body, secret: "hunter2" }, operator));
    expect(await badSecret.json()).toMatchObject({ parameter: "secret" });

    const created = await call(targetsRoute.action, json("/api/v1/targets", "POST", body, operator));
    expect(created.status).toBe(201);
    const target = await created.json();
    expect(target).toMatchObject({ name: "Users service", eventTypes: ["user.*"], headerNames: ["Authorization"], enabled: true, autoForward: false });
    expect(target.secret).toMatch(/^whsec_/);

    // Later reads never show the secret or header values; the database holds them sealed.
    const read = await (await call(targetRoute.loader, t.request(`/api/v1/targets/${target.id}`, { headers: { authorization: viewer } }), { id: target.id })).json();
    expect(read.secret).toBeUndefined();
    expect(JSON.stringify(read)).not.toContain("s3cret-token");
    const list = await (await call(targetsRoute.loader, t.request("/api/v1/targets", { headers: { authorization: viewer } }))).json();
    expect(list.targets.map((x: { id: string }) => x.id)).toContain(target.id);
    expect(JSON.stringify(list)).not.toContain(target.secret);
    const row = await t.database.db.target.findUniqueOrThrow({ where: { id: target.id } });
    expect(row.secretEncrypted).not.toContain(target.secret.slice(6));
    expect(row.headers).not.toContain("s3cret-token");
    const audit = await t.database.db.auditEntry.findFirstOrThrow({ where: { subject: target.id, action: "target.create" } });
    expect(audit.actor).toBe("token:test-operator");
    expect(audit.detail).not.toContain(target.secret);
  });

  it("changes a target with PATCH, on the collection or the item", async () => {
    const target = await (await call(targetsRoute.action, json("/api/v1/targets", "POST", { name: "p", url: "http://127.0.0.1:9/" }, operator))).json();
    const patched = await call(targetRoute.action, json(`/api/v1/targets/${target.id}`, "PATCH", { timeoutMs: 2500, maxPerSecond: 50 }, operator), { id: target.id });
    expect(await patched.json()).toMatchObject({ timeoutMs: 2500, maxPerSecond: 50 });
    const viaCollection = await call(targetsRoute.action, json("/api/v1/targets", "PATCH", { id: target.id, enabled: false }, operator));
    expect(await viaCollection.json()).toMatchObject({ id: target.id, enabled: false });
    const bad = await call(targetRoute.action, json(`/api/v1/targets/${target.id}`, "PATCH", { concurrency: 1000 }, operator), { id: target.id });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ parameter: "concurrency" });
    const missing = await call(targetRoute.action, json("/api/v1/targets/nope", "PATCH", { name: "x" }, operator), { id: "nope" });
    expect(missing.status).toBe(404);
    const rotated = await (await call(targetRoute.action, json(`/api/v1/targets/${target.id}`, "PATCH", { secret: newSecret() }, operator), { id: target.id })).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(await t.database.db.auditEntry.count({ where: { subject: target.id, action: "target.secret_rotate" } })).toBe(1);
  });

  it("starts, reads and controls replays over the API", async () => {
    const target = await (await call(targetsRoute.action, json("/api/v1/targets", "POST", { name: "r", url: "http://127.0.0.1:9/" }, operator))).json();
    const post = (body: unknown, auth = operator) => call(replaysRoute.action, json("/api/v1/replays", "POST", body, auth));

    expect((await post({ targetId: target.id, eventIds }, viewer)).status).toBe(403);
    const none = await post({ targetId: target.id });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ parameter: "eventIds" });
    const badFilter = await post({ targetId: target.id, filter: { from: "yesterday" } });
    expect(await badFilter.json()).toMatchObject({ parameter: "filter.from", message: expect.stringMatching(/ISO 8601/) });
    const badOrder = await post({ targetId: target.id, eventIds, order: "random" });
    expect(await badOrder.json()).toMatchObject({ parameter: "order" });
    expect((await post({ targetId: "no-such-target", eventIds })).status).toBe(404);

    const started = await post({ targetId: target.id, filter: { type: ["user.*"] }, maxPerSecond: 5 });
    expect(started.status).toBe(201);
    const job = await started.json();
    expect(job).toMatchObject({ status: "queued", total: 3, sent: 0, failed: 0, left: 3, targetId: target.id, maxPerSecond: 5, filter: { type: ["user.*"] } });

    const read = await (await call(replayRoute.loader, t.request(`/api/v1/replays/${job.id}`, { headers: { authorization: viewer } }), { id: job.id })).json();
    expect(read).toMatchObject({ id: job.id, status: "queued", total: 3 });
    const command = (name: string, auth = operator) =>
      call(replayCommandRoute.action, t.request(`/api/v1/replays/${job.id}/${name}`, { method: "POST", headers: { authorization: auth } }), { id: job.id, command: name });
    expect((await command("pause", viewer)).status).toBe(403);
    expect(await (await command("pause")).json()).toMatchObject({ status: "paused" });
    expect(await (await command("cancel")).json()).toMatchObject({ status: "canceled", canceled: 3, left: 0 });
    const resume = await command("resume");
    expect(resume.status).toBe(409);
    expect((await command("explode")).status).toBe(404);
    const missing = await call(replayRoute.loader, t.request("/api/v1/replays/nope", { headers: { authorization: viewer } }), { id: "nope" });
    expect(missing.status).toBe(404);

    const actions = (await t.database.db.auditEntry.findMany({ where: { subject: job.id }, orderBy: { at: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["replay.start", "replay.pause", "replay.cancel"]);
  });

  it("lets operators create targets on /targets, and refuses viewers", async () => {
    const operatorCookie = await t.cookieFor("operator");
    const viewerCookie = await t.cookieFor("viewer");
    const form = (fields: Record<string, string>, cookie: string) =>
      t.request("/targets?index", { method: "POST", cookie, body: new URLSearchParams(fields) });

    const refused = await call(targetsPage.action, form({ intent: "create", name: "v", url: "http://127.0.0.1:9/" }, viewerCookie));
    expect(refused.status).toBe(403);
    const invalid = await call(targetsPage.action, form({ intent: "create", name: "x", url: "http://127.0.0.1:9/", headers: "no colon" }, operatorCookie));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ field: "headers" });
    const created = await (
      await call(targetsPage.action, form({ intent: "create", name: "From the form", url: "http://127.0.0.1:9/", eventTypes: "user.*, session.created", autoForward: "on" }, operatorCookie))
    ).json();
    expect(created.created.secret).toMatch(/^whsec_/);
    const row = await t.database.db.target.findUniqueOrThrow({ where: { id: created.created.id } });
    expect(row).toMatchObject({ autoForward: true, eventTypes: JSON.stringify(["user.*", "session.created"]) });
    expect(row.autoForwardSince).not.toBeNull();

    const page = await (await call(targetsPage.loader, t.request("/targets", { cookie: viewerCookie }))).json();
    expect(page.canManage).toBe(false);
    expect(page.targets.find((x: { id: string }) => x.id === row.id)).toMatchObject({ name: "From the form" });
  });

  it("counts a filter on /replays/new and replays one event from its page", async () => {
    const operatorCookie = await t.cookieFor("operator");
    const viewerCookie = await t.cookieFor("viewer");
    const target = await (await call(targetsRoute.action, json("/api/v1/targets", "POST", { name: "page", url: "http://127.0.0.1:9/" }, operator))).json();

    const confirm = await (await call(newReplayPage.loader, t.request(`/replays/new?type=user.*&targetId=${target.id}`, { cookie: viewerCookie }))).json();
    // The target takes every type, so nothing is outside.
    expect(confirm).toMatchObject({ preview: { selected: 3, toSend: 3, outside: 0 }, targetId: target.id, canReplay: false });
    // A bad selection is a 400 that still renders the form, saying what is wrong.
    const bad = await call(newReplayPage.loader, t.request("/replays/new?from=nonsense", { cookie: viewerCookie }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ preview: null, invalid: expect.stringContaining("Invalid `from`"), selection: { from: "nonsense" } });
    // The date fields send UTC without a zone.
    const typed = await (await call(newReplayPage.loader, t.request("/replays/new?type=user.*&from=2000-01-01+00:00:00", { cookie: viewerCookie }))).json();
    expect(typed.selection.from).toBe("2000-01-01 00:00:00");
    const started = await call(
      newReplayPage.action,
      t.request("/replays/new?type=user.*", { method: "POST", cookie: operatorCookie, body: new URLSearchParams({ intent: "replay", targetId: target.id, maxPerSecond: "" }) }),
    );
    expect(started.status).toBe(302);
    const jobId = started.headers.get("location")!.replace("/replays/", "");
    expect(await t.database.db.dispatchJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ total: 3, kind: "replay" });
    const jobView = await (await call(jobPage.loader, t.request(`/replays/${jobId}?outcome=pending`, { cookie: viewerCookie }), { id: jobId })).json();
    expect(jobView).toMatchObject({ outcome: "pending", job: { total: 3 } });
    const badOutcome = await call(jobPage.loader, t.request(`/replays/${jobId}?outcome=bogus`, { cookie: viewerCookie }), { id: jobId });
    expect(badOutcome.status).toBe(400);
    expect(await badOutcome.text()).toContain("Invalid `outcome`");

    const eventId = eventIds[0]!;
    const panel = await (await call(eventReplayRoute.loader, t.request(`/events/${eventId}/replay`, { cookie: viewerCookie }), { id: eventId })).json();
    expect(panel.canReplay).toBe(false);
    expect(panel.targets.map((x: { id: string }) => x.id)).toContain(target.id);
    const replayForm = (cookie: string, targetId: string) =>
      t.request(`/events/${eventId}/replay`, { method: "POST", cookie, body: new URLSearchParams({ intent: "replay", targetId }) });
    expect((await call(eventReplayRoute.action, replayForm(viewerCookie, target.id), { id: eventId })).status).toBe(403);
    const missingTarget = await call(eventReplayRoute.action, replayForm(operatorCookie, "gone"), { id: eventId });
    expect(missingTarget.status).toBe(404);
    const replayed = await (await call(eventReplayRoute.action, replayForm(operatorCookie, target.id), { id: eventId })).json();
    expect(replayed.jobId).toBeTruthy();
    const tasks = (await (await call(eventReplayRoute.loader, t.request(`/events/${eventId}/replay`, { cookie: operatorCookie }), { id: eventId })).json()).tasks;
    expect(tasks).toHaveLength(0); // planned by the worker, not by the request
  });
});
