// Issues end to end: real deliveries through the real server, real targets answering
// 500 then 200, the real worker evaluating and sending, and a local receiver that
// verifies every notification with the `svix` library (both header families). The
// API is called through its route modules with real tokens.
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { startDispatch, waitUntil, type RunningDispatch } from "../../tests/support/dispatch";
import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { startTestServer, type TestServer } from "../../tests/support/server";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { AlertWorker, type AlertWorkerOptions } from "./alerts-worker.server";
import { reverifyIssueDeliveries } from "./fix-issue.server";
import { createApiToken } from "~/auth/tokens.server";
import { createTarget } from "~/dispatch/create-target.server";
import { TargetCreateSchema } from "~/dispatch/target-input";
import * as issueActionRoute from "~/routes/api.v1.issues.$id.$action";
import * as issueRoute from "~/routes/api.v1.issues.$id";
import * as issuesRoute from "~/routes/api.v1.issues._index";
import * as channelRoute from "~/routes/api.v1.notification-channels.$id";
import * as channelTestRoute from "~/routes/api.v1.notification-channels.$id.test";
import * as channelsRoute from "~/routes/api.v1.notification-channels._index";
import { metrics } from "~/observability/metrics.server";
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

const api = (path: string, bearer: string, init: RequestInit = {}) =>
  new Request(`http://hookline.test${path}`, { ...init, headers: { authorization: bearer, "content-type": "application/json", ...init.headers } });

export const TEST_ALERTS: AlertWorkerOptions = {
  evalMs: 50,
  resolveAfterMs: 60_000,
  sender: { retrySchedule: [50, 100], allowlist: null, smtp: { url: null, from: null } },
};

interface Notification {
  type: string;
  issue?: { id: string; kind: string; status: string; title: string; subject: { type: string; id: string }; count: number; url: string };
  issues?: { id: string; kind: string }[];
}
const bodyOf = (r: { body: Buffer }) => JSON.parse(r.body.toString()) as Notification;

describe.each(PROVIDERS)("issues and notifications (%s)", (provider) => {
  const SECRET = newSecret();
  const ROTATED = newSecret();
  const secrets = [SECRET];
  let server: TestServer;
  let channel: Receiver;
  let consumer: Receiver;
  let admin: string;
  let operator: string;
  let viewer: string;
  let alerts: AlertWorker;
  let dispatch: RunningDispatch;
  let channelSecret: string;

  const post = async (secret: string, type: string, id: string) => {
    const body = JSON.stringify(envelope(type, { id, object: type.split(".")[0] }));
    const response = await fetch(`${server.url}/webhooks/clerk`, { method: "POST", body, headers: signedHeaders(secret, body) });
    await response.arrayBuffer();
    return response.status;
  };
  /** One worker round, and every notification it wrote sent and recorded. */
  const round = async (options: { resolveNow?: boolean } = {}) => {
    // resolveNow: as if the condition had been clear for HOOKLINE_ALERT_RESOLVE_AFTER_MS.
    const result = await alerts.evaluate(undefined, options.resolveNow ? { resolveAfterMs: 0 } : {});
    await alerts.sender.sendDue();
    await alerts.sender.idle();
    return result;
  };

  beforeAll(async () => {
    server = await startTestServer(provider, { secrets });
    (globalThis as { __hooklineDb?: unknown }).__hooklineDb = server.database;
    const token = async (role: "admin" | "operator" | "viewer") => `Bearer ${(await createApiToken(server.database.db, { name: `t-${role}`, role })).token}`;
    [admin, operator, viewer] = [await token("admin"), await token("operator"), await token("viewer")];
    channel = await startReceiver(newSecret());
    consumer = await startReceiver(newSecret(), () => ({ status: 500, body: "consumer broke" }));
    alerts = new AlertWorker(server.database, TEST_ALERTS);
    dispatch = startDispatch(server.database, { retrySchedule: [] });
  });
  afterAll(async () => {
    await dispatch.stop();
    await channel.close();
    await consumer.close();
    await server.close();
  });

  it("creates a webhook channel whose secret is answered once, for admins only", async () => {
    const denied = await call(channelsRoute.action, api("/api/v1/notification-channels", operator, { method: "POST", body: JSON.stringify({ name: "ops", type: "webhook", url: channel.url }) }));
    expect(denied.status).toBe(403);
    const bad = await call(channelsRoute.action, api("/api/v1/notification-channels", admin, { method: "POST", body: JSON.stringify({ name: "ops", type: "webhook", url: "ftp://x" }) }));
    expect(bad.status).toBe(400);
    const created = await call(channelsRoute.action, api("/api/v1/notification-channels", admin, { method: "POST", body: JSON.stringify({ name: "ops", type: "webhook", url: channel.url }) }));
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; secret: string };
    expect(body.secret).toMatch(/^whsec_/);
    channelSecret = body.secret;
    channel.useSecret(channelSecret);
    const read = await (await call(channelRoute.loader, api(`/api/v1/notification-channels/${body.id}`, admin), { id: body.id })).json();
    expect(JSON.stringify(read)).not.toContain(channelSecret);
    const stored = await server.database.db.notificationChannel.findUniqueOrThrow({ where: { id: body.id } });
    expect(stored.secretEncrypted).not.toContain(channelSecret.slice(6));

    const test = await call(channelTestRoute.action, api(`/api/v1/notification-channels/${body.id}/test`, admin, { method: "POST" }), { id: body.id });
    expect(await test.json()).toMatchObject({ ok: true, status: 200 });
    expect(channel.requests).toHaveLength(1);
    expect(channel.requests[0]!.verified).toBe(true);
    expect(bodyOf(channel.requests[0]!).type).toBe("test");
    const audit = await server.database.db.auditEntry.findMany({ where: { action: { startsWith: "notification_channel." } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["notification_channel.create", "notification_channel.test"]);
    channel.requests.length = 0;
  });

  it("a wrong-secret burst opens one verification_failures issue, notified once, signed in both header forms", async () => {
    for (let i = 0; i < 4; i++) expect(await post(ROTATED, "user.created", `user_rot${i}`)).toBe(401);
    const first = await round();
    expect(first.opened).toHaveLength(1);
    // Evaluated again while the condition holds: no second notification.
    await round();
    expect(channel.requests).toHaveLength(1);
    const request = channel.requests[0]!;
    expect(request.verified).toBe(true);
    // The Standard Webhooks names carry the same signature.
    const h = request.headers;
    expect(() =>
      new Webhook(channelSecret).verify(request.body, {
        "webhook-id": String(h["webhook-id"]),
        "webhook-timestamp": String(h["webhook-timestamp"]),
        "webhook-signature": String(h["webhook-signature"]),
      }),
    ).not.toThrow();
    const note = bodyOf(request);
    expect(note.type).toBe("issue.opened");
    expect(note.issue).toMatchObject({ kind: "verification_failures", status: "open", subject: { type: "source", id: "clerk" }, count: 4 });
    expect(note.issue!.title).toContain("invalid_signature ×4");
    expect(note.issue!.title).toContain("Was the signing secret rotated in Clerk?");
    expect(note.issue!.url).toMatch(new RegExp(`/issues/${note.issue!.id}$`));

    const list = await (await call(issuesRoute.loader, api("/api/v1/issues?status=open", viewer))).json();
    expect(list.issues.map((i: { id: string }) => i.id)).toEqual([note.issue!.id]);
    const detail = await (await call(issueRoute.loader, api(`/api/v1/issues/${note.issue!.id}`, viewer), { id: note.issue!.id })).json();
    expect(detail.samples).toHaveLength(4);
    expect(detail.samples.every((s: { type: string; label: string }) => s.type === "delivery" && s.label === "invalid_signature")).toBe(true);
    expect(detail.occurrences.reduce((n: number, o: { count: number }) => n + o.count, 0)).toBe(4);
    expect((await call(issuesRoute.loader, api("/api/v1/issues?kind=nope", viewer))).status).toBe(400);

    metrics().attach(server.database);
    const gauge = await metrics().registry.getSingleMetricAsString("hookline_issues_open");
    expect(gauge).toContain('hookline_issues_open{kind="verification_failures"} 1');
  });

  it("re-verifying after the secret is fixed resolves the issue at once and notifies issue.resolved", async () => {
    const issue = await server.database.db.issue.findFirstOrThrow({ where: { kind: "verification_failures" } });
    secrets.push(ROTATED);
    const fixed = await reverifyIssueDeliveries(server.database, issue.id, { sources: new SourceResolver(server.database.db, () => secrets, 0) }, "operator@test");
    expect(fixed.summary.counts.verified).toBe(4);
    expect(fixed.issue.status).toBe("resolved");
    await alerts.sender.sendDue();
    await alerts.sender.idle();
    expect(channel.requests.map((r) => bodyOf(r).type)).toEqual(["issue.opened", "issue.resolved"]);
    // Nothing brings it back: the deliveries are events now.
    expect((await round()).reopened).toEqual([]);
    channel.requests.length = 0;
  });

  it("a target answering 500 opens target_failing; answering 200 again resolves it; failing again reopens it", async () => {
    const { target } = await createTarget(server.database.db, TargetCreateSchema.parse({ name: "consumer", url: consumer.url, secret: consumer.secret, autoForward: true }), { actor: "test", allowlist: null });
    for (let i = 0; i < 3; i++) expect(await post(SECRET, "user.created", `user_t${i}`)).toBe(200);
    await waitUntil(async () => (await server.database.db.dispatchAttempt.count({ where: { targetId: target.id } })) >= 3, 15_000, "3 failed attempts");
    const opened = await round();
    expect(opened.opened).toHaveLength(1);
    const note = bodyOf(channel.requests.at(-1)!);
    expect(note).toMatchObject({ type: "issue.opened", issue: { kind: "target_failing", subject: { type: "target", id: target.id } } });
    expect(note.issue!.title).toContain("HTTP 500");

    consumer.respond(() => ({ status: 200, body: "ok" }));
    for (let i = 0; i < 2; i++) await post(SECRET, "user.created", `user_ok${i}`);
    await waitUntil(async () => (await server.database.db.dispatchAttempt.count({ where: { targetId: target.id, ok: true } })) >= 2, 15_000, "2 good attempts");
    // Clear now; it resolves once it has stayed clear for resolveAfterMs.
    expect((await round()).resolved).toEqual([]);
    const resolved = await round({ resolveNow: true });
    expect(resolved.resolved).toEqual([note.issue!.id]);
    expect(bodyOf(channel.requests.at(-1)!).type).toBe("issue.resolved");

    consumer.respond(() => ({ status: 502 }));
    for (let i = 0; i < 3; i++) await post(SECRET, "user.created", `user_again${i}`);
    await waitUntil(async () => (await server.database.db.dispatchAttempt.count({ where: { targetId: target.id, ok: false } })) >= 6, 15_000, "3 more failed attempts");
    const reopened = await round();
    expect(reopened.reopened).toEqual([note.issue!.id]);
    const again = bodyOf(channel.requests.at(-1)!);
    expect(again).toMatchObject({ type: "issue.reopened", issue: { id: note.issue!.id, status: "open" } });
    expect(again.issue!.title).toContain("HTTP 502");
    const detail = await (await call(issueRoute.loader, api(`/api/v1/issues/${note.issue!.id}`, viewer), { id: note.issue!.id })).json();
    expect(detail.changes.map((c: { change: string }) => c.change).reverse()).toEqual(["opened", "resolved", "reopened"]);
    expect(channel.requests.map((r) => bodyOf(r).type)).toEqual(["issue.opened", "issue.resolved", "issue.reopened"]);
    channel.requests.length = 0;
  });

  it("mute silences notifications until its time; acknowledge and resolve by hand are audited", async () => {
    const issue = await server.database.db.issue.findFirstOrThrow({ where: { kind: "target_failing" } });
    const viewerTry = await call(issueActionRoute.action, api(`/api/v1/issues/${issue.id}/mute`, viewer, { method: "POST" }), { id: issue.id, action: "mute" });
    expect(viewerTry.status).toBe(403);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const muted = await call(issueActionRoute.action, api(`/api/v1/issues/${issue.id}/mute`, operator, { method: "POST", body: JSON.stringify({ until }) }), { id: issue.id, action: "mute" });
    expect(await muted.json()).toMatchObject({ status: "muted", mutedUntil: until });
    // It resolves (clear long enough) while muted: silence.
    consumer.respond(() => ({ status: 200 }));
    // 6 failed of the last 14 (the success-rate rule holds below 50 % over 10+ attempts).
    for (let i = 0; i < 6; i++) await post(SECRET, "user.created", `user_quiet${i}`);
    await waitUntil(async () => (await server.database.db.dispatchAttempt.count({ where: { targetId: issue.subjectId, ok: true } })) >= 8, 15_000, "good attempts");
    await round();
    expect((await round({ resolveNow: true })).resolved).toEqual([issue.id]);
    expect(channel.requests).toHaveLength(0);

    // Acknowledge and resolve by hand on another issue: the verification one, reopened by a new burst.
    for (let i = 0; i < 3; i++) await post(newSecret(), "user.created", `user_burst${i}`);
    const reopened = await round();
    expect(reopened.reopened).toHaveLength(1);
    const id = reopened.reopened[0]!;
    const acked = await call(issueActionRoute.action, api(`/api/v1/issues/${id}/acknowledge`, operator, { method: "POST" }), { id, action: "acknowledge" });
    expect(await acked.json()).toMatchObject({ status: "acknowledged" });
    const resolved = await call(issueActionRoute.action, api(`/api/v1/issues/${id}/resolve`, operator, { method: "POST" }), { id, action: "resolve" });
    expect(await resolved.json()).toMatchObject({ status: "resolved" });
    await round();
    expect(channel.requests.map((r) => bodyOf(r).type)).toEqual(["issue.reopened", "issue.resolved"]);
    const audit = await server.database.db.auditEntry.findMany({ where: { action: { startsWith: "issue." } }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["issue.mute", "issue.acknowledge", "issue.resolve"]);
    channel.requests.length = 0;
  });

  it("more than 10 issues opening at once go out as one digest (12 new event types)", async () => {
    for (let i = 0; i < 12; i++) expect(await post(SECRET, `brandnew${i}.created`, `x_${i}`)).toBe(200);
    const result = await round();
    expect(result.opened).toHaveLength(12);
    expect(channel.requests).toHaveLength(1);
    const digest = bodyOf(channel.requests[0]!);
    expect(digest.type).toBe("issue.digest");
    expect(digest.issues).toHaveLength(12);
    expect(digest.issues!.every((i) => i.kind === "unknown_event_type")).toBe(true);
    const log = await server.database.db.issueNotification.findMany({ where: { type: "issue.opened" } });
    expect(log.filter((n) => n.digestOf !== null)).toHaveLength(12);
    expect(log.every((n) => n.status === "sent")).toBe(true);
  });
});
