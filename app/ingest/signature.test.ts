// The native HMAC signs exactly what svix's own `Webhook.sign` signs, for any bytes
// (invalid UTF-8 included) and any well-formed secret, and verifySignature accepts a
// real svix signature and refuses a changed byte, id or timestamp.
import crypto from "node:crypto";

import { Webhook } from "svix";
import { describe, expect, it } from "vitest";

import { expectedSignature, verifySignature } from "./signature.server";

const secret = () => `whsec_${crypto.randomBytes(24).toString("base64")}`;

const BODIES: Buffer[] = [
  Buffer.from(""),
  Buffer.from('{"data":{"id":"user_1"},"object":"event","type":"user.created"}'),
  Buffer.from("  {\n\t\"b\": 1,   \"a\" : [ 2 ,3 ] }\r\n"),
  Buffer.from('{"name":"Zoë 日本 ✓ 🚀","nul":"\\u0000"}'),
  Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // a byte order mark
  Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x7b, 0x7d]), // not UTF-8
  Buffer.from([0xe2, 0x82]), // a cut multi-byte sequence
  crypto.randomBytes(4096),
  Buffer.alloc(64 * 1024, 0x61),
];

describe("expectedSignature", () => {
  it("equals svix's Webhook.sign for every kind of body and secret", () => {
    for (let round = 0; round < 20; round++) {
      const key = secret();
      const webhook = new Webhook(key);
      const bodies = [...BODIES, crypto.randomBytes(1 + crypto.randomInt(3000))];
      for (const body of bodies) {
        const seconds = 1_600_000_000 + crypto.randomInt(200_000_000);
        const svixId = `msg_${crypto.randomBytes(8).toString("hex")}`;
        const bySvix = webhook.sign(svixId, new Date(seconds * 1000), body).slice("v1,".length);
        expect(expectedSignature(key, svixId, seconds, body)).toBe(bySvix);
      }
    }
  });

  it("is node:crypto's HMAC of the secret's bytes (not svix's pure-JavaScript fallback) for a well-formed secret", () => {
    const key = crypto.randomBytes(24);
    const body = Buffer.from('{"type":"user.created"}');
    const native = crypto.createHmac("sha256", key).update("msg_1.1700000000.").update(body).digest("base64");
    expect(expectedSignature(`whsec_${key.toString("base64")}`, "msg_1", 1_700_000_000, body)).toBe(native);
  });

  it("gives null for a secret svix refuses", () => {
    expect(expectedSignature("whsec_not*base64!", "msg_1", 1_700_000_000, Buffer.from("{}"))).toBeNull();
  });
});

describe("verifySignature", () => {
  const key = secret();
  const webhook = new Webhook(key);
  const now = Math.floor(Date.now() / 1000);
  const body = Buffer.from('{"data":{"id":"user_2"},"object":"event","type":"user.updated","timestamp":1}');
  const signature = webhook.sign("msg_real", new Date(now * 1000), body);
  const input = { secrets: ["whsec_" + crypto.randomBytes(24).toString("base64"), key], svixId: "msg_real", svixTimestamp: String(now), svixSignature: `v1,bogus ${signature}`, body };

  it("accepts svix's signature, naming the secret that made it", () => {
    expect(verifySignature(input)).toEqual({ ok: true, secretIndex: 1, withinTolerance: true });
  });

  it("refuses a changed byte, id or timestamp", () => {
    const changed = Buffer.from(body);
    changed[changed.length - 2] ^= 1;
    for (const altered of [{ body: changed }, { svixId: "msg_other" }, { svixTimestamp: String(now + 1) }]) {
      expect(verifySignature({ ...input, ...altered })).toMatchObject({ ok: false, outcome: "invalid_signature" });
    }
  });

  it("tells a late authentic delivery from a forged one", () => {
    const old = now - 3600;
    const late = webhook.sign("msg_late", new Date(old * 1000), body);
    expect(verifySignature({ ...input, svixId: "msg_late", svixTimestamp: String(old), svixSignature: late })).toMatchObject({
      ok: false,
      outcome: "timestamp_out_of_tolerance",
      signatureValid: true,
    });
  });
});
