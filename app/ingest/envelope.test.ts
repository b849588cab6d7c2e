import { describe, expect, it } from "vitest";

import { jsonDepth, MAX_JSON_DEPTH, normaliseTimestamp, parseEnvelope } from "./envelope";

const bytes = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

describe("parseEnvelope", () => {
  it("accepts a Clerk envelope and normalises a seconds timestamp", () => {
    const parsed = parseEnvelope(bytes({ object: "event", type: "user.created", data: { id: "user_1" }, timestamp: 1716883200, instance_id: "ins_1" }), 0);
    expect(parsed).toMatchObject({ ok: true, timestampMs: 1716883200000, timestampInSeconds: true });
    expect(normaliseTimestamp(1654012591835)).toEqual({ ms: 1654012591835, inSeconds: false });
  });

  it("refuses what is not an envelope, saying why", () => {
    expect(parseEnvelope(bytes("[]"), 0)).toMatchObject({ ok: false, detail: expect.stringContaining("Not a Clerk envelope") });
    expect(parseEnvelope(bytes({ object: "event", type: "user.created", data: [] }), 0)).toMatchObject({ ok: false, detail: expect.stringContaining("data") });
    expect(parseEnvelope(Buffer.from([0xff, 0xfe]), 0)).toEqual({ ok: false, detail: "Body is not valid UTF-8" });
    for (const data of [undefined, null, "user_1", 3]) {
      expect(parseEnvelope(bytes({ object: "event", type: "user.created", data }), 0)).toEqual({
        ok: false,
        detail: "Not a Clerk envelope: data: Expected object",
      });
    }
  });

  it("keeps the payload's own data object (no copy) and unknown top-level keys", () => {
    const parsed = parseEnvelope(bytes({ object: "event", type: "user.created", data: { id: "user_1", nested: { a: 1 } }, extra: true }), 7);
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(parsed.envelope.data).toBe((parsed.json as { data: unknown }).data);
    expect(parsed.envelope).toMatchObject({ extra: true, data: { id: "user_1", nested: { a: 1 } } });
    expect(parsed.timestampMs).toBe(7);
  });

  it("refuses JSON nested 100,000 deep without recursing", () => {
    const deep = `{"object":"event","type":"user.created","data":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    expect(parseEnvelope(bytes(deep), 0)).toEqual({ ok: false, detail: `JSON is nested more than ${MAX_JSON_DEPTH} levels deep` });
    expect(jsonDepth({ a: [{ b: 1 }] })).toBe(3);
  });
});
