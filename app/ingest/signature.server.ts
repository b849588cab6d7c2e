// Svix signature verification, following the `svix` library's rules exactly:
// signed content `${svix-id}.${svix-timestamp}.${body}`, `whsec_`+base64 secrets,
// a space-separated list of `v1,<base64>` signatures, ±5 minutes of tolerance.
//
// The expected signature is made by svix's own `Webhook.sign`; we do not call
// `Webhook.verify` because it checks the timestamp *before* the signature, and an
// operator needs to know whether a late delivery was authentic (outcome
// `timestamp_out_of_tolerance`) or forged (`invalid_signature`). Re-verification of
// stored deliveries also needs the signature check without the clock.
// NOTE: https://docs.svix.com/receiving/verifying-payloads/how-manual
import crypto from "node:crypto";

import { Webhook } from "svix";

export const TOLERANCE_SECONDS = 5 * 60;

export type SignatureResult =
  | { ok: true; secretIndex: number; withinTolerance: true }
  | { ok: false; outcome: "invalid_signature" | "timestamp_out_of_tolerance"; detail: string; signatureValid: boolean };

export interface SignatureInput {
  secrets: readonly string[];
  svixId: string;
  svixTimestamp: string;
  svixSignature: string;
  body: Buffer;
  /** Seconds since the epoch; defaults to now. */
  nowSeconds?: number;
  /** Skip the clock check (re-verification reports it separately). */
  ignoreTolerance?: boolean;
}

const webhooks = new Map<string, Webhook | null>();

function webhookFor(secret: string): Webhook | null {
  let webhook = webhooks.get(secret);
  if (webhook === undefined) {
    try {
      webhook = new Webhook(secret);
    } catch {
      webhook = null; // a malformed configured secret matches nothing
    }
    if (webhooks.size > 1000) webhooks.clear();
    webhooks.set(secret, webhook);
  }
  return webhook;
}

/** The `v1` signatures in a `svix-signature` header; other versions are ignored, as svix does. */
export function v1Signatures(header: string): string[] {
  return header
    .split(" ")
    .map((entry) => entry.split(","))
    .filter(([version, signature]) => version === "v1" && signature !== undefined)
    .map(([, signature]) => signature!);
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time.
  if (left.length !== right.length) {
    crypto.timingSafeEqual(left, left);
    return false;
  }
  return crypto.timingSafeEqual(left, right);
}

/** Index of the first secret that signed this delivery, or -1. */
export function matchingSecretIndex(input: Omit<SignatureInput, "nowSeconds" | "ignoreTolerance">): number {
  const timestamp = Number(input.svixTimestamp);
  const signedAt = new Date(timestamp * 1000);
  if (Number.isNaN(signedAt.getTime())) return -1;
  const offered = v1Signatures(input.svixSignature);
  if (offered.length === 0) return -1;
  for (const [index, secret] of input.secrets.entries()) {
    const webhook = webhookFor(secret);
    if (!webhook) continue;
    const expected = webhook.sign(input.svixId, signedAt, input.body).split(",")[1]!;
    // Check every offered signature so the time spent does not depend on which matched.
    let matched = false;
    for (const signature of offered) matched = constantTimeEqual(signature, expected) || matched;
    if (matched) return index;
  }
  return -1;
}

export function verifySignature(input: SignatureInput): SignatureResult {
  if (!/^\d{1,12}$/.test(input.svixTimestamp)) {
    return {
      ok: false,
      outcome: "invalid_signature",
      detail: "svix-timestamp is not a Unix time in seconds",
      signatureValid: false,
    };
  }
  const secretIndex = matchingSecretIndex(input);
  if (secretIndex < 0) {
    return {
      ok: false,
      outcome: "invalid_signature",
      detail: `No configured secret (${input.secrets.length}) produces a matching v1 signature`,
      signatureValid: false,
    };
  }
  if (!input.ignoreTolerance) {
    const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
    const skew = Number(input.svixTimestamp) - now;
    if (Math.abs(skew) > TOLERANCE_SECONDS) {
      return {
        ok: false,
        outcome: "timestamp_out_of_tolerance",
        detail: `Signature valid, but svix-timestamp is ${Math.abs(skew)} s ${skew < 0 ? "old" : "in the future"} (tolerance ${TOLERANCE_SECONDS} s)`,
        signatureValid: true,
      };
    }
  }
  return { ok: true, secretIndex, withinTolerance: true };
}

/** Secrets from a `whsec_a whsec_b` or `whsec_a,whsec_b` list (rotation). */
export function parseSecretList(value: string | undefined | null): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((secret) => secret.trim())
    .filter(Boolean);
}
