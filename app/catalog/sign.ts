// Signs a request body the way Svix delivers Clerk webhooks, with the real `svix` library,
// so `hookline send`, tests and benchmarks produce exactly what ingest sees from Clerk.
import { Webhook } from "svix";

export interface SignOptions {
  /** Defaults to a fresh `msg_` id. */
  msgId?: string;
  /** Defaults to now. Svix signs whole seconds. */
  timestamp?: Date;
}

export interface SignedDelivery {
  msgId: string;
  /** Unix seconds, as sent in `svix-timestamp`. */
  timestamp: number;
  headers: Record<string, string>;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `msg_` and 27 random base62 characters, like the svix-id Clerk sends. */
export function newMessageId(): string {
  // 248 is the largest multiple of 62 below 256; rejecting bytes above it keeps the characters uniform.
  const chars: string[] = [];
  while (chars.length < 27) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      if (byte < 248 && chars.length < 27) chars.push(BASE62[byte % 62]);
    }
  }
  return `msg_${chars.join("")}`;
}

/**
 * Headers for one Svix delivery of `body`. Throws if `secret` is not a `whsec_`/base64 secret.
 * NOTE: the signature covers `${svix-id}.${svix-timestamp}.${body}`; send `body` byte for byte.
 */
export function signDelivery(secret: string, body: string, options: SignOptions = {}): SignedDelivery {
  const msgId = options.msgId ?? newMessageId();
  const at = options.timestamp ?? new Date();
  const signature = new Webhook(secret).sign(msgId, at, body);
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    msgId,
    timestamp,
    headers: {
      "content-type": "application/json",
      "svix-id": msgId,
      "svix-timestamp": String(timestamp),
      "svix-signature": signature,
    },
  };
}
