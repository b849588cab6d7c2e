// Settings → API tokens, Accounts and Audit log through their loaders and actions, for
// each role, against real SQLite and Postgres databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { action as accountsAction, loader as accountsLoader } from "~/routes/settings.accounts";
import { loader as auditLoader } from "~/routes/settings.audit";
import { action as sourcesAction, loader as sourcesLoader } from "~/routes/settings.sources";
import { action as tokensAction, loader as tokensLoader } from "~/routes/settings.tokens";
import { AccountPolicyError, changeRole } from "./account-admin.server";
import { authenticate } from "./accounts.server";
import type { Role } from "./roles";
import { getSessionAccount } from "./session.server";
import { requireApiToken } from "./tokens.server";

type Args = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
type RouteFn = (args: Args) => Promise<unknown>;

describe.each(PROVIDERS)("settings role matrix (%s)", (provider) => {
  let ctx: RouteTestContext;
  const cookies = {} as Record<Role, string>;

  /** Calls a loader or action; a thrown Response (redirect, 403) is returned instead. */
  async function call(fn: RouteFn, path: string, cookie: string, form?: Record<string, string>) {
    const request = ctx.request(path, form ? { method: "POST", cookie, body: new URLSearchParams(form) } : { cookie });
    try {
      const result = await fn({ request, params: {}, context: {} });
      const init = (result as { init?: { status?: number } })?.init;
      const value = (result as { data?: unknown })?.data !== undefined && init ? (result as { data: unknown }).data : result;
      return { status: init?.status ?? 200, value: value as Record<string, unknown> };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, value: { text: await thrown.text() } as Record<string, unknown> };
      throw thrown;
    }
  }
  const emailOf = async (cookie: string) => (await getSessionAccount(new Request("http://x/", { headers: { cookie } })))!.email;

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    for (const role of ["viewer", "operator", "admin"] as const) cookies[role] = await ctx.cookieFor(role);
  });
  afterAll(() => ctx.database.drop());

  it("lets every role open the tokens page, and only admins the accounts, sources and audit pages", async () => {
    const expected: Record<Role, number> = { viewer: 403, operator: 403, admin: 200 };
    for (const role of ["viewer", "operator", "admin"] as const) {
      expect((await call(tokensLoader as RouteFn, "/settings/tokens", cookies[role])).status).toBe(200);
      expect((await call(accountsLoader as RouteFn, "/settings/accounts", cookies[role])).status, role).toBe(expected[role]);
      expect((await call(sourcesLoader as RouteFn, "/settings/sources", cookies[role])).status, role).toBe(expected[role]);
      expect((await call(auditLoader as RouteFn, "/settings/audit", cookies[role])).status, role).toBe(expected[role]);
      const create = await call(accountsAction as RouteFn, "/settings/accounts", cookies[role], { intent: "create", email: `new-${role}@x.test`, role: "viewer", password: "long-enough-pw" });
      expect(create.status, role).toBe(role === "admin" ? 200 : 403);
      const source = await call(sourcesAction as RouteFn, "/settings/sources", cookies[role], { intent: "create", slug: `src-${role}` });
      expect(source.status, role).toBe(role === "admin" ? 200 : 403);
    }
    const anonymous = await call(tokensLoader as RouteFn, "/settings/tokens", "");
    expect(anonymous.status).toBe(302);
  });

  it("creates tokens up to the creator's own role, shows each once, and lets owners and admins revoke them", async () => {
    const limits: [Role, Role, number][] = [
      ["viewer", "viewer", 200],
      ["viewer", "operator", 403],
      ["operator", "operator", 200],
      ["operator", "admin", 403],
      ["admin", "admin", 200],
    ];
    const made: Record<string, string> = {};
    for (const [who, role, status] of limits) {
      const answer = await call(tokensAction as RouteFn, "/settings/tokens", cookies[who], { intent: "create", name: `${who}-${role}`, role });
      expect(answer.status, `${who} → ${role}`).toBe(status);
      if (status === 200) {
        const created = answer.value.created as { token: string };
        expect(created.token).toMatch(/^hl_/);
        made[`${who}-${role}`] = created.token;
        const principal = await requireApiToken(new Request("http://x/api/v1/deliveries", { headers: { authorization: `Bearer ${created.token}` } }), role);
        expect(principal.role).toBe(role);
      } else {
        expect(answer.value.error).toMatch(/your role or a lower one/);
      }
    }
    // The list never carries the token, only its prefix; a viewer sees only their own.
    const viewerList = await call(tokensLoader as RouteFn, "/settings/tokens", cookies.viewer);
    const viewerTokens = viewerList.value.tokens as { id: string; name: string; prefix: string }[];
    expect(viewerTokens.map((t) => t.name)).toEqual(["viewer-viewer"]);
    expect(JSON.stringify(viewerList.value)).not.toContain(made["viewer-viewer"]);
    const adminList = await call(tokensLoader as RouteFn, "/settings/tokens", cookies.admin);
    const all = adminList.value.tokens as { id: string; name: string; owner: string | null }[];
    expect(all.map((t) => t.name).sort()).toEqual(["admin-admin", "operator-operator", "viewer-viewer"]);
    expect(all.find((t) => t.name === "viewer-viewer")!.owner).toBe(await emailOf(cookies.viewer));

    // A viewer cannot revoke someone else's token; an admin can revoke anyone's.
    const operatorToken = all.find((t) => t.name === "operator-operator")!;
    const refused = await call(tokensAction as RouteFn, "/settings/tokens", cookies.viewer, { intent: "revoke", tokenId: operatorToken.id });
    expect(refused.status).toBe(403);
    const revoked = await call(tokensAction as RouteFn, "/settings/tokens", cookies.admin, { intent: "revoke", tokenId: operatorToken.id });
    expect(revoked.status).toBe(200);
    const rejected = await requireApiToken(new Request("http://x/", { headers: { authorization: `Bearer ${made["operator-operator"]}` } })).catch((r) => r as Response);
    expect((rejected as Response).status).toBe(401);
    const own = viewerTokens[0]!;
    expect((await call(tokensAction as RouteFn, "/settings/tokens", cookies.viewer, { intent: "revoke", tokenId: own.id })).status).toBe(200);

    const audit = await ctx.database.db.auditEntry.findMany({ where: { action: { in: ["token.create", "token.revoke"] } } });
    expect(audit.filter((a) => a.action === "token.create")).toHaveLength(3);
    expect(audit.filter((a) => a.action === "token.revoke")).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toMatch(/hl_/);
  });

  it("lets an admin create an account that can sign in, change its role and disable it (sessions and tokens end)", async () => {
    const created = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, {
      intent: "create",
      email: "Support@Example.com",
      name: "Support",
      role: "viewer",
      password: "support-password-1",
    });
    expect(created.status).toBe(200);
    expect(await authenticate(ctx.database.db, "support@example.com", "support-password-1")).toMatchObject({ role: "viewer" });
    const duplicate = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "create", email: "support@example.com", role: "viewer", password: "another-password" });
    expect(duplicate.status).toBe(409);
    const weak = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "create", email: "weak@example.com", role: "viewer", password: "short" });
    expect(weak.status).toBe(400);
    expect(weak.value.error).toMatch(/at least 8/);

    const account = await ctx.database.db.account.findUniqueOrThrow({ where: { email: "support@example.com" } });
    const role = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "role", accountId: account.id, role: "operator" });
    expect(role.status).toBe(200);
    expect((await ctx.database.db.account.findUniqueOrThrow({ where: { id: account.id } })).role).toBe("operator");

    // The operator signs in and makes a token; disabling ends both.
    const { createSession } = await import("./session.server");
    const session = (await createSession(account.id, "test")).split(";")[0]!;
    const token = (await call(tokensAction as RouteFn, "/settings/tokens", session, { intent: "create", name: "script", role: "operator" })).value.created as { token: string };
    // Lowering the role revokes tokens above the new role.
    await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "role", accountId: account.id, role: "viewer" });
    const demoted = await requireApiToken(new Request("http://x/", { headers: { authorization: `Bearer ${token.token}` } })).catch((r) => r as Response);
    expect((demoted as Response).status).toBe(401);

    const disabled = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "disable", accountId: account.id });
    expect(disabled.status).toBe(200);
    expect(await getSessionAccount(new Request("http://x/", { headers: { cookie: session } }))).toBeNull();
    expect(await authenticate(ctx.database.db, "support@example.com", "support-password-1")).toBeNull();
    const enabled = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "enable", accountId: account.id });
    expect(enabled.status).toBe(200);
    expect(await authenticate(ctx.database.db, "support@example.com", "support-password-1")).not.toBeNull();

    const reset = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "password", accountId: account.id, password: "a-brand-new-password" });
    expect(reset.status).toBe(200);
    expect(await authenticate(ctx.database.db, "support@example.com", "a-brand-new-password")).not.toBeNull();
  });

  it("never leaves Hookline without an enabled admin, and refuses self-disable", async () => {
    const db = ctx.database.db;
    // Only the test admin (and accounts made above) exist; make the test admin the only admin.
    const me = await db.account.findUniqueOrThrow({ where: { email: await emailOf(cookies.admin) } });
    await db.account.updateMany({ where: { role: "admin", NOT: { id: me.id } }, data: { role: "operator" } });

    const demoteSelf = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "role", accountId: me.id, role: "operator" });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.value.error).toMatch(/at least one enabled admin/);
    const disableSelf = await call(accountsAction as RouteFn, "/settings/accounts", cookies.admin, { intent: "disable", accountId: me.id });
    expect(disableSelf.status).toBe(409);
    expect(disableSelf.value.error).toMatch(/your own account/);
    expect((await db.account.findUniqueOrThrow({ where: { id: me.id } })).role).toBe("admin");

    // Two admins demoting each other at the same moment (both already past their page's
    // role check): exactly one change goes through, and one admin remains.
    const other = await ctx.cookieFor("admin");
    const otherAccount = await db.account.findUniqueOrThrow({ where: { email: await emailOf(other) } });
    const actor = (account: typeof me) => ({ id: account.id, email: account.email, name: null, role: "admin" as const });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([
        changeRole(ctx.database, actor(me), otherAccount.id, "viewer"),
        changeRole(ctx.database, actor(otherAccount), me.id, "viewer"),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(AccountPolicyError);
      expect(await db.account.count({ where: { role: "admin", disabled: false } })).toBe(1);
      await db.account.updateMany({ where: { id: { in: [me.id, otherAccount.id] } }, data: { role: "admin" } });
    }
    await db.account.update({ where: { id: otherAccount.id }, data: { role: "viewer" } });
  });

  it("pages through the audit log, newest first, and filters it by action", async () => {
    const db = ctx.database.db;
    for (let i = 0; i < 60; i++) await db.auditEntry.create({ data: { actor: "bulk@x.test", action: "test.bulk", subject: String(i), at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) } });
    const first = await call(auditLoader as RouteFn, "/settings/audit?action=test.bulk", cookies.admin);
    const entries = first.value.entries as { subject: string }[];
    expect(entries).toHaveLength(50);
    expect(entries[0]!.subject).toBe("59");
    const second = await call(auditLoader as RouteFn, `/settings/audit?action=test.bulk&after=${first.value.nextAfter}`, cookies.admin);
    expect((second.value.entries as { subject: string }[]).map((e) => e.subject)).toEqual(Array.from({ length: 10 }, (_, i) => String(9 - i)));
    expect(second.value.nextAfter).toBeNull();
    const all = await call(auditLoader as RouteFn, "/settings/audit", cookies.admin);
    expect(all.value.actions).toEqual(expect.arrayContaining(["account.create", "account.role", "account.disable", "token.create", "test.bulk"]));
    expect((await call(auditLoader as RouteFn, "/settings/audit?after=../../etc", cookies.admin)).status).toBe(400);
  });
});
