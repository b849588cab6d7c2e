// Masked values are not searchable (issue 10): a viewer searching for guesses of a
// one-time code must not be able to confirm it. A real signed email.created goes
// through the real server (SQLite: indexed by ingest's own transaction; Postgres: by
// the worker's indexer), then `GET /api/v1/events?q=` is asked with viewer and admin
// tokens. Also: an index built before the fix is cleaned by the migration.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { startTestServer, type TestServer } from "../../tests/support/server";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { createApiToken } from "~/auth/tokens.server";
import { readMigrations } from "~/db/migrate.server";
import { loader as listLoader } from "~/routes/api.v1.events._index";
import { indexPendingEvents } from "./search.server";

const SECRET = newSecret();
const OTP = "987654";
const SMS_CODE = "413207";
const RECIPIENT = "jane.searchable@example.com";

describe.each(PROVIDERS)("search never finds masked values (%s)", (provider) => {
  let server: TestServer;
  const tokens: Record<"viewer" | "admin", string> = { viewer: "", admin: "" };
  const ids: Record<string, string> = {};

  async function post(name: string, body: unknown) {
    const bytes = Buffer.from(JSON.stringify(body));
    const response = await fetch(`${server.url}/webhooks/clerk`, { method: "POST", headers: signedHeaders(SECRET, bytes), body: bytes });
    expect(response.status, await response.clone().text()).toBe(200);
    const event = await server.database.db.event.findFirstOrThrow({ where: { type: (body as { type: string }).type }, orderBy: { id: "desc" } });
    ids[name] = event.id;
  }

  async function search(q: string, role: "viewer" | "admin"): Promise<string[]> {
    const request = new Request(`http://hookline.test/api/v1/events?q=${encodeURIComponent(q)}&limit=500`, {
      headers: { authorization: `Bearer ${tokens[role]}` },
    });
    const response = await listLoader({ request, params: {}, context: {} });
    const body = (await response.json()) as { events: { id: string }[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body.events.map((event) => event.id);
  }

  const indexAll = async () => {
    while ((await indexPendingEvents(server.database, 50)) > 0);
  };

  beforeAll(async () => {
    server = await startTestServer(provider, { secrets: [SECRET] });
    // The API routes read the process-wide handle.
    (globalThis as { __hooklineDb?: unknown }).__hooklineDb = server.database;
    for (const role of ["viewer", "admin"] as const) tokens[role] = (await createApiToken(server.database.db, { name: `search-${role}`, role })).token;

    await post(
      "email",
      envelope("email.created", {
        id: "ema_search",
        object: "email",
        user_id: "user_search",
        to_email_address: RECIPIENT,
        subject: `${OTP} is your verification code`,
        body: `<p>Your code is <b>${OTP}</b></p>`,
        body_plain: `Your code is ${OTP}`,
        slug: "verification_code",
        data: { otp_code: OTP, app: { name: "Searchable Rockets" } },
      }),
    );
    await post(
      "sms",
      envelope("sms.created", {
        id: "sms_search",
        object: "sms_message",
        user_id: "user_search",
        to_phone_number: "+15555550123",
        message: `${SMS_CODE} is your verification code`,
        data: { otp_code: SMS_CODE },
      }),
    );
    await indexAll();
  });
  afterAll(() => server?.close());

  it("does not find an email.created or sms.created by its one-time code or message, for a viewer or an admin", async () => {
    for (const role of ["viewer", "admin"] as const) {
      expect(await search(OTP, role), role).toEqual([]);
      expect(await search(`Your code is ${OTP}`, role), role).toEqual([]);
      expect(await search(SMS_CODE, role), role).toEqual([]);
      expect(await search("is your verification code", role), role).toEqual([]);
    }
  });

  it("still finds them by values that are not masked", async () => {
    for (const role of ["viewer", "admin"] as const) {
      expect(await search(RECIPIENT, role), role).toEqual([ids.email]);
      expect(await search("Searchable Rockets", role), role).toEqual([ids.email]);
      expect(await search("+15555550123", role), role).toEqual([ids.sms]);
    }
  });

  it("cleans an index built before masked values were left out, through the migration", async () => {
    const db = server.database.db;
    // What the index held before: the code among the email's values.
    if (provider === "postgres") {
      await db.$executeRaw`UPDATE "EventSearch" SET "document" = to_tsvector('simple', ${`${RECIPIENT} ${OTP}`}) WHERE "eventId" = ${ids.email}`;
    } else {
      await db.$executeRaw`DELETE FROM "EventSearch" WHERE "rowid" = (SELECT "rowid" FROM "EventSearchKey" WHERE "eventId" = ${ids.email})`;
      await db.$executeRaw`INSERT INTO "EventSearch" ("rowid", "body") SELECT "rowid", ${`${RECIPIENT} ${OTP}`} FROM "EventSearchKey" WHERE "eventId" = ${ids.email}`;
    }
    expect(await search(OTP, "viewer")).toEqual([ids.email]);

    const migration = readMigrations(provider).find((m) => m.name.endsWith("_search_without_masked_values"));
    expect(migration).toBeDefined();
    for (const statement of migration!.sql.replace(/--.*$/gm, "").split(";").filter((s) => s.trim())) await db.$executeRawUnsafe(statement);
    expect(await db.event.count({ where: { searchIndexed: false } })).toBe(2);
    await indexAll();

    expect(await search(OTP, "viewer")).toEqual([]);
    expect(await search(OTP, "admin")).toEqual([]);
    expect(await search(RECIPIENT, "viewer")).toEqual([ids.email]);
  });
});
