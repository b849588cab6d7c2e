// Unauthenticated disk fill through headers (issue 10): requests to /webhooks/* with
// no body and a large head. Through a real server on both databases: the header bytes
// kept per unverified delivery are capped (arrival order, the cut shown on the
// delivery and in the API), they count toward HOOKLINE_UNVERIFIED_MAX_BYTES, and a
// verified delivery keeps every header.
import http from "node:http";

import { afterEach, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { startTestServer, type TestServer } from "../../tests/support/server";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { createApiToken } from "~/auth/tokens.server";
import { bodyOf, decodeHeaders, STORED_BODY } from "~/deliveries/body-codec.server";
import type { ApiDelivery } from "~/deliveries/deliveries.server";
import { loader as deliveriesApi } from "~/routes/api.v1.deliveries";
import { HEADERS_TRUNCATED_MARKER } from "./unverified-guard.server";

const SECRET = newSecret();

/** A raw POST with these headers in this order (fetch would sort them). */
function post(url: string, headers: [string, string][], body = Buffer.alloc(0)): Promise<number> {
  return new Promise((resolve, reject) => {
    const head = ["host", new URL(url).host, ...headers.flat(), "content-length", String(body.length)];
    const request = http.request(url, { method: "POST", headers: head }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** `count` headers of about `size` bytes each, named in order. */
const padding = (count: number, size: number, prefix = "x-pad"): [string, string][] =>
  Array.from({ length: count }, (_, i) => [`${prefix}-${String(i).padStart(3, "0")}`, "v".repeat(size)]);

const headerBytes = (headers: [string, string][]) => headers.reduce((sum, [n, v]) => sum + n.length + v.length + 4, 0);

describe.each(PROVIDERS)("headers of unverified deliveries (%s)", (provider) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** The stored deliveries, headers and body as received (SQLite stores them compressed: ADR 0017). */
  const rows = async () =>
    (await server!.database.db.delivery.findMany({ orderBy: { id: "asc" }, select: { id: true, headers: true, outcome: true, outcomeDetail: true, ...STORED_BODY } })).map(
      ({ rawBody, bodyEncoding, ...row }) => ({ ...row, headers: decodeHeaders(row.headers), rawBody: bodyOf({ rawBody, bodyEncoding }) }),
    );

  it("keeps at most the cap of header bytes, in arrival order, and shows the cut on the delivery and in the API", async () => {
    server = await startTestServer(provider, { secrets: [SECRET], unverified: { perMinute: 1000, maxBytes: 10_000_000, maxHeaderBytes: 4096 } });
    const sent: [string, string][] = [["x-first", "kept"], ...padding(30, 480)];
    expect(headerBytes(sent)).toBeGreaterThan(14_000);
    expect(await post(`${server.url}/webhooks/flood-1`, sent)).toBe(404);

    const [row] = await rows();
    const stored = JSON.parse(row!.headers) as [string, string][];
    expect(Buffer.byteLength(row!.headers)).toBeLessThan(4096 + 200);
    const marker = stored.at(-1)!;
    expect(marker[0]).toBe(HEADERS_TRUNCATED_MARKER);
    expect(marker[1]).toMatch(/^\d+ bytes dropped \(\d+ headers\)$/);
    // Arrival order up to the cap: x-first, then the padding from 000 on, no gaps.
    const kept = stored.slice(0, -1).map(([name]) => name);
    expect(kept).toContain("x-first");
    expect(kept.indexOf("x-first")).toBeLessThan(kept.indexOf("x-pad-000"));
    const pads = kept.filter((name) => name.startsWith("x-pad-"));
    expect(pads.length).toBeGreaterThan(3);
    expect(pads).toEqual(pads.map((_, i) => `x-pad-${String(i).padStart(3, "0")}`));
    expect(row!.outcomeDetail).toMatch(/headers cut: \d+ bytes in \d+ headers/);

    (globalThis as { __hooklineDb?: unknown }).__hooklineDb = server.database;
    const { token } = await createApiToken(server.database.db, { name: "viewer", role: "viewer" });
    const response = await deliveriesApi({
      request: new Request("http://hookline.test/api/v1/deliveries", { headers: { authorization: `Bearer ${token}` } }),
      params: {},
      context: {},
    });
    const body = (await response.json()) as { deliveries: ApiDelivery[] };
    expect(body.deliveries[0]!.headers!.at(-1)).toEqual(marker);
    expect(body.deliveries[0]!.outcomeDetail).toMatch(/headers cut/);
  });

  it("counts header bytes toward HOOKLINE_UNVERIFIED_MAX_BYTES: past it a row keeps 1 KiB of headers", async () => {
    server = await startTestServer(provider, { secrets: [SECRET], unverified: { perMinute: 1000, maxBytes: 40_000 } });
    // Three requests with no body and ~15 KB of headers each (the default 16 KiB per-delivery cap keeps them whole).
    for (let i = 0; i < 3; i++) expect(await post(`${server.url}/webhooks/flood-${i}`, padding(30, 480))).toBe(404);
    const stored = await rows();
    expect(stored).toHaveLength(3);
    expect(stored.map((row) => row.rawBody.length)).toEqual([0, 0, 0]);
    expect(Buffer.byteLength(stored[0]!.headers)).toBeGreaterThan(14_000);
    expect(Buffer.byteLength(stored[1]!.headers)).toBeGreaterThan(14_000);
    // 30 KB of headers are kept, and 15 more would pass the 40 KB cap.
    expect(Buffer.byteLength(stored[2]!.headers)).toBeLessThan(1024 + 200);
    expect(stored[2]!.outcomeDetail).toMatch(/HOOKLINE_UNVERIFIED_MAX_BYTES, is reached\) \(headers cut/);
    expect((JSON.parse(stored[2]!.headers) as [string, string][]).at(-1)![0]).toBe(HEADERS_TRUNCATED_MARKER);
  });

  it("keeps every header of a verified delivery", async () => {
    server = await startTestServer(provider, { secrets: [SECRET], unverified: { perMinute: 1000, maxBytes: 1000, maxHeaderBytes: 1024 } });
    const body = Buffer.from(JSON.stringify(envelope("user.created", { id: "user_headers", object: "user" })));
    const headers: [string, string][] = [...Object.entries(signedHeaders(SECRET, body)), ...padding(20, 400)];
    expect(await post(`${server.url}/webhooks/clerk`, headers, body)).toBe(200);
    const [row] = await rows();
    expect(row!.outcome).toBe("verified");
    const stored = JSON.parse(row!.headers) as [string, string][];
    expect(stored.filter(([name]) => name.startsWith("x-pad-"))).toHaveLength(20);
    expect(stored.some(([name]) => name === HEADERS_TRUNCATED_MARKER)).toBe(false);
  });
});
