// For tests that call Remix loaders/actions or API routes directly: the process-wide
// database handle (what `db()` returns) becomes a fresh test database, and signed-in
// sessions and API tokens can be made for any role.
import crypto from "node:crypto";

import { createAccount } from "~/auth/accounts.server";
import type { Role } from "~/auth/roles";
import { createSession } from "~/auth/session.server";
import { createApiToken } from "~/auth/tokens.server";
import { ensureDefaultSource } from "~/sources/sources.server";
import { createTestDatabase, type TestDatabase, type TestProvider } from "./database";

export interface RouteTestContext {
  database: TestDatabase;
  /** A Cookie header value for a new account with this role. */
  cookieFor(role: Role): Promise<string>;
  /** An Authorization header value for a new API token with this role. */
  bearerFor(role: Role): Promise<string>;
  /** A Request as a browser on this site would send it. */
  request(path: string, init?: RequestInit & { cookie?: string }): Request;
}

export const TEST_ORIGIN = "http://hookline.test";

export async function setupRouteTest(provider: TestProvider): Promise<RouteTestContext> {
  const database = await createTestDatabase(provider);
  (globalThis as { __hooklineDb?: unknown }).__hooklineDb = database;
  await ensureDefaultSource(database.db);
  return {
    database,
    async cookieFor(role) {
      const account = await createAccount(database.db, {
        email: `${role}-${crypto.randomBytes(4).toString("hex")}@hookline.test`,
        password: "long-enough-password",
        role,
      });
      const setCookie = await createSession(account.id, "vitest");
      return setCookie.split(";")[0]!;
    },
    async bearerFor(role) {
      const { token } = await createApiToken(database.db, { name: `test-${role}`, role });
      return `Bearer ${token}`;
    },
    request(path, init = {}) {
      const { cookie, headers, ...rest } = init;
      const merged = new Headers(headers);
      if (cookie) merged.set("cookie", cookie);
      if (rest.method && rest.method !== "GET") merged.set("origin", TEST_ORIGIN);
      return new Request(TEST_ORIGIN + path, { ...rest, headers: merged });
    },
  };
}
