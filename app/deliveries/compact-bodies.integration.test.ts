// The worker's compaction of stored deliveries (ADR 0017), on a real server that ingests
// real signed deliveries: every byte comes back as received, later changes to a row
// survive, the pages compaction frees are really freed, and Postgres is left alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { startTestServer, type TestServer } from "../../tests/support/server";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { buildSamples } from "~/catalog/samples";
import { BodyPacker } from "~/deliveries/body-packer.server";
import { BODY_AS_RECEIVED, BODY_DEFLATE_1, bodyOf, decodeHeaders } from "./body-codec.server";
import { compactStoredBodies } from "./compact-bodies.server";

const SECRET = newSecret();

describe.each(PROVIDERS)("compacting stored deliveries (%s)", (provider) => {
  let server: TestServer;
  const db = () => server.runtime.database.db;
  /** What was sent, by delivery id: the body and the headers JSON as ingest stored it. */
  const sent = new Map<string, { body: string | Buffer; headers: string }>();

  async function send(body: string | Buffer, headers = signedHeaders(SECRET, body)): Promise<string> {
    const response = await fetch(`${server.url}/webhooks/clerk`, { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers });
    const json = (await response.json()) as { deliveryId: string };
    expect(json.deliveryId, JSON.stringify(json)).toBeTruthy();
    const row = await db().delivery.findUniqueOrThrow({ where: { id: json.deliveryId }, select: { headers: true } });
    sent.set(json.deliveryId, { body, headers: row.headers });
    return json.deliveryId;
  }

  async function compactAll(packer: BodyPacker, olderThanMs = 0): Promise<number> {
    let total = 0;
    for (let n; (n = await compactStoredBodies(server.runtime.database, packer, { olderThanMs, limit: 40 })) > 0; ) total += n;
    return total;
  }

  beforeAll(async () => {
    server = await startTestServer(provider, { secrets: [SECRET] });
  });
  afterAll(() => server.close());

  it("compacts every delivery, verified or not, and each reads back byte for byte with its other columns unchanged", async () => {
    const bodies = buildSamples("all", { count: 2, seed: 77 }).map((e) => JSON.stringify(e));
    for (const body of bodies) await send(body);
    // Not verified (a wrong signature), an empty body, and bytes that are not UTF-8.
    await send(bodies[0]!.replace("object", "objekt"), signedHeaders(newSecret(), bodies[0]!));
    await send("", signedHeaders(SECRET, ""));
    await send(Buffer.from([0xff, 0xfe, 0x7b, 0xc3, 0x28, 0x0a]));
    const before = await db().delivery.findMany({ orderBy: { id: "asc" } });
    expect(before.every((row) => row.bodyEncoding === null)).toBe(true);

    const packer = new BodyPacker(30_000);
    try {
      expect(await compactAll(packer)).toBe(provider === "sqlite" ? before.length : 0);
    } finally {
      await packer.close();
    }

    const after = await db().delivery.findMany({ orderBy: { id: "asc" } });
    expect(after.map((row) => row.id)).toEqual(before.map((row) => row.id));
    after.forEach((row, i) => {
      const original = before[i]!;
      expect(bodyOf(row).equals(Buffer.from(original.rawBody)), row.id).toBe(true);
      expect(decodeHeaders(row.headers), row.id).toBe(original.headers);
      expect({ ...row, rawBody: null, headers: null, bodyEncoding: null }).toEqual({ ...original, rawBody: null, headers: null, bodyEncoding: null });
    });
    if (provider === "sqlite") {
      const encodings = new Set(after.map((row) => row.bodyEncoding));
      expect(encodings.has(BODY_DEFLATE_1)).toBe(true);
      // The empty body cannot get smaller: compacted, as received.
      expect(after.find((row) => row.size === 0)!.bodyEncoding).toBe(BODY_AS_RECEIVED);
      const storedBytes = after.reduce((sum, row) => sum + row.rawBody.length + row.headers.length, 0);
      const receivedBytes = before.reduce((sum, row) => sum + row.rawBody.length + row.headers.length, 0);
      expect(storedBytes).toBeLessThan(receivedBytes / 2);
    } else {
      expect(after.every((row) => row.bodyEncoding === null)).toBe(true);
    }
  });

  it.runIf(provider === "sqlite")("keeps a change made to a row after it arrived, and leaves deliveries younger than the delay", async () => {
    const [body] = buildSamples("user.updated", { count: 1, seed: 78 }).map((e) => JSON.stringify(e));
    const changed = await send(body!);
    await db().delivery.update({ where: { id: changed }, data: { outcomeDetail: "changed after it arrived" } });
    const packer = new BodyPacker(30_000);
    try {
      // A minute's delay: the delivery that just arrived waits.
      expect(await compactAll(packer, 60_000)).toBe(0);
      expect((await db().delivery.findUniqueOrThrow({ where: { id: changed } })).bodyEncoding).toBeNull();
      expect(await compactAll(packer)).toBe(1);
    } finally {
      await packer.close();
    }
    const row = await db().delivery.findUniqueOrThrow({ where: { id: changed } });
    expect(row).toMatchObject({ bodyEncoding: BODY_DEFLATE_1, outcomeDetail: "changed after it arrived" });
    expect(bodyOf(row).toString("utf8")).toBe(body);
  });

  it.runIf(provider === "sqlite")("leaves rows as they are when the compression thread cannot help", async () => {
    const id = await send(JSON.stringify(envelope("user.deleted", { id: "user_compact", object: "user", deleted: true })));
    const packer = new BodyPacker(0); // never waits: every row is "late"
    try {
      expect(await compactStoredBodies(server.runtime.database, packer, { olderThanMs: 0 })).toBe(0);
    } finally {
      await packer.close();
    }
    const row = await db().delivery.findUniqueOrThrow({ where: { id } });
    expect(row.bodyEncoding).toBeNull();
    expect(bodyOf(row).toString("utf8")).toBe(sent.get(id)!.body as string);
  });

  it.runIf(provider === "sqlite")("gives the pages of what it rewrote back to SQLite, for later rows", async () => {
    const raw = server.runtime.database.sqlite?.();
    expect(raw).toBeTruthy();
    const bodies = buildSamples("all", { count: 12, seed: 79 }).map((e) => JSON.stringify(e));
    for (const body of bodies) await send(body);
    const freelist = () => Number(raw!.pragma("freelist_count", { simple: true }));
    const freeBefore = freelist();
    const packer = new BodyPacker(30_000);
    try {
      expect(await compactAll(packer)).toBeGreaterThanOrEqual(bodies.length);
    } finally {
      await packer.close();
    }
    // The rows moved to compact pages at the end of the table; their old pages are free.
    expect(freelist() - freeBefore).toBeGreaterThan(50);
  });
});
