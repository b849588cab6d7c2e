// GET /api/v1/events and /api/v1/events/:id through their Remix loaders, on real
// databases of both providers, with events stored by the real ingest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { envelope, newMsgId, newSecret } from "../../tests/support/svix";
import type { Role } from "~/auth/roles";
import { REDACTED } from "~/events/redaction";
import { indexPendingEvents } from "~/events/search.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { loader as eventLoader } from "~/routes/api.v1.events.$id";
import { loader as listLoader } from "~/routes/api.v1.events._index";
import { createSource, SourceResolver } from "~/sources/sources.server";

const SECRET = newSecret();
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const OTP = "482913";

interface ApiListEvent {
  id: string;
  svixId: string;
  type: string;
  timestamp: number;
  receivedAt: string;
  source: string;
  resourceType: string | null;
  resourceId: string | null;
  userId: string | null;
  organizationId: string | null;
  deliveryCount: number;
  outOfOrder: boolean;
}

describe.each(PROVIDERS)("events JSON API (%s)", (provider) => {
  let ctx: RouteTestContext;
  const tokens = {} as Record<Role, string>;
  const ids: Record<string, string> = {};

  async function get(path: string, authorization?: string) {
    const request = ctx.request(path, { headers: authorization ? { authorization } : {} });
    const url = new URL(request.url);
    const match = /^\/api\/v1\/events\/([^/]+)$/.exec(url.pathname);
    const response = match
      ? await eventLoader({ request, params: { id: decodeURIComponent(match[1]!) }, context: {} })
      : await listLoader({ request, params: {}, context: {} });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  const list = async (query: string, role: Role = "viewer") => {
    const { status, body } = await get(`/api/v1/events?${query}`, tokens[role]);
    expect(status, JSON.stringify(body)).toBe(200);
    return body as { events: ApiListEvent[]; nextCursor: string | null };
  };

  beforeAll(async () => {
    ctx = await setupRouteTest(provider);
    const db = ctx.database.db;
    await createSource(db, { slug: "dev", secrets: [SECRET] });
    const deps: IngestDependencies = { db, sources: new SourceResolver(db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    const ingest = async (name: string, env: unknown, options: { source?: string; msgId?: string } = {}) => {
      const result = await ingestSigned(deps, SECRET, env, options);
      expect(result.outcome).toMatch(/verified|duplicate/);
      ids[name] = result.eventId!;
    };
    const jane = (first: string, extra: Record<string, unknown> = {}) => ({
      id: "user_jane",
      object: "user",
      first_name: first,
      last_name: "Doe",
      email_addresses: [{ id: "idn_1", email_address: "jane@example.com" }],
      updated_at: T0,
      ...extra,
    });
    await ingest("janeCreated", envelope("user.created", jane("Jane"), T0));
    await ingest("janeUpdated", envelope("user.updated", jane("Janet", { updated_at: T0 + 60_000 }), T0 + 60_000));
    // An update whose create Hookline never saw: nothing earlier to compare with.
    await ingest("bobUpdated", envelope("user.updated", { id: "user_bob", object: "user", first_name: "Bob" }, T0 + 1000));
    for (let i = 0; i < 12; i++) {
      await ingest(`session${i}`, envelope("session.created", { id: `sess_${i}`, object: "session", user_id: "user_jane" }, T0 + 120_000 + i * 1000));
    }
    await ingest("orgCreated", envelope("organization.created", { id: "org_acme", object: "organization", name: "Acme Rockets" }, T0 + 5000));
    await ingest(
      "email",
      envelope(
        "email.created",
        {
          id: "ema_1",
          object: "email",
          user_id: "user_jane",
          subject: `${OTP} is your verification code`,
          body: `<p>Your code is <b>${OTP}</b></p>`,
          body_plain: `Your code is ${OTP}`,
          to_email_address: "jane@example.com",
          data: { otp_code: OTP, app: { name: "Acme" } },
        },
        T0 + 200_000,
      ),
    );
    await ingest("dev", envelope("user.created", { id: "user_dev", object: "user", first_name: "Dev" }, T0 + 7000), { source: "dev" });
    // The same svix-id delivered twice: one event, two deliveries, outcome duplicate.
    const msgId = newMsgId();
    await ingest("dup", envelope("organization.updated", { id: "org_acme", object: "organization", name: "Acme Rockets Inc" }, T0 + 9000), { msgId });
    await ingest("dup", envelope("organization.updated", { id: "org_acme", object: "organization", name: "Acme Rockets Inc" }, T0 + 9000), { msgId });
    while ((await indexPendingEvents(ctx.database, 50)) > 0);

    for (const role of ["viewer", "operator", "admin"] as const) tokens[role] = await ctx.bearerFor(role);
  });
  afterAll(() => ctx.database.drop());

  it("answers 401 without a token or with a bad one, and serves every role", async () => {
    for (const path of ["/api/v1/events", `/api/v1/events/${ids.janeCreated}`]) {
      const missing = await get(path);
      expect(missing.status).toBe(401);
      expect(missing.body.error).toBe("unauthorized");
      expect((await get(path, "Bearer hl_not-a-real-token")).status).toBe(401);
      for (const role of ["viewer", "operator", "admin"] as const) expect((await get(path, tokens[role])).status).toBe(200);
    }
  });

  it("lists events newest first with the contract's fields", async () => {
    const { events, nextCursor } = await list("limit=3");
    expect(events.map((e) => e.type)).toEqual(["email.created", "session.created", "session.created"]);
    expect(nextCursor).toEqual(expect.any(String));
    const email = events[0]!;
    expect(email).toMatchObject({
      id: ids.email,
      svixId: expect.stringMatching(/^msg_/),
      timestamp: T0 + 200_000,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      source: "clerk",
      resourceType: "email",
      resourceId: "ema_1",
      userId: "user_jane",
      organizationId: null,
      deliveryCount: 1,
      outOfOrder: false,
    });
  });

  it("pages through everything with the cursor, without repeats, in both directions", async () => {
    for (const dir of ["desc", "asc"]) {
      const seen: ApiListEvent[] = [];
      let cursor: string | null = null;
      do {
        const page: { events: ApiListEvent[]; nextCursor: string | null } = await list(`limit=4&dir=${dir}${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...page.events);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(19);
      expect(new Set(seen.map((e) => e.id)).size).toBe(19);
      const times = seen.map((e) => e.timestamp);
      expect(times).toEqual([...times].sort((a, b) => (dir === "asc" ? a - b : b - a)));
    }
  });

  it("filters by repeated types and user.* groups, outcome, source, resource, text and time", async () => {
    expect((await list("type=user.*&limit=500")).events.map((e) => e.type).sort()).toEqual(["user.created", "user.created", "user.updated", "user.updated"]);
    expect((await list("type=organization.created&type=email.created")).events.map((e) => e.id).sort()).toEqual([ids.orgCreated, ids.email].sort());
    expect((await list("type=organization.*&type=nosuch.*")).events.map((e) => e.id).sort()).toEqual([ids.orgCreated, ids.dup].sort());
    expect((await list("type=nosuch.*")).events).toEqual([]);
    const duplicates = await list("outcome=duplicate");
    expect(duplicates.events.map((e) => [e.id, e.deliveryCount])).toEqual([[ids.dup, 2]]);
    expect((await list("source=dev")).events.map((e) => e.id)).toEqual([ids.dev]);
    expect((await list("resource=user_jane&limit=100")).events).toHaveLength(15);
    expect((await list("resource=org_acme")).events).toHaveLength(2);
    expect((await list(`resource=${(await list("source=dev")).events[0]!.svixId}`)).events.map((e) => e.id)).toEqual([ids.dev]);
    expect((await list("q=Rockets")).events.map((e) => e.id).sort()).toEqual([ids.orgCreated, ids.dup].sort());
    const from = new Date(T0 + 1000).toISOString();
    const to = new Date(T0 + 9000).toISOString();
    expect((await list(`from=${from}&to=${to}&sort=timestamp&dir=asc`)).events.map((e) => e.id)).toEqual([ids.bobUpdated, ids.orgCreated, ids.dev, ids.dup]);
    expect((await list("sort=received&dir=asc&limit=1")).events[0]!.id).toBe(ids.janeCreated);
  });

  it("answers 400 naming the parameter for bad input", async () => {
    const cases: [string, string][] = [
      ["limit=501", "limit"],
      ["limit=0", "limit"],
      ["from=last%20tuesday", "from"],
      ["sort=size", "sort"],
      ["dir=sideways", "dir"],
      ["outcome=invalid_signature", "outcome"],
      ["type=%3Cscript%3E", "type"],
      ["cursor=bm9wZQ", "cursor"],
      ["typ=user.created", "typ"],
      [`from=${new Date(T0 + 5000).toISOString()}&to=${new Date(T0).toISOString()}`, "from"],
    ];
    for (const [query, parameter] of cases) {
      const { status, body } = await get(`/api/v1/events?${query}`, tokens.viewer);
      expect(status, query).toBe(400);
      expect(body, query).toMatchObject({ error: "invalid_parameter", parameter, message: expect.stringContaining(parameter) });
    }
  });

  it("returns one event with its payload, deliveries and headers, and 404 for an unknown id", async () => {
    const { status, body } = await get(`/api/v1/events/${ids.dup}`, tokens.viewer);
    expect(status).toBe(200);
    expect(body.event).toMatchObject({ id: ids.dup, type: "organization.updated", deliveryCount: 2, organizationId: "org_acme" });
    expect(body.payload).toMatchObject({ object: "event", type: "organization.updated", data: { name: "Acme Rockets Inc" } });
    expect(body.deliveries).toHaveLength(2);
    expect(body.deliveries.map((d: { outcome: string }) => d.outcome)).toEqual(["verified", "duplicate"]);
    const headerNames = body.deliveries[0].headers.map(([name]: [string, string]) => name);
    expect(headerNames).toEqual(expect.arrayContaining(["svix-id", "svix-timestamp", "svix-signature"]));
    expect(body.dispatches).toEqual([]);

    for (const id of ["01NOSUCHEVENT0000000000000", "../../etc/passwd"]) {
      const missing = await get(`/api/v1/events/${encodeURIComponent(id)}`, tokens.viewer);
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe("not_found");
    }
  });

  it("diffs a user.updated against the previous state, says why when there is none, and has no diff for other types", async () => {
    const { body } = await get(`/api/v1/events/${ids.janeUpdated}`, tokens.viewer);
    expect(body.diff.from).toMatchObject({ id: ids.janeCreated, type: "user.created" });
    expect(body.diff.to).toMatchObject({ id: ids.janeUpdated });
    expect(body.diff.changes).toEqual([
      { path: "data.first_name", kind: "changed", oldValue: "Jane", newValue: "Janet", noise: false },
      { path: "data.updated_at", kind: "changed", oldValue: T0, newValue: T0 + 60_000, noise: true },
    ]);

    const bob = (await get(`/api/v1/events/${ids.bobUpdated}`, tokens.viewer)).body;
    expect(bob.diff).toMatchObject({ from: null, changes: [], reason: expect.stringContaining("user user_bob") });
    expect((await get(`/api/v1/events/${ids.janeCreated}`, tokens.viewer)).body.diff).toBeNull();
  });

  it("masks the OTP and bodies for every role unless an operator asks to reveal, which is audited", async () => {
    for (const role of ["viewer", "operator", "admin"] as const) {
      const { body } = await get(`/api/v1/events/${ids.email}`, tokens[role]);
      expect(JSON.stringify(body)).not.toContain(OTP);
      expect(body.payload.data.data.otp_code).toBe(REDACTED);
      expect(body.masked).toEqual(expect.arrayContaining(["data.body", "data.data.otp_code"]));
    }
    const forbidden = await get(`/api/v1/events/${ids.email}?reveal=true`, tokens.viewer);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe("forbidden");
    expect(await ctx.database.db.auditEntry.count({ where: { action: "event.reveal" } })).toBe(0);

    const revealed = await get(`/api/v1/events/${ids.email}?reveal=true`, tokens.operator);
    expect(revealed.status).toBe(200);
    expect(revealed.body.payload.data.data.otp_code).toBe(OTP);
    expect(revealed.body.masked).toEqual([]);
    const audit = await ctx.database.db.auditEntry.findMany({ where: { action: "event.reveal" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ subject: ids.email, actor: "api-token:test-operator" });

    expect((await get(`/api/v1/events/${ids.email}?reveal=maybe`, tokens.operator)).body).toMatchObject({ error: "invalid_parameter", parameter: "reveal" });
  });

  it("lists the event's dispatch attempts", async () => {
    const db = ctx.database.db;
    const target = await db.target.create({ data: { name: "consumer", url: "http://127.0.0.1:9/hook", secretEncrypted: "x" } });
    await db.dispatchAttempt.create({
      data: { eventId: ids.janeCreated!, targetId: target.id, attempt: 1, status: 502, ok: false, durationMs: 12, error: "Bad Gateway", sentAt: new Date(T0 + 300_000) },
    });
    const { body } = await get(`/api/v1/events/${ids.janeCreated}`, tokens.viewer);
    expect(body.dispatches).toEqual([
      expect.objectContaining({ targetId: target.id, targetName: "consumer", attempt: 1, status: 502, ok: false, error: "Bad Gateway" }),
    ]);
  });
});
