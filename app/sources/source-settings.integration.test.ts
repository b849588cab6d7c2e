// Settings → Sources against real SQLite and Postgres databases: secrets go in once,
// are stored sealed, are never readable back (not from the page, not from the
// database, not from the audit log), and reach ingest at once.
import fs from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { ingestDelivery } from "~/ingest/ingest.server";
import { action, loader } from "~/routes/settings.sources";
import { listSourceSettings, changeSourceSecrets, SourcePolicyError } from "./source-settings.server";
import { SourceResolver } from "./sources.server";

const FIRST = newSecret();
const SECOND = newSecret();
const THIRD = newSecret();

describe.each(PROVIDERS)("source settings (%s)", (provider) => {
  let ctx: RouteTestContext;
  let admin: string;

  async function post(form: Record<string, string>) {
    const result = await action({ request: ctx.request("/settings/sources", { method: "POST", cookie: admin, body: new URLSearchParams(form) }), params: {}, context: {} });
    const init = (result as { init?: { status?: number } }).init;
    const value = (init ? (result as { data: unknown }).data : result) as { error: string | null; message: string | null };
    return { status: init?.status ?? 200, ...value };
  }

  /** Every row of every table as text (Postgres), or the database file's bytes (SQLite). */
  async function everythingStored(): Promise<string> {
    if (provider === "sqlite") {
      const file = ctx.database.url.slice("file:".length);
      ctx.database.sqlite()?.pragma("wal_checkpoint(TRUNCATE)");
      return ["", "-wal"].map((suffix) => (fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix).toString("latin1") : "")).join("\n");
    }
    const tables = await ctx.database.db.$queryRawUnsafe<{ tablename: string }[]>("SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public'");
    const dumps: string[] = [];
    for (const { tablename } of tables) {
      const rows = await ctx.database.db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
      dumps.push(...rows.map((r) => r.row));
    }
    return dumps.join("\n");
  }

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    admin = await ctx.cookieFor("admin");
  });
  afterAll(() => ctx.database.drop());

  it("stores a new source's secrets sealed and shows only how many there are and when they changed", async () => {
    const created = await post({ intent: "create", slug: "dev", name: "Dev instance", secrets: FIRST });
    expect(created).toMatchObject({ status: 200, error: null });
    const replaced = await post({ intent: "replace-secrets", slug: "dev", secrets: `${SECOND}\n` });
    expect(replaced.message).toMatch(/1 signing secret/);
    const added = await post({ intent: "add-secret", slug: "dev", secrets: THIRD });
    expect(added.message).toMatch(/2 signing secrets/);

    const page = await loader({ request: ctx.request("/settings/sources", { cookie: admin }), params: {}, context: {} });
    const dev = page.sources.find((s) => s.slug === "dev")!;
    expect(dev).toMatchObject({ name: "Dev instance", ingestPath: "/webhooks/dev", secrets: { origin: "stored", count: 2 } });
    expect(Date.now() - Date.parse(dev.secrets.changedAt!)).toBeLessThan(60_000);
    const pageText = JSON.stringify(page);
    expect(pageText).not.toContain("whsec_");

    const stored = await everythingStored();
    expect(stored.length).toBeGreaterThan(1000);
    for (const secret of [FIRST, SECOND, THIRD]) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(secret.slice("whsec_".length));
    }
    expect(stored).not.toContain("whsec_");
    const audit = await ctx.database.db.auditEntry.findMany({ where: { subject: "dev" } });
    expect(audit.map((a) => a.action).sort()).toEqual(["source.create", "source.secrets", "source.secrets"]);
  });

  it("puts a changed secret into effect for ingest at once, despite ingest's 5-second cache", async () => {
    // The runtime's resolver, with its production TTL.
    const ingest = { db: ctx.database.db, sources: new SourceResolver(ctx.database.db, () => [], 5_000), maxBodyBytes: 1 << 20 };
    const send = async (secret: string) => {
      const body = JSON.stringify(envelope("user.created", { id: `user_${Math.random()}`, object: "user" }));
      return ingestDelivery(ingest, { sourceSlug: "dev", body: Buffer.from(body), size: body.length, tooLarge: false, headers: Object.entries(signedHeaders(secret, body)), remoteAddr: null, requestId: null });
    };
    expect((await send(SECOND)).outcome).toBe("verified");
    const fresh = newSecret();
    await post({ intent: "replace-secrets", slug: "dev", secrets: fresh });
    expect((await send(SECOND)).outcome).toBe("invalid_signature");
    expect((await send(fresh)).outcome).toBe("verified");
    await post({ intent: "clear-secrets", slug: "dev" });
    expect((await send(fresh)).outcome).toBe("no_secret");
  });

  it("refuses what is not a signing secret, and duplicate slugs, with a message", async () => {
    const bad = await post({ intent: "replace-secrets", slug: "dev", secrets: "sk_live_not_a_webhook_secret" });
    expect(bad.status).toBe(400);
    expect(bad.error).toMatch(/whsec_/);
    const dup = await post({ intent: "create", slug: "dev" });
    expect(dup.status).toBe(409);
    expect(dup.error).toMatch(/already exists/);
    const slug = await post({ intent: "create", slug: "Not A Slug!" });
    expect(slug.status).toBe(400);
    const missing = await post({ intent: "replace-secrets", slug: "nope", secrets: newSecret() });
    expect(missing.status).toBe(409);
  });

  it("says the clerk source's secrets come from CLERK_WEBHOOK_SIGNING_SECRET, and does not pretend to change them", async () => {
    const fromEnv = [newSecret(), newSecret()];
    const sources = await listSourceSettings(ctx.database.db, fromEnv);
    expect(sources.find((s) => s.slug === "clerk")!.secrets).toMatchObject({ origin: "environment", count: 2, changedAt: null });
    const actor = { id: "x", email: "admin@x.test", name: null, role: "admin" as const };
    await expect(changeSourceSecrets(ctx.database.db, actor, "clerk", { mode: "replace", secrets: [newSecret()] }, fromEnv)).rejects.toThrow(SourcePolicyError);
    // Without the variable, the clerk source's secrets can be stored like any other's.
    await changeSourceSecrets(ctx.database.db, actor, "clerk", { mode: "replace", secrets: [newSecret()] }, []);
    expect((await listSourceSettings(ctx.database.db, [])).find((s) => s.slug === "clerk")!.secrets).toMatchObject({ origin: "stored", count: 1 });
  });
});
