// The hostile and broken input corpus: well over 200 requests that must each get a
// documented 4xx (503 only when the database is down), be recorded as a delivery
// where the design says so, and leave the server up with bounded memory.
import crypto from "node:crypto";
import zlib from "node:zlib";

import { Webhook } from "svix";

import { buildSamples } from "~/catalog/samples";
import type { RawRequest } from "./raw-http";

export interface HostileCase {
  name: string;
  request: RawRequest;
  /** Statuses the design allows for it. */
  statuses: number[];
  /** Must a Delivery row exist for it (found by its x-request-id)? */
  recorded: boolean;
  /** The outcome its delivery must have, when recorded. */
  outcome?: string;
}

export interface CorpusOptions {
  secret: string;
  maxBodyBytes: number;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function sign(secret: string, id: string, timestamp: number | string, body: Buffer | string): string {
  return new Webhook(secret).sign(id, new Date(Number(timestamp) * 1000), Buffer.isBuffer(body) ? body : Buffer.from(body));
}

const validBody = (n: number) =>
  JSON.stringify({ data: { id: `user_hostile${n}`, object: "user" }, object: "event", type: "user.updated", timestamp: Date.now(), instance_id: "ins_h" });

export function buildCorpus({ secret, maxBodyBytes }: CorpusOptions): HostileCase[] {
  const cases: HostileCase[] = [];
  let n = 0;
  const add = (c: Omit<HostileCase, "request"> & { request: RawRequest }) => {
    const requestId = `hostile-${++n}`;
    cases.push({ ...c, request: { ...c.request, headers: [["x-request-id", requestId], ...(c.request.headers ?? [])] } });
  };
  const signedHeaders = (body: Buffer | string, id = `msg_h${crypto.randomBytes(6).toString("hex")}`, ts: number | string = nowSeconds()): [string, string][] => [
    ["content-type", "application/json"],
    ["svix-id", id],
    ["svix-timestamp", String(ts)],
    ["svix-signature", sign(secret, id, ts, body)],
  ];

  // 1. Missing headers: every subset of the three, on three kinds of body.
  const names = ["svix-id", "svix-timestamp", "svix-signature"];
  for (const body of [validBody(1), "", "not json"]) {
    for (let mask = 0; mask < 7; mask++) {
      const headers = signedHeaders(body).filter(([k], i) => k === "content-type" || (mask >> (i - 1)) & 1);
      add({ name: `missing headers (mask ${mask}) on ${JSON.stringify(body.slice(0, 10))}`, request: { path: "/webhooks/clerk", headers, body }, statuses: [400], recorded: true, outcome: "missing_headers" });
    }
  }

  // 2. Duplicated headers.
  {
    const body = validBody(2);
    const h = signedHeaders(body);
    const dup = (name: string, value: string) => [...signedHeaders(body), [name, value]] as [string, string][];
    add({ name: "svix-id twice", request: { path: "/webhooks/clerk", headers: dup("svix-id", "msg_other"), body }, statuses: [401], recorded: true, outcome: "invalid_signature" });
    add({ name: "svix-timestamp twice", request: { path: "/webhooks/clerk", headers: dup("svix-timestamp", "1"), body }, statuses: [401], recorded: true, outcome: "invalid_signature" });
    add({ name: "svix-signature twice (garbage first)", request: { path: "/webhooks/clerk", headers: [...h.filter(([k]) => k !== "svix-signature"), ["svix-signature", "v1,AAAA"], h.find(([k]) => k === "svix-signature")!], body }, statuses: [200], recorded: true, outcome: "verified" });
    add({ name: "content-type twice", request: { path: "/webhooks/clerk", headers: dup("content-type", "text/html"), body }, statuses: [200], recorded: true, outcome: "verified" });
    add({ name: "webhook-* and svix-* disagree", request: { path: "/webhooks/clerk", headers: [...signedHeaders(body), ["webhook-id", "msg_x"], ["webhook-signature", "v1,AAAA"]], body }, statuses: [200], recorded: true, outcome: "verified" });
    add({ name: "content-length twice, different", request: { raw: Buffer.from(`POST /webhooks/clerk HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`), path: "" }, statuses: [400], recorded: false });
  }

  // 3. Oversized and numerous headers (Node refuses more than 16 KiB of head: 431).
  add({ name: "one 20 KiB header", request: { path: "/webhooks/clerk", headers: [["x-big", "a".repeat(20 * 1024)]], body: "{}" }, statuses: [431], recorded: false });
  add({ name: "20 KiB svix-signature", request: { path: "/webhooks/clerk", headers: [["svix-id", "msg_1"], ["svix-timestamp", String(nowSeconds())], ["svix-signature", "v1,".padEnd(20 * 1024, "A")]], body: "{}" }, statuses: [431], recorded: false });
  add({ name: "3000 small headers", request: { path: "/webhooks/clerk", headers: Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, "1"] as [string, string]), body: "{}" }, statuses: [431], recorded: false });
  add({ name: "10 KiB svix-id", request: { path: "/webhooks/clerk", headers: [["svix-id", "m".repeat(10 * 1024)], ["svix-timestamp", String(nowSeconds())], ["svix-signature", "v1,AAAA"]], body: "{}" }, statuses: [401], recorded: true, outcome: "invalid_signature" });

  // 4. Signature header shapes (on a valid body and id), all unverifiable.
  const signatures = [
    "", " ", "v1", "v1,", ",", "v1,,", "v2,abc", "v1a,abc", "V1,abc", "v1,not base64!!", "v1,====", "v1,\u00e9\u00e8", "v1;abc", "v1 abc",
    "v1,abc v1,def", "  v1,abc  ", "v1,abc\t", "v0," + "A".repeat(44), "v1," + "A".repeat(44), "v1," + "A".repeat(43), "v1," + "A".repeat(4000),
    Array.from({ length: 300 }, () => "v1,AAAA").join(" "), "v1,%41%41", "v1,AAAA=,", "whsec_abc", "null", "undefined", "[object Object]",
  ];
  for (const signature of signatures) {
    const body = validBody(4);
    const h = signedHeaders(body).filter(([k]) => k !== "svix-signature");
    const status = signature.trim() === "" ? [400] : [401];
    add({ name: `signature ${JSON.stringify(signature.slice(0, 30))}`, request: { path: "/webhooks/clerk", headers: [...h, ["svix-signature", signature]], body }, statuses: status, recorded: true, outcome: status[0] === 400 ? "missing_headers" : "invalid_signature" });
  }
  // Valid signature with extra spaces around and among entries: svix splits on single spaces, and so does Hookline.
  {
    const body = validBody(5);
    for (const shape of [(g: string) => `${g} `, (g: string) => ` ${g}`, (g: string) => `v1,AAAA  ${g}`, (g: string) => `v2,xyz ${g}`]) {
      const h = signedHeaders(body);
      const variant = shape(h.find(([k]) => k === "svix-signature")![1]);
      add({ name: `valid signature with spacing ${JSON.stringify(variant.slice(0, 12))}`, request: { path: "/webhooks/clerk", headers: [...h.filter(([k]) => k !== "svix-signature"), ["svix-signature", variant]], body }, statuses: [200], recorded: true, outcome: "verified" });
    }
  }

  // 5. Timestamps: each correctly signed for the value sent where that is possible.
  const timestamps = ["99999999999999999999", "-1", "-1700000000", "abc", "1e10", "1700000000.5", "0x10", " 1700000000", "0", "1", String(nowSeconds() - 400), String(nowSeconds() + 400), String(nowSeconds() - 86400 * 365), "9999999999", "٣"];
  for (const ts of timestamps) {
    const body = validBody(6);
    const id = `msg_ts${crypto.randomBytes(4).toString("hex")}`;
    const numeric = /^\d+$/.test(ts) && Number(ts) < 1e11;
    const headers: [string, string][] = [["svix-id", id], ["svix-timestamp", ts], ["svix-signature", numeric ? sign(secret, id, ts, body) : "v1,AAAA"]];
    add({ name: `timestamp ${JSON.stringify(ts)}`, request: { path: "/webhooks/clerk", headers, body }, statuses: [401], recorded: true, outcome: numeric ? "timestamp_out_of_tolerance" : "invalid_signature" });
  }

  // 6. Bodies, correctly signed: what verifies but is not a Clerk envelope.
  const bodies: [string, Buffer | string][] = [
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ["lone surrogate bytes", Buffer.from([0xed, 0xa0, 0x80])],
    ["JSON nested 100,000 deep", `{"object":"event","type":"user.updated","data":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`],
    ["objects nested 10,000 deep", `{"object":"event","type":"user.updated","data":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`],
    ["empty", ""], ["whitespace", "   "], ["null", "null"], ["number", "42"], ["string", '"event"'], ["array", "[]"], ["array of envelopes", `[${validBody(7)}]`],
    ["object without type", '{"object":"event","data":{}}'], ["type is a number", '{"object":"event","type":1,"data":{}}'], ["empty type", '{"object":"event","type":"","data":{}}'],
    ["data is null", '{"object":"event","type":"user.created","data":null}'], ["data is a string", '{"object":"event","type":"user.created","data":"x"}'],
    ["object is not event", '{"object":"list","type":"user.created","data":{}}'], ["timestamp is a string", '{"object":"event","type":"user.created","data":{},"timestamp":"now"}'],
    ["trailing garbage", `${validBody(8)}garbage`], ["truncated JSON", validBody(10).slice(0, 40)],
    ["NaN literal", '{"object":"event","type":"user.created","data":{"x":NaN}}'], ["single quotes", "{'object':'event'}"], ["XML", "<event><type>user.created</type></event>"],
    ["form encoded", "object=event&type=user.created"], ["gzip-compressed envelope", zlib.gzipSync(validBody(11))], ["a NUL byte", `{"object":"event"\u0000}`],
    ["type is 300 characters", JSON.stringify({ object: "event", type: "x".repeat(300), data: {} })],
  ];
  for (const [name, body] of bodies) {
    add({ name: `signed body: ${name}`, request: { path: "/webhooks/clerk", headers: signedHeaders(body), body }, statuses: [400], recorded: true, outcome: "malformed_payload" });
  }
  // NOTE: RFC 8259 lets a parser ignore a byte order mark; TextDecoder drops it, and the stored bytes keep it.
  const bom = `\ufeff${validBody(9)}`;
  add({ name: "signed body with a byte order mark", request: { path: "/webhooks/clerk", headers: signedHeaders(bom), body: bom }, statuses: [200], recorded: true, outcome: "verified" });

  // The same bodies unsigned (a wrong secret): invalid_signature, still kept.
  for (const [name, body] of bodies) {
    const headers = signedHeaders(body).filter(([k]) => k !== "svix-signature");
    add({ name: `unsigned body: ${name}`, request: { path: "/webhooks/clerk", headers: [...headers, ["svix-signature", "v1," + crypto.randomBytes(32).toString("base64")]], body }, statuses: [401], recorded: true, outcome: "invalid_signature" });
  }

  // 7. Size: just over the limit, and 50 MB (read only up to the limit; first 64 KiB kept).
  add({ name: "one byte over the size limit", request: { path: "/webhooks/clerk", headers: signedHeaders("x"), body: Buffer.alloc(maxBodyBytes + 1, 0x61) }, statuses: [413], recorded: true, outcome: "body_too_large" });
  add({ name: "a 50 MB body", request: { path: "/webhooks/clerk", headers: signedHeaders("x"), body: Buffer.alloc(50 * 1024 * 1024, 0x62) }, statuses: [413], recorded: true, outcome: "body_too_large" });
  add({ name: "Content-Length claims 50 MB, sends 10 bytes and stalls", request: { path: "/webhooks/clerk", headers: [["content-length", String(50 * 1024 * 1024)]], body: "0123456789" }, statuses: [408], recorded: false });

  // 8. Slowloris: a body one byte at a time (the test server's request timeout is short).
  add({ name: "body one byte per 300 ms (slowloris)", request: { path: "/webhooks/clerk", headers: signedHeaders(validBody(12)), body: validBody(12), trickle: { chunkBytes: 1, pauseMs: 300 } }, statuses: [408], recorded: false });
  add({ name: "headers one byte per 300 ms", request: { path: "/webhooks/clerk", headers: signedHeaders("{}"), body: "{}", trickle: { chunkBytes: 1, pauseMs: 300 } }, statuses: [408], recorded: false });

  // 9. Chunked and compressed transfers.
  {
    const body = validBody(13);
    const chunked = Buffer.from(`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    add({ name: "valid chunked body", request: { path: "/webhooks/clerk", headers: [...signedHeaders(body), ["transfer-encoding", "chunked"]], body: chunked }, statuses: [200], recorded: true, outcome: "verified" });
    add({ name: "chunked with a bad chunk size", request: { path: "/webhooks/clerk", headers: [...signedHeaders(body), ["transfer-encoding", "chunked"]], body: "zz\r\nabc\r\n0\r\n\r\n" }, statuses: [400], recorded: false });
    add({ name: "chunked and content-length", request: { path: "/webhooks/clerk", headers: [...signedHeaders(body), ["transfer-encoding", "chunked"], ["content-length", "5"]], body: chunked }, statuses: [400], recorded: false });
    add({ name: "transfer-encoding gzip", request: { path: "/webhooks/clerk", headers: [...signedHeaders(body), ["transfer-encoding", "gzip"]], body }, statuses: [400], recorded: false });
    const gz = zlib.gzipSync(body);
    add({ name: "content-encoding gzip, signed over the plain JSON", request: { path: "/webhooks/clerk", headers: [...signedHeaders(body), ["content-encoding", "gzip"]], body: gz }, statuses: [401], recorded: true, outcome: "invalid_signature" });
    add({ name: "content-encoding gzip, signed over the gzip bytes", request: { path: "/webhooks/clerk", headers: [...signedHeaders(gz), ["content-encoding", "gzip"]], body: gz }, statuses: [400], recorded: true, outcome: "malformed_payload" });
    add({ name: "content-encoding br, garbage", request: { path: "/webhooks/clerk", headers: [["content-encoding", "br"], ["svix-id", "msg_1"], ["svix-timestamp", "1"], ["svix-signature", "v1,AAAA"]], body: crypto.randomBytes(100) }, statuses: [401], recorded: true });
  }

  // 10. Wrong methods and content types.
  for (const method of ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) {
    add({ name: `${method} /webhooks/clerk`, request: { method, path: "/webhooks/clerk", headers: signedHeaders(validBody(14)), body: method === "GET" || method === "HEAD" ? "" : validBody(14) }, statuses: [405], recorded: false });
  }
  // Node closes a CONNECT without an answer when nobody handles tunnels (status 0 here).
  add({ name: "CONNECT", request: { raw: Buffer.from("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n"), path: "" }, statuses: [0, 400], recorded: false });
  add({ name: "not HTTP at all", request: { raw: Buffer.from("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"), path: "" }, statuses: [400], recorded: false });
  add({ name: "HTTP/0.9 style", request: { raw: Buffer.from("POST /webhooks/clerk\r\n\r\n"), path: "" }, statuses: [400], recorded: false });
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=utf-16", "*/*", ""]) {
    const body = validBody(15);
    add({ name: `unsigned, content-type ${JSON.stringify(type)}`, request: { path: "/webhooks/clerk", headers: [["content-type", type], ["svix-id", "msg_ct"], ["svix-timestamp", String(nowSeconds())], ["svix-signature", "v1,AAAA"]], body }, statuses: [401], recorded: true, outcome: "invalid_signature" });
  }

  // 11. The source slug: traversal, encodings, odd characters (no such source: 404, still kept).
  const slugs = ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "clerk%00", "clerk%2F..%2Fclerk", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "CLERK", "clerk ", "%E2%80%AE", "c".repeat(300), "%ZZ", "clerk;drop table", "clerk'--", "%252e%252e"];
  for (const slug of slugs) {
    const body = validBody(16);
    add({ name: `source slug ${JSON.stringify(slug.slice(0, 30))}`, request: { path: `/webhooks/${slug.replace(/ /g, "%20")}`, headers: signedHeaders(body), body }, statuses: [404], recorded: true, outcome: "unknown_source" });
  }
  add({ name: "nested path /webhooks/clerk/extra", request: { path: "/webhooks/clerk/extra", headers: signedHeaders(validBody(17)), body: validBody(17) }, statuses: [404], recorded: false });
  add({ name: "an 8 KiB path", request: { path: `/webhooks/${"a".repeat(8 * 1024)}`, headers: signedHeaders(validBody(18)), body: validBody(18) }, statuses: [404], recorded: true, outcome: "unknown_source" });

  // 12. Signed with the right secret in the wrong form, or a different one.
  const oneCharOff = secret.slice(0, 10) + (secret[10] === "A" ? "B" : "A") + secret.slice(11);
  for (const variant of [secret.replace("whsec_", ""), "whsec_" + Buffer.from("wrong").toString("base64"), "whsec_", "whsec_!!!", oneCharOff]) {
    const body = validBody(19);
    const id = "msg_secret" + crypto.randomBytes(3).toString("hex");
    const ts = nowSeconds();
    let signature = "v1,AAAA";
    try {
      signature = sign(variant, id, ts, body);
    } catch {
      // an unusable secret signs nothing
    }
    const sameKey = variant === secret.replace("whsec_", "");
    add({ name: `signed with secret variant ${JSON.stringify(variant.slice(0, 12))}`, request: { path: "/webhooks/clerk", headers: [["svix-id", id], ["svix-timestamp", String(ts)], ["svix-signature", signature]], body }, statuses: sameKey ? [200] : [401], recorded: true, outcome: sameKey ? "verified" : "invalid_signature" });
  }
  // 13. Forgeries of realistic Clerk events: one event's signature on another's body,
  // and single-byte tampering at different places of a signed body.
  const samples = buildSamples("all", { seed: 99 }).map((e) => JSON.stringify(e));
  for (let i = 0; i < 30; i++) {
    const signedFor = samples[i]!;
    const sent = samples[(i + 1) % samples.length]!;
    const id = `msg_forge${i}`;
    const ts = nowSeconds();
    add({ name: `signature of ${JSON.parse(signedFor).type} on ${JSON.parse(sent).type}`, request: { path: "/webhooks/clerk", headers: [["svix-id", id], ["svix-timestamp", String(ts)], ["svix-signature", sign(secret, id, ts, signedFor)]], body: sent }, statuses: [401], recorded: true, outcome: "invalid_signature" });
  }
  for (let i = 0; i < 10; i++) {
    const body = Buffer.from(samples[30 + i]!);
    const headers = signedHeaders(body);
    const tampered = Buffer.from(body);
    const at = Math.floor((i / 10) * tampered.length);
    tampered[at] = tampered[at]! ^ 0x01;
    add({ name: `one bit flipped at byte ${at} of a signed ${JSON.parse(samples[30 + i]!).type}`, request: { path: "/webhooks/clerk", headers, body: tampered }, statuses: [401], recorded: true, outcome: "invalid_signature" });
  }
  return cases;
}
