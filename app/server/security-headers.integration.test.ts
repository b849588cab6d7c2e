// Security headers over real HTTP: every page and API answer carries them, and the
// page's inline scripts carry the nonce its Content-Security-Policy allows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRemixTestServer, rawRequest, type RemixTestServer } from "../../tests/support/remix-server";
import { startTestServer } from "../../tests/support/server";

function nonceOf(csp: string): string {
  const match = /script-src [^;]*'nonce-([^']+)'/.exec(csp);
  expect(match, csp).not.toBeNull();
  return match![1]!;
}

describe("pages and the API", () => {
  let server: RemixTestServer;
  beforeAll(async () => {
    server = await startRemixTestServer("sqlite");
  });
  afterAll(() => server?.close());

  it("sends the headers on a page, and a fresh nonce that every script of the page carries", async () => {
    const first = await rawRequest(server.url, "/login");
    expect(first.status).toBe(200);
    const csp = String(first.headers["content-security-policy"]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    expect(first.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(first.headers["strict-transport-security"]).toBeUndefined(); // not production

    const nonce = nonceOf(csp);
    const scripts = [...first.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    const second = await rawRequest(server.url, "/login");
    expect(nonceOf(String(second.headers["content-security-policy"]))).not.toBe(nonce);
  });

  it("sends them on API answers and redirects too", async () => {
    for (const path of ["/api/v1/events", "/events", "/healthz"]) {
      const response = await rawRequest(server.url, path);
      expect(response.headers["x-content-type-options"], path).toBe("nosniff");
      expect(String(response.headers["content-security-policy"]), path).toContain("frame-ancestors 'none'");
      expect(response.headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    }
  });
});

describe("in production", () => {
  it("adds Strict-Transport-Security", async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    const server = await startTestServer("sqlite").finally(() => {
      process.env.NODE_ENV = saved;
    });
    try {
      const response = await fetch(`${server.url}/healthz`);
      expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    } finally {
      await server.close();
    }
  });
});
