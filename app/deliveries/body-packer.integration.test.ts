// The compaction's compression thread (ADR 0017), a real worker thread: what it hands back
// decodes to the bodies and headers it was given, in order, and when the thread goes
// away a waiting batch resolves with nulls (left as received) instead of failing.
import crypto from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import { signedHeaders } from "../../tests/support/svix";
import { buildSamples } from "~/catalog/samples";
import { BODY_DEFLATE_1, decodeBody, decodeHeaders } from "~/deliveries/body-codec.server";
import { BodyPacker, type Packed } from "./body-packer.server";

const SECRET = `whsec_${crypto.randomBytes(24).toString("base64")}`;

const bodies = () => buildSamples("all", { count: 1, seed: 5 }).map((envelope) => Buffer.from(JSON.stringify(envelope)));
/** Headers JSON as ingest stores it (pairs in arrival order) for a body. */
const headersOf = (body: Buffer) => JSON.stringify(Object.entries({ "user-agent": "Svix-Webhooks/1.24.0", ...signedHeaders(SECRET, body) }));

/** Every body and headers of a batch came back compressed and decode to what was sent. */
function expectPacked(packed: Packed, sentBodies: Buffer[], sentHeaders: string[]) {
  expect(packed.bodies).toHaveLength(sentBodies.length);
  expect(packed.headers).toHaveLength(sentHeaders.length);
  sentBodies.forEach((body, i) => {
    if (body.length === 0) {
      expect(packed.bodies[i], `body ${i}`).toBeNull();
      return;
    }
    expect(packed.bodies[i], `body ${i}`).not.toBeNull();
    expect(packed.bodies[i]!.byteLength).toBeLessThan(body.length);
    expect(decodeBody(packed.bodies[i]!, BODY_DEFLATE_1).equals(body), `body ${i}`).toBe(true);
  });
  sentHeaders.forEach((json, i) => expect(decodeHeaders(packed.headers[i]!), `headers ${i}`).toBe(json));
}

describe("BodyPacker", () => {
  const packers: BodyPacker[] = [];
  // A long wait: these tests check what the thread hands back, not whether it is late
  // under the suite's load (the last test covers that).
  const newPacker = (waitMs = 10_000) => {
    const packer = new BodyPacker(waitMs);
    packers.push(packer);
    return packer;
  };
  afterEach(async () => {
    await Promise.all(packers.splice(0).map((packer) => packer.close()));
  });

  it("compresses each body of a batch, in order; an empty body comes back as null", async () => {
    const packer = newPacker();
    const samples = bodies();
    const notUtf8 = Buffer.concat(Array.from({ length: 30 }, () => Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0d, 0x0a])));
    const batch = [...samples.slice(0, 5), Buffer.alloc(0), notUtf8, ...samples.slice(5)];
    const headers = batch.map(headersOf);
    const packed = await packer.pack(batch, headers);
    expect(packed.bodies[5]).toBeNull();
    expectPacked(packed, batch, headers);
  });

  it("answers several batches in flight, each with its own bodies", async () => {
    const packer = newPacker();
    const samples = bodies();
    const batches = [samples.slice(0, 3), samples.slice(3, 4), samples.slice(4, 20)];
    const headers = batches.map((batch) => batch.map(headersOf));
    const answers = await Promise.all(batches.map((batch, b) => packer.pack(batch, headers[b]!)));
    answers.forEach((packed, b) => expectPacked(packed, batches[b]!, headers[b]!));
    expect(await packer.pack([], [])).toEqual({ bodies: [], headers: [] });
  });

  it("starts a new thread after close(), and it still works", async () => {
    const packer = newPacker();
    const [first, second] = bodies();
    const headers = [headersOf(first!)];
    expectPacked(await packer.pack([first!], headers), [first!], headers);
    await packer.close();
    const batch = [second!, first!];
    const batchHeaders = batch.map(headersOf);
    expectPacked(await packer.pack(batch, batchHeaders), batch, batchHeaders);
  });

  it("resolves a batch waiting when the thread is stopped with nulls, never rejecting", async () => {
    const packer = newPacker();
    // Big enough that the thread is still at it when close() stops it.
    const batch = Array.from({ length: 64 }, () => Buffer.from(crypto.randomBytes(32 * 1024).toString("hex")));
    const waiting = packer.pack(batch, batch.map(() => "[]"));
    const small = bodies().slice(0, 2);
    const smallHeaders = small.map(headersOf);
    const waitingToo = packer.pack(small, smallHeaders);
    await packer.close();
    await expect(waiting).resolves.toEqual({ bodies: batch.map(() => null), headers: batch.map(() => null) });
    await expect(waitingToo).resolves.toEqual({ bodies: [null, null], headers: [null, null] });
    // The packer is still usable: the next batch gets a thread of its own.
    expectPacked(await packer.pack(small, smallHeaders), small, smallHeaders);
  });

  it("gives up on a batch the thread does not answer within the wait (nulls), and counts it", async () => {
    const packer = newPacker(0);
    packer.start();
    // Far more work than a 0 ms wait allows (~100 ms of deflate).
    const batch = Array.from({ length: 64 }, () => Buffer.from(crypto.randomBytes(32 * 1024).toString("hex")));
    const packed = await packer.pack(batch, batch.map(() => "[]"));
    expect(packed).toEqual({ bodies: batch.map(() => null), headers: batch.map(() => null) });
    expect(packer.late).toBe(64);
  });
});
