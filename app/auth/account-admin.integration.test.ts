// An admin's password reset through the accounts page's action: by default it also
// ends the account's sessions and revokes its API tokens, and the audit log says so.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { action as accountsAction } from "~/routes/settings.accounts";
import { createAccount } from "./accounts.server";
import { createSession, getSessionAccount } from "./session.server";
import { createApiToken, requireApiToken } from "./tokens.server";

describe.each(PROVIDERS)("password reset by an admin (%s)", (provider) => {
  let ctx: RouteTestContext;
  let admin: string;
  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    admin = await ctx.cookieFor("admin");
  });
  afterAll(() => ctx.database.drop());

  /** An operator with a session and an API token, as someone whose password leaked. */
  async function leakedAccount(email: string) {
    const account = await createAccount(ctx.database.db, { email, password: "the-leaked-password", role: "operator" });
    const session = (await createSession(account.id, "vitest")).split(";")[0]!;
    const { token } = await createApiToken(ctx.database.db, { name: "ci", role: "operator", accountId: account.id });
    return { account, session, bearer: `Bearer ${token}` };
  }
  const stillSignedIn = async (cookie: string) => (await getSessionAccount(new Request("http://x/", { headers: { cookie } }))) !== null;
  const tokenWorks = async (authorization: string) =>
    requireApiToken(new Request("http://x/api/v1/events", { headers: { authorization } })).then(
      () => true,
      (r: Response) => (r.status === 401 ? false : Promise.reject(r)),
    );
  async function reset(accountId: string, extra: Record<string, string> = {}) {
    const request = ctx.request("/settings/accounts", {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({ intent: "password", accountId, password: "a-brand-new-password", ...extra }),
    });
    return (await accountsAction({ request, params: {}, context: {} })) as { error: string | null; message: string | null };
  }

  it("signs out everywhere and revokes the account's tokens by default, in the audit log", async () => {
    const leaked = await leakedAccount(`leaked-${provider}@example.com`);
    expect(await tokenWorks(leaked.bearer)).toBe(true);
    // As the page sends it with the box left ticked: the hidden "0", then the checkbox's "1".
    const form = new URLSearchParams({ intent: "password", accountId: leaked.account.id, password: "a-brand-new-password" });
    form.append("signOutEverywhere", "0");
    form.append("signOutEverywhere", "1");
    const result = (await accountsAction({ request: ctx.request("/settings/accounts", { method: "POST", cookie: admin, body: form }), params: {}, context: {} })) as {
      error: string | null;
    };
    expect(result.error).toBeNull();
    expect(await stillSignedIn(leaked.session)).toBe(false);
    expect(await tokenWorks(leaked.bearer)).toBe(false);
    const audit = await ctx.database.db.auditEntry.findFirstOrThrow({ where: { action: "account.password", subject: leaked.account.email } });
    expect(JSON.parse(audit.detail!)).toMatchObject({ signOutEverywhere: true, endedSessions: 1, revokedTokens: 1 });
  });

  it("does the same when the form leaves the field out", async () => {
    const leaked = await leakedAccount(`leaked-default-${provider}@example.com`);
    expect((await reset(leaked.account.id)).error).toBeNull();
    expect(await stillSignedIn(leaked.session)).toBe(false);
    expect(await tokenWorks(leaked.bearer)).toBe(false);
  });

  it("only changes the password when the admin unticks the box", async () => {
    const kept = await leakedAccount(`kept-${provider}@example.com`);
    expect((await reset(kept.account.id, { signOutEverywhere: "0" })).error).toBeNull();
    expect(await stillSignedIn(kept.session)).toBe(true);
    expect(await tokenWorks(kept.bearer)).toBe(true);
    const audit = await ctx.database.db.auditEntry.findFirstOrThrow({ where: { action: "account.password", subject: kept.account.email } });
    expect(JSON.parse(audit.detail!)).toMatchObject({ signOutEverywhere: false, revokedTokens: 0 });
  });
});
