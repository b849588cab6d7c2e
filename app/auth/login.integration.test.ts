// Sign-in over real HTTP against the full server: where it sends people afterwards,
// and who failed passwords can lock out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { postLogin, rawRequest, startRemixTestServer, TEST_PASSWORD, type RemixTestServer } from "../../tests/support/remix-server";

let server: RemixTestServer;
beforeAll(async () => {
  server = await startRemixTestServer("sqlite");
});
afterAll(() => server?.close());

/** Where a browser on `server` would land after following this Location. */
function landing(location: string | string[] | undefined) {
  return new URL(String(location), server.url);
}

describe("after sign-in, only pages of this site", () => {
  const hostile = ["%2F%09%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example", "%2F%252F%252Fevil.example", "https%3A%2F%2Fevil.example"];

  it("POST /login?redirectTo=… with a hostile redirectTo lands on a same-origin path", async () => {
    const email = await server.account("viewer");
    for (const value of hostile) {
      const redirectTo = decodeURIComponent(value);
      const response = await postLogin(server.url, { email, password: TEST_PASSWORD, redirectTo }, { query: `?redirectTo=${value}` });
      expect(response.status, value).toBe(302);
      expect(landing(response.headers.location).origin, value).toBe(server.url);
      expect(response.headers.location, value).toBe("/");
    }
    const kept = await postLogin(server.url, { email, password: TEST_PASSWORD, redirectTo: "/events?type=user.created" });
    expect(kept.headers.location).toBe("/events?type=user.created");
  });

  it("GET /login?redirectTo=%2F%09%2Fevil.example when already signed in stays on this origin", async () => {
    const email = await server.account("viewer");
    const signedIn = await postLogin(server.url, { email, password: TEST_PASSWORD });
    const cookie = String(signedIn.headers["set-cookie"]).split(";")[0]!;
    for (const value of hostile) {
      const response = await rawRequest(server.url, `/login?redirectTo=${value}`, { headers: { cookie } });
      expect(response.status, value).toBe(302);
      expect(landing(response.headers.location).origin, value).toBe(server.url);
    }
  });
});

describe("failed passwords lock a pair and an address, never an account", () => {
  it("a stranger's ten wrong passwords do not lock the owner out", async () => {
    const email = await server.account("operator");
    const stranger = "127.0.0.2";
    for (let i = 0; i < 10; i++) {
      expect((await postLogin(server.url, { email, password: `wrong-${i}` }, { localAddress: stranger })).status).toBe(401);
    }
    // The stranger is held up, even with the right password, and a made-up
    // X-Forwarded-For does not help (no trusted proxy here).
    const held = await postLogin(server.url, { email, password: TEST_PASSWORD }, { localAddress: stranger, headers: { "x-forwarded-for": "198.51.100.1" } });
    expect(held.status).toBe(429);
    expect(Number(held.headers["retry-after"])).toBeGreaterThan(0);
    // The owner, from their own address, signs in.
    const owner = await postLogin(server.url, { email, password: TEST_PASSWORD }, { localAddress: "127.0.0.1" });
    expect(owner.status).toBe(302);
    expect(owner.headers["set-cookie"]).toBeDefined();
  });

  it("thirty guesses sent at once get at most ten answers", async () => {
    // The throttle counted failures after the password check, so a burst all passed the
    // check while the first guesses were still hashing: 30 answers from a limit of 10.
    const email = await server.account("operator");
    const address = "127.0.0.5";
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => postLogin(server.url, { email, password: `guess-${i}` }, { localAddress: address }).then((r) => r.status)),
    );
    const answered = statuses.filter((status) => status === 401).length;
    expect(answered).toBeLessThanOrEqual(10);
    expect(statuses.filter((status) => status === 429).length).toBe(30 - answered);
    expect((await postLogin(server.url, { email, password: TEST_PASSWORD }, { localAddress: address })).status).toBe(429);
  });

  it("an address that fails across many emails is held up for all of them", async () => {
    const address = "127.0.0.3";
    for (let i = 0; i < 50; i++) {
      const response = await postLogin(server.url, { email: `nobody-${i}@hookline.test`, password: "wrong-password" }, { localAddress: address });
      expect(response.status).toBe(401);
    }
    const email = await server.account("viewer");
    expect((await postLogin(server.url, { email, password: TEST_PASSWORD }, { localAddress: address })).status).toBe(429);
    expect((await postLogin(server.url, { email, password: TEST_PASSWORD }, { localAddress: "127.0.0.4" })).status).toBe(302);
  });
});
