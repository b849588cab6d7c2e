// Re-signing for targets (DESIGN.md "Replay and forwarding"): the original raw bytes,
// signed with the *target's* secret by the real `svix` library, a fresh
// svix-timestamp, and the original svix-id unless the job asked for a new one.
import crypto from "node:crypto";

import { Webhook } from "svix";

export const USER_AGENT = "Hookline (+https://github.com/hookline; replay)";

/** A new target secret, in the form Svix and Clerk use: `whsec_` + base64 of 24 random bytes. */
export function generateTargetSecret(): string {
  return `whsec_${crypto.randomBytes(24).toString("base64")}`;
}

/** Why a pasted secret cannot be used, or null. */
export function targetSecretProblem(secret: string): string | null {
  if (!secret.startsWith("whsec_")) return "must start with whsec_";
  const encoded = secret.slice("whsec_".length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return "must be whsec_ followed by base64";
  if (Buffer.from(encoded, "base64").length < 16) return "is too short (at least 16 bytes of key)";
  try {
    new Webhook(secret);
  } catch {
    return "is not a valid Svix secret";
  }
  return null;
}

export interface SignedRequestHeaders {
  [name: string]: string;
  "svix-id": string;
  "svix-timestamp": string;
  "svix-signature": string;
}

/**
 * Headers for one send. `rawBody` must go out byte for byte.
 * NOTE: the signature covers `${svix-id}.${svix-timestamp}.${body}`
 * (https://docs.svix.com/receiving/verifying-payloads/how-manual).
 */
export function signForTarget(webhook: Webhook, svixId: string, rawBody: Buffer, now: Date = new Date()): SignedRequestHeaders {
  return {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "svix-id": svixId,
    "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
    "svix-signature": webhook.sign(svixId, now, rawBody),
  };
}

/** Header names an operator may not set: the signature, framing and hop-by-hop headers are ours. */
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "proxy-authorization",
  "user-agent",
]);

export function reservedHeaderProblem(name: string): string | null {
  const lower = name.toLowerCase();
  if (lower.startsWith("svix-") || lower.startsWith("webhook-")) return `${name} is set by the signature`;
  if (RESERVED_HEADERS.has(lower)) return `${name} is set by Hookline`;
  return null;
}
