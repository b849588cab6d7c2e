import { Webhook } from "svix";
import { describe, expect, it } from "vitest";

import { newMessageId, signDelivery } from "./sign";

const SECRET = `whsec_${Buffer.from("a 24-byte test key......").toString("base64")}`;
const OTHER_SECRET = `whsec_${Buffer.from("another 24-byte test key").toString("base64")}`;
const BODY = JSON.stringify({ data: { id: "user_1" }, object: "event", type: "user.created", timestamp: 1, instance_id: "ins_1" });

describe("signDelivery", () => {
  it("produces headers the svix library accepts with the same secret", () => {
    const { headers } = signDelivery(SECRET, BODY);
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it("is rejected with another secret or another body", () => {
    const { headers } = signDelivery(SECRET, BODY);
    expect(() => new Webhook(OTHER_SECRET).verify(BODY, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(SECRET).verify(BODY.replace("user_1", "user_2"), headers)).toThrow(/No matching signature/);
  });

  it("uses the given message id and signs whole seconds", () => {
    const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
    const signed = signDelivery(SECRET, BODY, { msgId: "msg_fixed", timestamp: at });
    expect(signed.msgId).toBe("msg_fixed");
    expect(signed.timestamp).toBe(Math.floor(at.getTime() / 1000));
    expect(signed.headers).toMatchObject({
      "content-type": "application/json",
      "svix-id": "msg_fixed",
      "svix-timestamp": String(signed.timestamp),
    });
    expect(signed.headers["svix-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    // Deterministic for the same inputs: benchmarks can pre-sign.
    expect(signDelivery(SECRET, BODY, { msgId: "msg_fixed", timestamp: at }).headers).toEqual(signed.headers);
  });

  it("refuses a secret that is not base64", () => {
    expect(() => signDelivery("whsec_not base64!", BODY)).toThrow();
  });
});

describe("newMessageId", () => {
  it("looks like a Svix message id and does not repeat", () => {
    const ids = Array.from({ length: 500 }, newMessageId);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9A-Za-z]{27}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
