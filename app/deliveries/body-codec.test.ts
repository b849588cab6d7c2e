// The stored form of a delivery body (ADR 0017): whatever form is chosen, decodeBody()
// gives back the bytes as received, byte for byte.
import crypto from "node:crypto";

import { describe, expect, it } from "vitest";

import { buildSamples } from "~/catalog/samples";
import { BODY_AS_RECEIVED, BODY_DEFLATE_1, bodyOf, chooseEncoding, decodeBody, encodeBody } from "./body-codec.server";

const sampleBodies = () => buildSamples("all", { count: 2, seed: 17 }).map((envelope) => Buffer.from(JSON.stringify(envelope)));

describe("delivery body codec", () => {
  it("gives back every catalog sample byte for byte", () => {
    const bodies = sampleBodies();
    expect(bodies.length).toBeGreaterThan(50);
    for (const body of bodies) {
      const stored = encodeBody(body);
      expect(decodeBody(stored.bytes, stored.encoding).equals(body)).toBe(true);
      // As a Prisma row read with STORED_BODY.
      expect(bodyOf({ rawBody: new Uint8Array(stored.bytes), bodyEncoding: stored.encoding }).equals(body)).toBe(true);
    }
  });

  it("stores a typical body compressed, in well under half its size", () => {
    const bodies = sampleBodies();
    const encoded = bodies.map(encodeBody);
    expect(encoded.every((e) => e.encoding === BODY_DEFLATE_1)).toBe(true);
    const sent = bodies.reduce((sum, b) => sum + b.length, 0);
    const stored = encoded.reduce((sum, e) => sum + e.bytes.length, 0);
    expect(stored).toBeLessThan(sent * 0.4);
    // And one ordinary user.created on its own, not only on average.
    const user = Buffer.from(JSON.stringify(buildSamples("user.created", { count: 1, seed: 3 })[0]));
    expect(encodeBody(user).bytes.length).toBeLessThan(user.length / 2);
  });

  it("keeps an empty body empty, as received", () => {
    const stored = encodeBody(new Uint8Array(0));
    expect(stored.encoding).toBe(BODY_AS_RECEIVED);
    expect(stored.bytes.length).toBe(0);
    expect(decodeBody(stored.bytes, stored.encoding).length).toBe(0);
  });

  it("keeps a tiny or incompressible body as received", () => {
    for (const body of [Buffer.from("{}"), Buffer.from("x"), crypto.randomBytes(4096)]) {
      const stored = encodeBody(body);
      expect(stored.encoding, `${body.length} bytes`).toBe(BODY_AS_RECEIVED);
      expect(stored.bytes.equals(body)).toBe(true);
      expect(decodeBody(stored.bytes, stored.encoding).equals(body)).toBe(true);
    }
  });

  it("keeps the body as received when the compressed candidate is missing or not smaller", () => {
    const body = Buffer.from("a".repeat(500));
    expect(chooseEncoding(body, null)).toMatchObject({ encoding: BODY_AS_RECEIVED });
    expect(chooseEncoding(body, Buffer.alloc(500)).encoding).toBe(BODY_AS_RECEIVED);
    expect(chooseEncoding(body, Buffer.alloc(499)).encoding).toBe(BODY_DEFLATE_1);
  });

  it("gives back bytes that are not UTF-8", () => {
    // Invalid sequences, NUL, lone surrogates' bytes, CR LF: repeated so that it compresses.
    const odd = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28, 0x80, 0x0a, 0x0d, 0xe2, 0x82, 0xed, 0xa0, 0x80]);
    const body = Buffer.concat(Array.from({ length: 40 }, () => odd));
    const stored = encodeBody(body);
    expect(stored.encoding).toBe(BODY_DEFLATE_1);
    expect(decodeBody(stored.bytes, stored.encoding).equals(body)).toBe(true);
    const short = encodeBody(odd);
    expect(decodeBody(short.bytes, short.encoding).equals(odd)).toBe(true);
  });

  it("reads the encoding as a number or a BigInt (SQLite may return either), and null as received", () => {
    const body = sampleBodies()[0]!;
    const stored = encodeBody(body);
    expect(decodeBody(stored.bytes, BigInt(stored.encoding)).equals(body)).toBe(true);
    expect(decodeBody(body, null).equals(body)).toBe(true);
  });

  it("refuses an encoding it does not know rather than return the stored bytes", () => {
    const stored = encodeBody(sampleBodies()[0]!);
    expect(() => decodeBody(stored.bytes, 2)).toThrow(/Unknown body encoding 2/);
    expect(() => decodeBody(Buffer.from("{}"), 99)).toThrow(/Unknown body encoding 99/);
  });
});
