// The issue pages and the notification settings as a browser session calls them: who
// may see and change what, the fixing action, the secret shown once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret } from "../../tests/support/svix";
import { AlertWorker } from "./alerts-worker.server";
import * as rootRoute from "~/root";
import * as alertSettingsRoute from "~/routes/api.v1.alert-settings.$type.$id";
import * as issuePage from "~/routes/issues.$id";
import * as issuesPage from "~/routes/issues._index";
import * as notificationsPage from "~/routes/settings.notifications";
import { createApiToken } from "~/auth/tokens.server";
import { SourceResolver } from "~/sources/sources.server";

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function call(handler: unknown, request: Request, params: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  try {
    const result = await (handler as Handler)({ request, params, context: {} });
    if (result instanceof Response) return { status: result.status, body: result.headers.get("content-type")?.includes("json") ? await result.json() : null };
    return { status: 200, body: result };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, body: null };
    throw thrown;
  }
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe.each(PROVIDERS)("issue pages (%s)", (provider) => {
  let t: RouteTestContext;
  let viewer: string;
  let operator: string;
  let admin: string;
  let receiver: Receiver;
  let issueId: string;

  beforeAll(async () => {
    t = await setupRouteTest(provider);
    [viewer, operator, admin] = [await t.cookieFor("viewer"), await t.cookieFor("operator"), await t.cookieFor("admin")];
    receiver = await startReceiver(newSecret());
    // Deliveries for source "clerk" signed with a secret Hookline does not have.
    const wrong = newSecret();
    const deps = { db: t.database.db, sources: new SourceResolver(t.database.db, () => [newSecret()]), maxBodyBytes: 1 << 20 };
    for (let i = 0; i < 3; i++) await ingestSigned(deps, wrong, envelope("user.created", { id: `user_page${i}`, object: "user" })).catch(() => null);
    const alerts = new AlertWorker(t.database, { evalMs: 50, resolveAfterMs: 60_000, sender: { retrySchedule: [], allowlist: null, smtp: { url: null, from: null } } });
    const result = await alerts.evaluate();
    issueId = result.opened[0]!;
  });
  afterAll(async () => {
    await receiver.close();
    await t.database.drop();
  });

  it("everyone signed in sees the list, the issue and the header count; nobody else", async () => {
    expect((await call(issuesPage.loader, t.request("/issues"))).status).toBe(302);
    const list = await call(issuesPage.loader, t.request("/issues?status=open", { cookie: viewer }));
    expect(list.body.issues.map((i: { id: string }) => i.id)).toEqual([issueId]);
    const page = await call(issuePage.loader, t.request(`/issues/${issueId}`, { cookie: viewer }), { id: issueId });
    expect(page.body).toMatchObject({ reverifiable: 3, canManage: false, issue: { kind: "verification_failures", status: "open" } });
    expect((await call(issuePage.loader, t.request("/issues/nope", { cookie: viewer }), { id: "nope" })).status).toBe(404);
    const root = await call(rootRoute.loader, t.request("/", { cookie: viewer }));
    expect(root.body.openIssues).toBe(1);
  });

  it("viewers cannot change an issue; operators acknowledge, and re-verify with the secret still wrong keeps it open", async () => {
    const denied = await call(issuePage.action, t.request(`/issues/${issueId}`, { method: "POST", body: form({ intent: "acknowledge" }), cookie: viewer }), { id: issueId });
    expect(denied.status).toBe(403);
    const acked = await call(issuePage.action, t.request(`/issues/${issueId}`, { method: "POST", body: form({ intent: "acknowledge" }), cookie: operator }), { id: issueId });
    expect(acked.body).toMatchObject({ error: null, message: "Acknowledged." });
    const reverified = await call(issuePage.action, t.request(`/issues/${issueId}`, { method: "POST", body: form({ intent: "reverify" }), cookie: operator }), { id: issueId });
    expect(reverified.body.message).toMatch(/0 became events, 3 still fail\. The issue stays open/);
    const muted = await call(issuePage.action, t.request(`/issues/${issueId}`, { method: "POST", body: form({ intent: "mute", hours: "8" }), cookie: operator }), { id: issueId });
    expect(muted.body.message).toMatch(/^Muted until/);
    const row = await t.database.db.issue.findUniqueOrThrow({ where: { id: issueId } });
    expect(row.status).toBe("muted");
    const resolved = await call(issuePage.action, t.request(`/issues/${issueId}`, { method: "POST", body: form({ intent: "resolve" }), cookie: operator }), { id: issueId });
    expect(resolved.body.error).toBeNull();
    const audit = await t.database.db.auditEntry.findMany({ where: { subject: issueId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["issue.acknowledge", "issue.mute", "issue.resolve"]);
  });

  it("thresholds: the API reads them for viewers and takes a source's from admins only; the page's form saves them", async () => {
    const bearer = async (role: "viewer" | "operator" | "admin") => `Bearer ${(await createApiToken(t.database.db, { name: `t-${role}`, role })).token}`;
    const put = (auth: string, body: unknown) =>
      new Request("http://hookline.test/api/v1/alert-settings/sources/clerk", { method: "PUT", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
    const params = { type: "sources", id: "clerk" };
    expect((await call(alertSettingsRoute.action, put(await bearer("operator"), { silenceMinutes: 30 }), params)).status).toBe(403);
    expect((await call(alertSettingsRoute.action, put(await bearer("admin"), { silenceMinutes: 0 }), params)).status).toBe(400);
    expect((await call(alertSettingsRoute.action, put(await bearer("admin"), { loud: true }), params)).status).toBe(400);
    const saved = await call(alertSettingsRoute.action, put(await bearer("admin"), { silenceMinutes: 30 }), params);
    expect(saved.body).toMatchObject({ settings: { silenceMinutes: 30 }, defaults: { silenceMinutes: 60, verificationFailures: 3 } });
    const read = await call(alertSettingsRoute.loader, new Request("http://hookline.test/api/v1/alert-settings/sources/clerk", { headers: { authorization: await bearer("viewer") } }), params);
    expect(read.body.settings).toEqual({ silenceMinutes: 30 });

    // On the issue page (its subject is the `clerk` source): admins only, "off" switches silence off.
    const byOperator = await call(issuePage.action, t.request(`/issues/${issueId}`, { method: "POST", body: form({ intent: "thresholds", silenceMinutes: "off" }), cookie: operator }), { id: issueId });
    expect(byOperator.status).toBe(403);
    const byAdmin = await call(issuePage.action, t.request(`/issues/${issueId}`, { method: "POST", body: form({ intent: "thresholds", verificationFailures: "10", silenceMinutes: "off" }), cookie: admin }), { id: issueId });
    expect(byAdmin.body.message).toMatch(/Thresholds saved/);
    const page = await call(issuePage.loader, t.request(`/issues/${issueId}`, { cookie: admin }), { id: issueId });
    expect(page.body.thresholds).toEqual({ subject: "source", values: { verificationFailures: 10, silenceMinutes: null }, canChange: true });
  });

  it("notification settings are for admins; a webhook channel's secret is shown once; Send test shows the answer", async () => {
    expect((await call(notificationsPage.loader, t.request("/settings/notifications", { cookie: operator }))).status).toBe(403);
    const created = await call(
      notificationsPage.action,
      t.request("/settings/notifications", { method: "POST", body: form({ intent: "create", name: "ops hook", type: "webhook", url: receiver.url }), cookie: admin }),
    );
    expect(created.body.secret).toMatch(/^whsec_/);
    receiver.useSecret(created.body.secret);
    const settings = await call(notificationsPage.loader, t.request("/settings/notifications", { cookie: admin }));
    expect(JSON.stringify(settings.body)).not.toContain(created.body.secret);
    const id = settings.body.channels[0].id;
    const test = await call(notificationsPage.action, t.request("/settings/notifications", { method: "POST", body: form({ intent: "test", id }), cookie: admin }));
    expect(test.body.message).toMatch(/^Test sent: answered 200/);
    expect(receiver.requests[0]!.verified).toBe(true);
    const after = await call(notificationsPage.loader, t.request("/settings/notifications", { cookie: admin }));
    expect(after.body.channels[0].log[0]).toMatchObject({ type: "test", status: "sent", lastStatus: 200 });
    const bad = await call(notificationsPage.action, t.request("/settings/notifications", { method: "POST", body: form({ intent: "create", name: "x", type: "email", to: "not an address" }), cookie: admin }));
    expect(bad.body.error).toMatch(/is not an e-mail address/);
  });
});
