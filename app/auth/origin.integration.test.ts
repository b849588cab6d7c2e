// The CSRF guard over real HTTP: a cross-origin POST with a valid session cookie is
// refused however its path is spelled, including spellings that Remix resolves into
// a page route after the guard has looked at them.
import { afterAll, beforeAll, expect, it } from "vitest";

import { postLogin, rawRequest, startRemixTestServer, TEST_PASSWORD, type RemixTestServer } from "../../tests/support/remix-server";

let server: RemixTestServer;
let cookie: string;
beforeAll(async () => {
  server = await startRemixTestServer("sqlite");
  const email = await server.account("admin");
  cookie = String((await postLogin(server.url, { email, password: TEST_PASSWORD })).headers["set-cookie"]).split(";")[0]!;
});
afterAll(() => server?.close());

it.each([
  "/webhooks/../settings/tokens",
  "/webhooks/%2e%2e/settings/tokens",
  "/api/v1/../../settings/tokens",
  "/api/..%2Fsettings/tokens",
  "/settings/tokens",
])("refuses a cross-origin POST to %s and creates no token", async (path) => {
  const response = await rawRequest(server.url, path, {
    method: "POST",
    headers: { cookie, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "create", name: `forged ${path}`, role: "admin" }).toString(),
  });
  expect(response.status).toBe(403);
  expect(await server.database.db.apiToken.count({ where: { name: `forged ${path}` } })).toBe(0);
});

it("serves the same POST from this origin: the dotted path really reaches the settings route", async () => {
  const response = await rawRequest(server.url, "/webhooks/../settings/tokens", {
    method: "POST",
    headers: { cookie, origin: server.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "create", name: "same origin", role: "viewer" }).toString(),
  });
  expect(response.status).toBe(200);
  expect(await server.database.db.apiToken.count({ where: { name: "same origin" } })).toBe(1);
});
