// The outbound request itself, against a real local receiver: deadlines, resets,
// capped excerpts, redirects, and destinations refused before or after DNS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { newSecret } from "../../tests/support/svix";
import { parseAllowlist } from "./outbound-policy.server";
import { postToTarget, RESPONSE_EXCERPT_BYTES } from "./outbound.server";

describe("posting to a target", () => {
  let receiver: Receiver;
  const body = Buffer.from('{"type":"user.created"}');
  const post = (url: string, options: { timeoutMs?: number; allowlist?: string } = {}) =>
    postToTarget({
      url,
      headers: { "content-type": "application/json", "svix-id": "msg_x" },
      body,
      timeoutMs: options.timeoutMs ?? 2000,
      allowlist: parseAllowlist(options.allowlist),
    });

  beforeAll(async () => {
    receiver = await startReceiver(newSecret());
  });
  afterAll(() => receiver.close());

  it("gives up on a target that hangs past the timeout", async () => {
    receiver.respond(() => "hang");
    const result = await post(receiver.url, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, status: null, error: "Timed out after 300 ms" });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(1500);
  });

  it("times out a target that sends headers and then stalls the body", async () => {
    receiver.respond(() => ({ status: 200, body: "x", delayMs: 1000 }));
    const result = await post(receiver.url, { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, error: "Timed out after 200 ms" });
  });

  it("records a reset connection", async () => {
    receiver.respond(() => "reset");
    expect(await post(receiver.url)).toMatchObject({ ok: false, status: null, error: "Connection reset by the target" });
  });

  it("keeps only the first bytes of a large response", async () => {
    receiver.respond(() => ({ status: 500, body: "e".repeat(100_000) }));
    const result = await post(receiver.url);
    expect(result.status).toBe(500);
    expect(result.responseExcerpt).toHaveLength(RESPONSE_EXCERPT_BYTES);
  });

  it("reads Retry-After and abort-message from the answer", async () => {
    receiver.respond(() => ({ status: 429, headers: { "retry-after": "7", "webhook-delivery": "abort-message" } }));
    expect(await post(receiver.url)).toMatchObject({ ok: false, status: 429, retryAfterMs: 7000, abort: true });
  });

  it("follows a redirect on the same host, never to another host", async () => {
    const port = new URL(receiver.url).port;
    receiver.respond((request) =>
      request.path === "/moved" ? { status: 200, body: "landed" } : { status: 308, headers: { location: "/moved" } },
    );
    const before = receiver.requests.length;
    expect(await post(receiver.url)).toMatchObject({ ok: true, status: 200, responseExcerpt: "landed" });
    expect(receiver.requests.slice(before).map((r) => r.path)).toEqual(["/hooks", "/moved"]);

    receiver.respond(() => ({ status: 307, headers: { location: `http://localhost:${port}/elsewhere` } }));
    const result = await post(receiver.url);
    expect(result).toMatchObject({ ok: false, status: 307 });
    expect(result.error).toMatch(/another origin \(http:\/\/localhost:\d+\) not followed/);
    expect(receiver.requests.at(-1)!.path).toBe("/hooks");
  });

  it("follows a redirect only to the same origin: not to another port of the same host, not to another scheme", async () => {
    const other = await startReceiver(newSecret());
    try {
      const port = new URL(receiver.url).port;
      // Another service on the same host: a different port is a different origin.
      receiver.respond(() => ({ status: 307, headers: { location: `${other.url}/moved` } }));
      const toOtherPort = await post(receiver.url);
      expect(toOtherPort).toMatchObject({ ok: false, status: 307 });
      expect(toOtherPort.error).toBe(`Redirect to another origin (${new URL(other.url).origin}) not followed`);
      expect(other.requests).toHaveLength(0);

      // Same host and port, other scheme (a downgrade would be https → http).
      receiver.respond(() => ({ status: 308, headers: { location: `https://127.0.0.1:${port}/moved` } }));
      const before = receiver.requests.length;
      const toOtherScheme = await post(receiver.url);
      expect(toOtherScheme).toMatchObject({ ok: false, status: 308 });
      expect(toOtherScheme.error).toMatch(/another origin \(https:\/\/127\.0\.0\.1:\d+\) not followed/);
      expect(receiver.requests.slice(before).map((r) => r.path)).toEqual(["/hooks"]);

      // The same origin, spelled absolutely, is still followed.
      receiver.respond((request) =>
        request.path === "/moved" ? { status: 200, body: "landed" } : { status: 307, headers: { location: `http://127.0.0.1:${port}/moved` } },
      );
      expect(await post(receiver.url)).toMatchObject({ ok: true, status: 200, responseExcerpt: "landed" });
    } finally {
      await other.close();
    }
  });

  it("never calls a cloud metadata address, by IP or by name", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/"]) {
      const result = await post(url);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/^Blocked: .*metadata/);
      expect(result.durationMs).toBeLessThan(100);
    }
  });

  it("applies HOOKLINE_TARGET_ALLOWLIST to the addresses a name resolves to", async () => {
    receiver.respond(() => ({ status: 200 }));
    const viaName = receiver.url.replace("127.0.0.1", "localhost");
    // localhost is not listed by name and resolves outside 10.0.0.0/8: refused after DNS.
    const refused = await post(viaName, { allowlist: "hooks.example.com 10.0.0.0/8" });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/localhost \(.+\) is not in HOOKLINE_TARGET_ALLOWLIST/);
    // With names only, an unlisted name is refused before any lookup.
    expect((await post(viaName, { allowlist: "hooks.example.com" })).error).toMatch(/localhost is not in HOOKLINE_TARGET_ALLOWLIST/);
    expect(await post(viaName, { allowlist: "hooks.example.com 127.0.0.0/8 ::1" })).toMatchObject({ ok: true });
    expect(await post(viaName, { allowlist: "localhost" })).toMatchObject({ ok: true });
    expect((await post(receiver.url, { allowlist: "10.0.0.0/8" })).error).toMatch(/127\.0\.0\.1 is not in HOOKLINE_TARGET_ALLOWLIST/);
  });
});
