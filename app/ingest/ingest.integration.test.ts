// Ingest over real HTTP against a real server and real SQLite / Postgres databases,
// with deliveries signed by the real `svix` library.
import http from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { startInstances, startTestServer, type TestInstance, type TestServer } from "../../tests/support/server";
import { envelope, newMsgId, newSecret, signedHeaders } from "../../tests/support/svix";
import { buildSamples } from "~/catalog/samples";
import { BODY_DEFLATE_1, bodyOf, decodeHeaders } from "~/deliveries/body-codec.server";
import { compactStoredBodies } from "~/deliveries/compact-bodies.server";
import { readDeliveryRawBody } from "~/deliveries/delivery-raw.server";
import { parseEventListQuery } from "~/events/event-filter";
import { listEvents } from "~/events/event-query.server";
import { typeHasSecrets } from "~/events/redaction";
import { indexPendingEvents, removeFromSearch } from "~/events/search.server";
import { newId } from "~/db/ids";
import { BodyPacker } from "~/deliveries/body-packer.server";
import { PostgresGroupCommit } from "~/ingest/postgres-group-commit.server";
import { createSource } from "~/sources/sources.server";

function parseQuery(query: string) {
  const parsed = parseEventListQuery(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const SECRET = newSecret();
const ROTATED_OUT = newSecret();
const MAX_BODY = 200 * 1024;

async function post(server: Pick<TestServer, "url">, path: string, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(server.url + path, {
    method: "POST",
    body: typeof body === "string" ? body : new Uint8Array(body),
    headers,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function userEvent(type: string, id: string, timestamp: number, extra: Record<string, unknown> = {}) {
  return JSON.stringify(envelope(type, { id, object: "user", first_name: "Jane", ...extra }, timestamp));
}

describe.each(PROVIDERS)("ingest over HTTP (%s)", (provider) => {
  let server: TestServer;
  const db = () => server.runtime.database.db;

  beforeAll(async () => {
    server = await startTestServer(provider, { secrets: [SECRET, ROTATED_OUT], maxBodyBytes: MAX_BODY });
    await createSource(db(), { slug: "dev", name: "Dev instance" });
  });
  afterAll(() => server.close());

  it("stores a verified delivery byte for byte and makes one event with its resource ids", async () => {
    const body = userEvent("user.created", "user_2abc", Date.now());
    const headers: Record<string, string> = { ...signedHeaders(SECRET, body), "x-extra": "kept" };
    const { status, json } = await post(server, "/webhooks/clerk", body, headers);
    expect(status).toBe(200);
    expect(json.outcome).toBe("verified");

    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: json.deliveryId as string } });
    expect(bodyOf(delivery).toString("utf8")).toBe(body);
    expect(delivery.size).toBe(Buffer.byteLength(body));
    expect(delivery.svixId).toBe(headers["svix-id"]);
    expect(delivery.remoteAddr).toMatch(/127\.0\.0\.1/);
    const storedHeaders = JSON.parse(decodeHeaders(delivery.headers)) as [string, string][];
    expect(storedHeaders).toContainEqual(["x-extra", "kept"]);
    expect(storedHeaders).toContainEqual(["svix-signature", headers["svix-signature"]]);

    const event = await db().event.findUniqueOrThrow({ where: { id: json.eventId as string } });
    expect(event).toMatchObject({ type: "user.created", resourceType: "user", resourceId: "user_2abc", userId: "user_2abc", knownType: true, deliveryCount: 1, outOfOrder: false });
    expect(event.firstDeliveryId).toBe(delivery.id);
  });

  it("answers duplicate for a svix-id already stored and links the delivery to the same event", async () => {
    const body = userEvent("user.updated", "user_dup", Date.now());
    const msgId = newMsgId();
    const first = await post(server, "/webhooks/clerk", body, signedHeaders(SECRET, body, { msgId }));
    const second = await post(server, "/webhooks/clerk", body, signedHeaders(SECRET, body, { msgId }));
    expect(first.json.outcome).toBe("verified");
    expect(second).toMatchObject({ status: 200, json: { outcome: "duplicate", eventId: first.json.eventId } });
    const event = await db().event.findUniqueOrThrow({ where: { id: first.json.eventId as string } });
    expect(event.deliveryCount).toBe(2);
    const deliveries = await db().delivery.findMany({ where: { eventId: event.id }, orderBy: { id: "asc" } });
    expect(deliveries.map((d) => [d.outcome, d.duplicate])).toEqual([["verified", false], ["duplicate", true]]);
  });

  it("makes exactly one event from concurrent deliveries of one svix-id", async () => {
    const body = userEvent("user.updated", "user_race", Date.now());
    const msgId = newMsgId();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(server, "/webhooks/clerk", body, signedHeaders(SECRET, body, { msgId }))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.json.outcome === "verified")).toHaveLength(1);
    expect(answers.filter((a) => a.json.outcome === "duplicate")).toHaveLength(7);
    const events = await db().event.findMany({ where: { svixId: msgId } });
    expect(events).toHaveLength(1);
    expect(events[0]!.deliveryCount).toBe(8);
    expect(await db().delivery.count({ where: { svixId: msgId } })).toBe(8);
  });

  it("accepts a signature made with a rotated-out secret that is still configured", async () => {
    const body = userEvent("user.updated", "user_rot", Date.now());
    const { status, json } = await post(server, "/webhooks/clerk", body, signedHeaders(ROTATED_OUT, body));
    expect([status, json.outcome]).toEqual([200, "verified"]);
  });

  it("accepts Standard Webhooks header names (webhook-*) as the svix library does", async () => {
    const body = userEvent("user.updated", "user_std", Date.now());
    const signed = signedHeaders(SECRET, body);
    const { json } = await post(server, "/webhooks/clerk", body, {
      "webhook-id": signed["svix-id"]!,
      "webhook-timestamp": signed["svix-timestamp"]!,
      "webhook-signature": signed["svix-signature"]!,
    });
    expect(json.outcome).toBe("verified");
  });

  it("rejects a one-byte tamper as invalid_signature and keeps the tampered bytes", async () => {
    const body = userEvent("user.updated", "user_tamper", Date.now());
    const headers = signedHeaders(SECRET, body);
    const tampered = body.replace("Jane", "Jade");
    const { status, json } = await post(server, "/webhooks/clerk", tampered, headers);
    expect([status, json.outcome]).toEqual([401, "invalid_signature"]);
    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: json.deliveryId as string } });
    expect(bodyOf(delivery).toString()).toBe(tampered);
    expect(delivery.eventId).toBeNull();
  });

  it("rejects a signature from an unknown secret as invalid_signature", async () => {
    const body = userEvent("user.updated", "user_x", Date.now());
    const { status, json } = await post(server, "/webhooks/clerk", body, signedHeaders(newSecret(), body));
    expect([status, json.outcome]).toEqual([401, "invalid_signature"]);
  });

  it("reports a valid signature with an old timestamp as timestamp_out_of_tolerance", async () => {
    const body = userEvent("user.updated", "user_old", Date.now());
    const headers = signedHeaders(SECRET, body, { timestamp: new Date(Date.now() - 10 * 60 * 1000) });
    const { status, json } = await post(server, "/webhooks/clerk", body, headers);
    expect([status, json.outcome]).toEqual([401, "timestamp_out_of_tolerance"]);
    expect(json.detail).toMatch(/Signature valid.*old/);
    const future = signedHeaders(SECRET, body, { timestamp: new Date(Date.now() + 10 * 60 * 1000) });
    expect((await post(server, "/webhooks/clerk", body, future)).json.outcome).toBe("timestamp_out_of_tolerance");
  });

  it("answers missing_headers naming what is missing", async () => {
    const body = userEvent("user.updated", "user_m", Date.now());
    const { "svix-signature": _dropped, ...headers } = signedHeaders(SECRET, body);
    const { status, json } = await post(server, "/webhooks/clerk", body, headers);
    expect([status, json.outcome]).toEqual([400, "missing_headers"]);
    expect(json.detail).toBe("Missing svix-signature");
  });

  it("answers malformed_payload for verified bytes that are not a Clerk envelope", async () => {
    for (const body of ["not json", JSON.stringify({ object: "list", type: "user.created", data: {} }), JSON.stringify({ object: "event", data: {} })]) {
      const { status, json } = await post(server, "/webhooks/clerk", body, signedHeaders(SECRET, body));
      expect([status, json.outcome]).toEqual([400, "malformed_payload"]);
    }
  });

  it("keeps a body that is not UTF-8 byte for byte", async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x22, 0x7d]);
    const { status, json } = await post(server, "/webhooks/clerk", bytes, signedHeaders(SECRET, bytes));
    expect(status).toBe(400);
    expect(json.outcome).toBe("malformed_payload");
    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: json.deliveryId as string } });
    expect(bodyOf(delivery).equals(bytes)).toBe(true);
  });

  it("answers no_secret for a source without a signing secret, and keeps the delivery", async () => {
    const body = userEvent("user.updated", "user_ns", Date.now());
    const { status, json } = await post(server, "/webhooks/dev", body, signedHeaders(SECRET, body));
    expect([status, json.outcome]).toEqual([503, "no_secret"]);
    expect(await db().delivery.count({ where: { id: json.deliveryId as string, sourceSlug: "dev" } })).toBe(1);
  });

  it("answers unknown_source and still keeps the delivery, under no source", async () => {
    const body = userEvent("user.updated", "user_us", Date.now());
    const { status, json } = await post(server, "/webhooks/nope", body, signedHeaders(SECRET, body));
    expect([status, json.outcome]).toEqual([404, "unknown_source"]);
    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: json.deliveryId as string } });
    expect(delivery).toMatchObject({ sourceId: null, sourceSlug: "nope", outcome: "unknown_source", status: 404 });
  });

  it("answers body_too_large past the limit and keeps only the first 64 KiB", async () => {
    const body = Buffer.alloc(MAX_BODY * 3, "a");
    const answer = await new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const request = http.request(server.url + "/webhooks/clerk", { method: "POST", headers: signedHeaders(SECRET, "x") });
      request.on("response", (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, json: JSON.parse(text) }));
      });
      request.on("error", reject);
      // Stream it in chunks, as a real client would.
      for (let offset = 0; offset < body.length; offset += 16 * 1024) request.write(body.subarray(offset, offset + 16 * 1024));
      request.end();
    });
    expect([answer.status, answer.json.outcome]).toEqual([413, "body_too_large"]);
    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: answer.json.deliveryId as string } });
    expect(bodyOf(delivery).equals(body.subarray(0, 64 * 1024))).toBe(true);
    expect(delivery.truncated).toBe(true);
    expect(delivery.size).toBeGreaterThan(MAX_BODY);
  });

  it("marks an event that arrives after a later state of the same resource as out of order", async () => {
    const now = Date.now();
    const later = userEvent("user.updated", "user_ooo", now, { first_name: "Later" });
    const earlier = userEvent("user.updated", "user_ooo", now - 60_000, { first_name: "Earlier" });
    const a = await post(server, "/webhooks/clerk", later, signedHeaders(SECRET, later));
    const b = await post(server, "/webhooks/clerk", earlier, signedHeaders(SECRET, earlier));
    const [first, second] = await Promise.all([
      db().event.findUniqueOrThrow({ where: { id: a.json.eventId as string } }),
      db().event.findUniqueOrThrow({ where: { id: b.json.eventId as string } }),
    ]);
    expect(first.outOfOrder).toBe(false);
    expect(second.outOfOrder).toBe(true);
  });

  it("normalises a 10-digit seconds timestamp to milliseconds and flags unknown types", async () => {
    const seconds = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(envelope("widget.exploded", { id: "wid_1" }, seconds));
    const { status, json } = await post(server, "/webhooks/clerk", body, signedHeaders(SECRET, body));
    expect([status, json.outcome]).toEqual([200, "verified"]);
    const event = await db().event.findUniqueOrThrow({ where: { id: json.eventId as string } });
    expect(event.timestampMs).toBe(BigInt(seconds) * 1000n);
    expect(event.knownType).toBe(false);
  });

  it("makes a verified event searchable by its payload text in the transaction that stores it", async () => {
    const body = userEvent("user.created", "user_findme", Date.now(), { last_name: "Quillfeather" });
    const { json } = await post(server, "/webhooks/clerk", body, signedHeaders(SECRET, body));
    const handle = server.runtime.database;
    // No worker runs in this server: ingest indexed it, and with no auto-forward target
    // stored it as already scanned.
    const event = await db().event.findUniqueOrThrow({ where: { id: json.eventId as string } });
    expect(event).toMatchObject({ searchIndexed: true, forwardScanned: true });
    const found = await listEvents(handle, parseQuery("q=Quillfeather"));
    expect(found.events.map((e) => e.id)).toEqual([json.eventId]);
  });

  it("stores a verified body as received, compacts it on SQLite later (never on Postgres), and gives back the exact bytes", async () => {
    const [sample] = buildSamples("user.created", { count: 1, seed: 23 }) as { data: Record<string, unknown> }[];
    sample!.data.last_name = "Wolkenkratzer";
    // Key order and spacing a sender might use: the stored form must not normalise them.
    const body = JSON.stringify(sample, null, 1).replace('"object"', ' "object"');
    const headers = signedHeaders(SECRET, body);
    const { status, json } = await post(server, "/webhooks/clerk", body, headers);
    expect([status, json.outcome]).toEqual([200, "verified"]);
    const id = json.deliveryId as string;

    // Ingest writes it as received, not compacted yet (ADR 0017).
    const arrived = await db().delivery.findUniqueOrThrow({ where: { id } });
    expect(arrived.bodyEncoding).toBeNull();
    expect(Buffer.from(arrived.rawBody).toString("utf8")).toBe(body);
    const headersJson = arrived.headers;

    // The worker's compaction, as its task runs it (here without waiting a minute).
    const packer = new BodyPacker(30_000);
    try {
      while ((await compactStoredBodies(server.runtime.database, packer, { olderThanMs: 0 })) > 0);
    } finally {
      await packer.close();
    }
    const stored = await db().delivery.findUniqueOrThrow({ where: { id } });
    if (provider === "sqlite") {
      expect(stored.bodyEncoding).toBe(BODY_DEFLATE_1);
      expect(stored.rawBody.length).toBeLessThan(Buffer.byteLength(body) / 2);
      expect(stored.headers.length).toBeLessThan(headersJson.length);
    } else {
      expect(stored.bodyEncoding).toBeNull();
      expect(Buffer.from(stored.rawBody).toString("utf8")).toBe(body);
    }
    expect(decodeHeaders(stored.headers)).toBe(headersJson);
    expect(bodyOf(stored).toString("utf8")).toBe(body);
    expect({ ...stored, rawBody: null, headers: null, bodyEncoding: null }).toEqual({ ...arrived, rawBody: null, headers: null, bodyEncoding: null });
    expect(stored.size).toBe(Buffer.byteLength(body));
    // What `GET /api/v1/deliveries/:id/raw` and "Copy as curl" hand out.
    const raw = await readDeliveryRawBody(db(), stored.id);
    expect(raw).toMatchObject({ truncated: false, size: Buffer.byteLength(body), contentType: "application/json" });
    expect(raw!.bytes.equals(Buffer.from(body))).toBe(true);

    // The worker's indexer reads the body back from the database (hookline_body on
    // SQLite): index it again that way and find it by a word of the body.
    const handle = server.runtime.database;
    const eventId = json.eventId as string;
    await removeFromSearch(handle, [eventId]);
    await db().event.update({ where: { id: eventId }, data: { searchIndexed: false } });
    expect((await listEvents(handle, parseQuery("q=Wolkenkratzer"))).events).toEqual([]);
    while ((await indexPendingEvents(handle)) > 0);
    expect((await listEvents(handle, parseQuery("q=Wolkenkratzer"))).events.map((e) => e.id)).toEqual([eventId]);
  });

  it("answers /healthz with 200 while the database answers", async () => {
    const response = await fetch(server.url + "/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: provider });
  });
});

describe("ingest on one Postgres from two server instances", () => {
  let database: TestDatabase;
  const instances: TestInstance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    instances.push(...(await startInstances(database, 2, { secrets: [SECRET], maxBodyBytes: MAX_BODY })));
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await database?.drop();
  });

  it("stores one event per svix-id when both instances receive it at once", async () => {
    // Several svix-ids, each sent 6 times at once, alternately to either instance.
    const messages = Array.from({ length: 5 }, (_, i) => ({
      msgId: newMsgId(),
      body: userEvent("user.updated", `user_twice${i}`, Date.now()),
    }));
    const answers = await Promise.all(
      messages.flatMap(({ msgId, body }) =>
        Array.from({ length: 6 }, async (_, n) => ({
          msgId,
          ...(await post(instances[n % 2]!, "/webhooks/clerk", body, signedHeaders(SECRET, body, { msgId }))),
        })),
      ),
    );
    const db = database.db;
    for (const { msgId } of messages) {
      const mine = answers.filter((a) => a.msgId === msgId);
      expect(mine.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(mine.filter((a) => a.json.outcome === "verified")).toHaveLength(1);
      expect(mine.filter((a) => a.json.outcome === "duplicate")).toHaveLength(5);
      expect(new Set(mine.map((a) => a.json.eventId)).size).toBe(1);
      const events = await db.event.findMany({ where: { svixId: msgId } });
      expect(events).toHaveLength(1);
      expect(events[0]!.deliveryCount).toBe(6);
      const deliveries = await db.delivery.findMany({ where: { svixId: msgId } });
      expect(deliveries).toHaveLength(6);
      expect(deliveries.every((d) => d.eventId === events[0]!.id)).toBe(true);
      expect(deliveries.filter((d) => !d.duplicate).map((d) => d.id)).toEqual([events[0]!.firstDeliveryId]);
    }
  });

  it("marks out of order an event stored after a later state of its resource, across instances", async () => {
    const now = Date.now();
    const later = userEvent("user.updated", "user_ooo2", now, { first_name: "Later" });
    const earlier = userEvent("user.updated", "user_ooo2", now - 60_000, { first_name: "Earlier" });
    const a = await post(instances[0]!, "/webhooks/clerk", later, signedHeaders(SECRET, later));
    const b = await post(instances[1]!, "/webhooks/clerk", earlier, signedHeaders(SECRET, earlier));
    const flags = await database.db.event.findMany({
      where: { id: { in: [a.json.eventId as string, b.json.eventId as string] } },
      select: { id: true, outOfOrder: true },
    });
    expect(Object.fromEntries(flags.map((e) => [e.id, e.outOfOrder]))).toEqual({
      [a.json.eventId as string]: false,
      [b.json.eventId as string]: true,
    });
  });

  it("marks out of order an event whose resource has a later state earlier in the same batch", async () => {
    const source = await database.db.source.findUniqueOrThrow({ where: { slug: "clerk" } });
    const groupCommit = new PostgresGroupCommit(database.url, { poolSize: 1 });
    const now = Date.now();
    const verified = (timestampMs: number, msgId = newMsgId()) => {
      const body = Buffer.from(userEvent("user.updated", "user_batch", timestampMs));
      return {
        delivery: {
          id: newId(Date.now()), sourceSlug: "clerk", receivedAt: new Date(), remoteAddr: null, requestId: null, headers: "[]",
          rawBody: new Uint8Array(body) as Uint8Array<ArrayBuffer>, size: body.length, truncated: false, svixId: msgId,
          svixTimestamp: String(Math.floor(now / 1000)), sourceId: source.id,
        },
        sourceId: source.id,
        svixId: msgId,
        svixTimestamp: BigInt(Math.floor(now / 1000)),
        type: "user.updated",
        instanceId: null,
        timestampMs,
        data: { id: "user_batch", object: "user" },
        detail: null,
      };
    };
    try {
      // Queued in one tick, so written as one batch: the later state, the earlier one, and the later one again.
      const later = verified(now);
      const stored = await Promise.all([
        groupCommit.storeVerified(later),
        groupCommit.storeVerified(verified(now - 60_000)),
        groupCommit.storeVerified(verified(now, later.svixId)),
      ]);
      expect(stored.map((s) => s.outcome)).toEqual(["verified", "verified", "duplicate"]);
      expect(stored[2]!.eventId).toBe(stored[0]!.eventId);
      const events = await database.db.event.findMany({ where: { resourceId: "user_batch" }, orderBy: { timestampMs: "asc" } });
      expect(events.map((e) => [e.outOfOrder, e.deliveryCount])).toEqual([[true, 1], [false, 2]]);
    } finally {
      await groupCommit.close();
    }
  });

  it("indexes each type's payload text at ingest exactly as the worker's indexer does", async () => {
    const envelopes = buildSamples("all", { count: 1, seed: 7 });
    const stored = await Promise.all(
      envelopes.map(async (envelope) => {
        const body = JSON.stringify(envelope);
        const { json } = await post(instances[0]!, "/webhooks/clerk", body, signedHeaders(SECRET, body));
        return { type: (envelope as { type: string }).type, eventId: json.eventId as string };
      }),
    );
    const ids = stored.map((s) => s.eventId);
    const documents = async () =>
      Object.fromEntries(
        (
          await database.db.$queryRawUnsafe<{ eventId: string; document: string }[]>(
            `SELECT "eventId", "document"::text AS "document" FROM "EventSearch" WHERE "eventId" = ANY($1::text[])`,
            ids,
          )
        ).map((row) => [row.eventId, row.document]),
      );
    const atIngest = await documents();
    // Types with masked values are left to the worker; every other one is indexed already.
    for (const { type, eventId } of stored) expect(eventId in atIngest, type).toBe(!typeHasSecrets(type));
    await database.db.$executeRawUnsafe(`DELETE FROM "EventSearch" WHERE "eventId" = ANY($1::text[])`, ids);
    await database.db.event.updateMany({ where: { id: { in: ids } }, data: { searchIndexed: false } });
    while ((await indexPendingEvents(database)) > 0);
    const byWorker = await documents();
    expect(Object.keys(byWorker)).toHaveLength(ids.length);
    for (const [eventId, document] of Object.entries(atIngest)) expect(document).toBe(byWorker[eventId]);
  });

  it("stores a batch's good deliveries when one of its rows cannot be stored", async () => {
    // Queued in one tick, so written as one batch; Postgres text cannot hold NUL.
    const groupCommit = new PostgresGroupCommit(database.url, { poolSize: 1 });
    try {
      const row = (slug: string) => ({
        id: newId(Date.now()),
        sourceSlug: slug,
        receivedAt: new Date(),
        remoteAddr: "127.0.0.1",
        requestId: null,
        headers: "[]",
        rawBody: new Uint8Array(Buffer.from("{}")) as Uint8Array<ArrayBuffer>,
        size: 2,
        truncated: false,
        svixId: null,
        svixTimestamp: null,
        sourceId: null,
        outcome: "unknown_source" as const,
        outcomeDetail: "No such source",
        status: 404,
      });
      const rows = [row("batch-a"), row("bad\u0000slug"), row("batch-b")];
      const settled = await Promise.allSettled(rows.map((r) => groupCommit.storeRejected(r)));
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      const stored = await database.db.delivery.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: { sourceSlug: true } });
      expect(stored.map((d) => d.sourceSlug).sort()).toEqual(["batch-a", "batch-b"]);
    } finally {
      await groupCommit.close();
    }
  });
});
