// Deliveries signed by the real `svix` library, as Svix signs Clerk's.
import crypto from "node:crypto";

import { Webhook } from "svix";

export function newSecret(): string {
  return `whsec_${crypto.randomBytes(24).toString("base64")}`;
}

export function newMsgId(): string {
  return `msg_${crypto.randomBytes(16).toString("hex")}`;
}

export function signedHeaders(
  secret: string,
  body: string | Buffer,
  options: { msgId?: string; timestamp?: Date } = {},
): Record<string, string> {
  const msgId = options.msgId ?? newMsgId();
  const timestamp = options.timestamp ?? new Date();
  const payload = typeof body === "string" ? body : body;
  return {
    "content-type": "application/json",
    "svix-id": msgId,
    "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "svix-signature": new Webhook(secret).sign(msgId, timestamp, payload),
  };
}

export function envelope(type: string, data: Record<string, unknown>, timestamp = Date.now()) {
  return { data, object: "event", type, timestamp, instance_id: "ins_test" };
}
