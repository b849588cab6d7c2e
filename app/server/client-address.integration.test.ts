// HOOKLINE_TRUST_PROXY over real HTTP: the direct ingest mount (a delivery's
// remoteAddr) and Remix's load context (the sign-in throttle) take the same address,
// the one the trusted proxy saw; X-Forwarded-Host counts only from a trusted proxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { postLogin, rawRequest, startRemixTestServer, TEST_PASSWORD, type RemixTestServer } from "../../tests/support/remix-server";

async function deliveryAddress(server: RemixTestServer, init: { forwardedFor?: string; localAddress?: string }) {
  const response = await rawRequest(server.url, "/webhooks/clerk", {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json", ...(init.forwardedFor ? { "x-forwarded-for": init.forwardedFor } : {}) },
    localAddress: init.localAddress,
  });
  expect(response.status).toBe(400); // missing_headers, stored all the same
  const { deliveryId } = JSON.parse(response.body) as { deliveryId: string };
  return (await server.database.db.delivery.findUniqueOrThrow({ where: { id: deliveryId } })).remoteAddr;
}

describe("HOOKLINE_TRUST_PROXY=1 (one proxy in front)", () => {
  let server: RemixTestServer;
  beforeAll(async () => {
    server = await startRemixTestServer("sqlite", { HOOKLINE_TRUST_PROXY: "1" });
  });
  afterAll(() => server?.close());

  it("stores the address the proxy saw, not the client's own left-most entry", async () => {
    expect(await deliveryAddress(server, { forwardedFor: "6.6.6.6, 203.0.113.7" })).toBe("203.0.113.7");
    expect(await deliveryAddress(server, { forwardedFor: "198.51.100.4" })).toBe("198.51.100.4");
  });

  it("throttles sign-in by that same address, so rotating the left-most entry buys nothing", async () => {
    const email = await server.account("viewer");
    for (let i = 0; i < 10; i++) {
      const response = await postLogin(server.url, { email, password: "wrong" }, { headers: { "x-forwarded-for": `6.6.6.${i}, 203.0.113.7` } });
      expect(response.status).toBe(401);
    }
    const rotated = await postLogin(server.url, { email, password: TEST_PASSWORD }, { headers: { "x-forwarded-for": "6.6.6.99, 203.0.113.7" } });
    expect(rotated.status).toBe(429);
    // Another client behind the same proxy is a different address.
    const other = await postLogin(server.url, { email, password: TEST_PASSWORD }, { headers: { "x-forwarded-for": "203.0.113.8" } });
    expect(other.status).toBe(302);
  });
});

describe("HOOKLINE_TRUST_PROXY=127.0.0.1,10.0.0.0/8 (a list of proxies)", () => {
  let server: RemixTestServer;
  beforeAll(async () => {
    server = await startRemixTestServer("sqlite", { HOOKLINE_TRUST_PROXY: "127.0.0.1,10.0.0.0/8" });
  });
  afterAll(() => server?.close());

  it("takes the right-most address that is not a listed proxy", async () => {
    expect(await deliveryAddress(server, { forwardedFor: "6.6.6.6, 203.0.113.7, 10.1.2.3" })).toBe("203.0.113.7");
    // 127.0.0.2 is not a listed proxy: it is the client, whatever it writes.
    expect(await deliveryAddress(server, { forwardedFor: "203.0.113.7", localAddress: "127.0.0.2" })).toMatch(/127\.0\.0\.2$/);
  });

  it("believes X-Forwarded-Host only from a listed proxy", async () => {
    const forged = { origin: "https://evil.example", "x-forwarded-host": "evil.example", "content-type": "application/x-www-form-urlencoded" };
    const fromClient = await rawRequest(server.url, "/logout", { method: "POST", body: "", headers: forged, localAddress: "127.0.0.2" });
    expect(fromClient.status).toBe(403);
    const fromProxy = await rawRequest(server.url, "/logout", {
      method: "POST",
      body: "",
      headers: { ...forged, origin: "https://hookline.example", "x-forwarded-host": "hookline.example" },
      localAddress: "127.0.0.1",
    });
    expect(fromProxy.status).not.toBe(403);
  });
});

describe("no HOOKLINE_TRUST_PROXY", () => {
  let server: RemixTestServer;
  beforeAll(async () => {
    server = await startRemixTestServer("sqlite", { HOOKLINE_TRUST_PROXY: undefined });
  });
  afterAll(() => server?.close());

  it("ignores X-Forwarded-For and X-Forwarded-Host", async () => {
    expect(await deliveryAddress(server, { forwardedFor: "203.0.113.7" })).toMatch(/127\.0\.0\.1$/);
    const forged = await rawRequest(server.url, "/logout", {
      method: "POST",
      body: "",
      headers: { origin: "https://evil.example", "x-forwarded-host": "evil.example", "content-type": "application/x-www-form-urlencoded" },
    });
    expect(forged.status).toBe(403);
  });
});
