// Data out (issue 15) on real databases of both providers, with deliveries posted over
// real HTTP to the real ingest: the exact bytes of a delivery (`/raw`), one delivery
// as JSON, and the export of every event of a filter, called through the Remix route
// loaders with real API tokens of each role.
import crypto from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { startTestServer, type TestServer } from "../../tests/support/server";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import type { Role } from "~/auth/roles";
import { createApiToken } from "~/auth/tokens.server";
import { buildSamples } from "~/catalog/samples";
import { bodyOf, STORED_BODY } from "~/deliveries/body-codec.server";
import { listEvents } from "~/events/event-query.server";
import { REDACTED, typeHasSecrets } from "~/events/redaction";
import { loader as deliveryApi } from "~/routes/api.v1.deliveries.$id";
import { loader as rawApi } from "~/routes/api.v1.deliveries.$id.raw";
import { loader as exportApi } from "~/routes/api.v1.events.export";
import { readExportBatches } from "./event-export.server";

const SECRET = newSecret();
const OTP = "731904";
const ORIGIN = "http://hookline.test";

describe.each(PROVIDERS)("data out (%s)", (provider) => {
  let server: TestServer;
  const tokens = {} as Record<Role, string>;
  /** svix-id → the exact bytes posted. */
  const sent = new Map<string, Buffer>();
  const ids = { odd: "", nonUtf8: "", truncated: "", email: "", emailEvent: "" };

  async function post(body: Buffer, headers: Record<string, string>, source = "clerk") {
    const response = await fetch(`${server.url}/webhooks/${source}`, { method: "POST", headers, body: new Uint8Array(body) });
    const answer = (await response.json()) as { deliveryId?: string; eventId?: string; outcome?: string };
    return { status: response.status, ...answer };
  }

  async function postSigned(body: Buffer | string, options: { timestamp?: Date } = {}) {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
    const headers = signedHeaders(SECRET, bytes.toString("utf8"), options);
    const answer = await post(bytes, headers);
    expect(answer.status, JSON.stringify(answer)).toBe(200);
    sent.set(headers["svix-id"]!, bytes);
    return answer;
  }

  const call = (loader: typeof rawApi, path: string, authorization: string | undefined, params: Record<string, string> = {}) =>
    loader({ request: new Request(ORIGIN + path, { headers: authorization ? { authorization } : {} }), params, context: {} });

  beforeAll(async () => {
    server = await startTestServer(provider, { secrets: [SECRET], maxBodyBytes: 128 * 1024 });
    // The route modules read the process-wide database handle.
    (globalThis as { __hooklineDb?: unknown }).__hooklineDb = server.database;
    for (const role of ["viewer", "operator", "admin"] as const) {
      tokens[role] = `Bearer ${(await createApiToken(server.database.db, { name: `data-out-${role}`, role })).token}`;
    }
    // Realistic events of every type, signed by the svix library, compact JSON.
    for (const sample of buildSamples("all", { seed: 15, count: 2 })) await postSigned(JSON.stringify(sample));
    // Whitespace, key order, escapes and non-ASCII exactly as a sender might write them.
    const odd = `  {"type" : "user.updated",\r\n\t"object":"event" ,"timestamp": ${Date.now()},\n "data": {"z_last": 1, "id":"user_odd", "first_name": "Zoë \\u00e9\\"q\\"", "emoji":"🦊", "a_first":[ 1 ,2 ]},"instance_id":"ins_x"}\n\n`;
    ids.odd = (await postSigned(odd)).deliveryId!;
    // A one-time code: masked for viewers everywhere.
    const email = await postSigned(
      JSON.stringify(envelope("email.created", { id: "ema_1", object: "email", to_email_address: "jane@example.com", subject: `Code ${OTP}`, body: `<p>${OTP}</p>`, data: { otp_code: OTP } })),
    );
    ids.email = email.deliveryId!;
    ids.emailEvent = email.eventId!;
    // Bytes that are not UTF-8 (fails verification, kept as it arrived).
    const nonUtf8 = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28, 0x80, 0x0a, 0x0d, 0xe2, 0x82]);
    const junk = await post(nonUtf8, { "content-type": "application/octet-stream", ...signedHeaders(newSecret(), "x") });
    expect(junk.status).toBe(401);
    ids.nonUtf8 = junk.deliveryId!;
    // Over the limit: only the first 64 KiB are kept.
    const big = crypto.randomBytes(200 * 1024);
    const tooLarge = await post(big, { "content-type": "application/json", ...signedHeaders(SECRET, "x") });
    expect(tooLarge.status).toBe(413);
    ids.truncated = tooLarge.deliveryId!;
  }, 60_000);
  afterAll(() => server?.close());

  async function exportText(query: string, role: Role) {
    const response = await call(exportApi, `/api/v1/events/export?${query}`, tokens[role]);
    return { response, text: response.status === 200 ? await response.text() : JSON.stringify(await response.json()) };
  }

  it("exports every event with raw=1, and every body decodes to the bytes that were sent", async () => {
    const { response, text } = await exportText("format=ndjson&raw=1", "operator");
    expect(response.status, text).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="hookline-events-.*\.ndjson"$/);
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as { svixId: string; rawBody: string; payload: unknown; type: string });
    expect(lines).toHaveLength(sent.size);
    expect(new Set(lines.map((line) => line.svixId))).toEqual(new Set(sent.keys()));
    for (const line of lines) {
      const bytes = Buffer.from(line.rawBody, "base64");
      expect(bytes.equals(sent.get(line.svixId)!), `${line.type} ${line.svixId}`).toBe(true);
      expect(line.payload).toEqual(JSON.parse(bytes.toString("utf8")));
    }
    // raw=1 unmasks, and is in the audit log.
    expect(text).toContain(OTP);
    const audit = await server.database.db.auditEntry.findFirst({ where: { action: "events.export.raw" }, orderBy: { at: "desc" } });
    expect(JSON.parse(audit!.detail!)).toMatchObject({ format: "ndjson", via: "api" });
  });

  it("copies each payload as it was sent (key order, escapes, non-ASCII), on one line", async () => {
    const { text } = await exportText("format=ndjson", "operator");
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(sent.size);
    for (const line of lines) {
      const parsed = JSON.parse(line) as { svixId: string; type: string; payload: unknown };
      const bytes = sent.get(parsed.svixId)!;
      if (typeHasSecrets(parsed.type)) continue; // masked for every role without raw
      expect(parsed.payload, parsed.svixId).toEqual(JSON.parse(bytes.toString("utf8")));
      // The sender's own text, its CR and LF made spaces: not parsed and written again.
      expect(line, parsed.svixId).toContain(`,"payload":${bytes.toString("utf8").trim().replace(/[\r\n]/g, " ")}}`);
    }
    expect(text).toContain(`"first_name": "Zoë \\u00e9\\"q\\"", "emoji":"🦊"`);
  });

  it("pages by cursor in the list's order, across batches and equal timestamps", async () => {
    const handle = server.database;
    for (const [sort, dir] of [["timestamp", "desc"], ["timestamp", "asc"], ["received", "desc"]] as const) {
      const exported: string[] = [];
      for await (const batch of readExportBatches(handle, { filter: {}, sort, dir }, { batchSize: 7 })) exported.push(...batch.map((item) => item.event.id));
      const listed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listEvents(handle, { filter: { type: [] }, sort, dir, limit: 500, cursor });
        listed.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(exported).toEqual(listed);
      expect(exported).toHaveLength(sent.size);
    }
  });

  it("applies the event list's filters", async () => {
    const { text } = await exportText("type=user.*&format=ndjson", "viewer");
    const types = text.trimEnd().split("\n").map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types.length).toBeGreaterThan(1);
    expect(types.every((type) => type.startsWith("user."))).toBe(true);
    const bad = await exportText("format=xml", "viewer");
    expect(bad.response.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: "invalid_parameter", parameter: "format" });
    expect((await exportText("limit=5", "viewer")).response.status).toBe(400);
  });

  it("writes CSV with the list's columns and a summary", async () => {
    const { response, text } = await exportText("format=csv&resource=user_odd", "viewer");
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const [header, row, ...rest] = text.split("\r\n");
    expect(header).toBe(
      "id,svixId,type,knownType,timestamp,receivedAt,source,instanceId,resourceType,resourceId,userId,organizationId,subscriptionId,payerId,deliveryCount,outOfOrder,verifiedOutsideTolerance,summary",
    );
    expect(rest).toEqual([""]);
    expect(row).toContain(",user.updated,true,");
    expect(row).toContain("user_odd");
  });

  it("masks for viewers: codes hidden, no raw, 403 on /raw", async () => {
    const { text } = await exportText("format=ndjson", "viewer");
    expect(text).not.toContain(OTP);
    const email = text.split("\n").map((line) => (line ? (JSON.parse(line) as Record<string, any>) : null)).find((line) => line?.type === "email.created")!;
    expect(email.payload.data.body).toBe(REDACTED);
    expect(email).not.toHaveProperty("rawBody");
    const csv = await exportText("format=csv", "viewer");
    expect(csv.text).not.toContain(OTP);

    const refused = await exportText("format=ndjson&raw=1", "viewer");
    expect(refused.response.status).toBe(403);
    const raw = await call(rawApi, `/api/v1/deliveries/${ids.email}/raw`, tokens.viewer, { id: ids.email });
    expect(raw.status).toBe(403);
    expect(await call(rawApi, `/api/v1/deliveries/${ids.email}/raw`, undefined, { id: ids.email }).then((r) => r.status)).toBe(401);

    const detail = await call(deliveryApi, `/api/v1/deliveries/${ids.email}`, tokens.viewer, { id: ids.email });
    const body = (await detail.json()) as Record<string, any>;
    expect(detail.status).toBe(200);
    expect(JSON.stringify(body)).not.toContain(OTP);
    expect(body.body.kind).toBe("masked");
    expect(body.event).toMatchObject({ id: ids.emailEvent, type: "email.created" });
    expect(body.headers.find(([name]: [string, string]) => name === "svix-id")).toBeTruthy();
    const nonEnvelope = (await (await call(deliveryApi, `/api/v1/deliveries/${ids.nonUtf8}`, tokens.viewer, { id: ids.nonUtf8 })).json()) as Record<string, any>;
    expect(nonEnvelope.body.kind).toBe("hidden");
    expect(nonEnvelope.outcome).toBe("invalid_signature");
    expect((await call(deliveryApi, `/api/v1/deliveries/${ids.email}?reveal=true`, tokens.viewer, { id: ids.email })).status).toBe(403);
  });

  it("answers /raw with the exact bytes (non-UTF-8, odd whitespace), audited; truncated bodies say so", async () => {
    for (const [id, role] of [[ids.nonUtf8, "operator"], [ids.odd, "admin"], [ids.email, "operator"]] as const) {
      const before = await server.database.db.auditEntry.count({ where: { action: "delivery.raw", subject: id } });
      const response = await call(rawApi, `/api/v1/deliveries/${id}/raw`, tokens[role], { id });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/octet-stream");
      expect(response.headers.get("content-disposition")).toBe(`attachment; filename="delivery-${id}.bin"`);
      expect(response.headers.get("x-hookline-truncated")).toBe("false");
      const bytes = Buffer.from(await response.arrayBuffer());
      const stored = await server.database.db.delivery.findUniqueOrThrow({ where: { id }, select: STORED_BODY });
      expect(bytes.equals(bodyOf(stored))).toBe(true);
      expect(await server.database.db.auditEntry.count({ where: { action: "delivery.raw", subject: id } })).toBe(before + 1);
    }
    const odd = Buffer.from(await (await call(rawApi, `/raw`, tokens.operator, { id: ids.odd })).arrayBuffer());
    expect(odd.equals([...sent.values()].find((b) => b.includes("user_odd"))!)).toBe(true);
    const nonUtf8 = Buffer.from(await (await call(rawApi, `/raw`, tokens.operator, { id: ids.nonUtf8 })).arrayBuffer());
    expect(nonUtf8.equals(Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28, 0x80, 0x0a, 0x0d, 0xe2, 0x82]))).toBe(true);

    const truncated = await call(rawApi, `/raw`, tokens.operator, { id: ids.truncated });
    expect(truncated.headers.get("x-hookline-truncated")).toBe("true");
    expect((await truncated.arrayBuffer()).byteLength).toBe(64 * 1024);
    expect((await call(rawApi, `/raw`, tokens.operator, { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" })).status).toBe(404);
  });

  it("GET /api/v1/deliveries/:id: the list's fields, headers in arrival order, the event; reveal for operators is audited", async () => {
    const response = await call(deliveryApi, `/api/v1/deliveries/${ids.email}?reveal=true`, tokens.operator, { id: ids.email });
    const body = (await response.json()) as Record<string, any>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ id: ids.email, outcome: "verified", status: 200, truncated: false, eventId: ids.emailEvent, type: "email.created" });
    expect(body.headers.map(([name]: [string, string]) => name.toLowerCase())).toEqual(expect.arrayContaining(["content-type", "svix-id", "svix-timestamp", "svix-signature"]));
    expect(body.body.kind).toBe("text");
    expect(body.body.text).toContain(OTP);
    expect(await server.database.db.auditEntry.count({ where: { action: "delivery.reveal", subject: ids.email } })).toBe(1);
  });
});
