// Svix signature verification, following the `svix` library's rules exactly:
// signed content `${svix-id}.${svix-timestamp}.${body}`, `whsec_`+base64 secrets,
// a space-separated list of `v1,<base64>` signatures, ±5 minutes of tolerance.
//
// The expected signature is an HMAC-SHA256 made by node:crypto, checked against svix's
// own `Webhook.sign` for every secret before it is trusted (signerFor): svix's signer is
// pure JavaScript, 28–36 µs per 1.2 KB body against 4–5 µs, about 7 % of ingest's main
// thread per delivery (docs/benchmarks.md, Postgres ingest, stop 20). We do not call `Webhook.verify` because it
// checks the timestamp *before* the signature, and an operator needs to know whether a
// late delivery was authentic (outcome `timestamp_out_of_tolerance`) or forged
// (`invalid_signature`). Re-verification of stored deliveries also needs the signature
// check without the clock.
// NOTE: https://docs.svix.com/receiving/verifying-payloads/how-manual
import { Buffer, isUtf8 } from "node:buffer";
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

/** The base64 `v1` signature of `${svixId}.${timestamp}.${body}`. */
type Signer = (svixId: string, timestampSeconds: number, body: Buffer) => string;

const signers = new Map<string, Signer | null>();

/**
 * svix signs the body as text: a Buffer is decoded as UTF-8 (invalid sequences become
 * U+FFFD) and encoded again. Valid UTF-8 goes through unchanged, so only the rest is
 * re-encoded here, to sign exactly what svix signs.
 */
function asSvixSigns(body: Buffer): Buffer {
  return isUtf8(body) ? body : Buffer.from(body.toString("utf8"), "utf8");
}

const PROBE = { svixId: "msg_hookline_probe", seconds: 1_700_000_000, body: Buffer.from('{"probe":"é\\u0000 ✓"}') };

/**
 * The signer for one configured secret, or null for a malformed secret (it matches
 * nothing). svix parses the secret (`whsec_` prefix, base64); the native HMAC is used
 * only when it signs a probe exactly as svix does, and svix's signer otherwise.
 */
function signerFor(secret: string): Signer | null {
  let signer = signers.get(secret);
  if (signer !== undefined) return signer;
  let webhook: Webhook | null = null;
  try {
    webhook = new Webhook(secret);
  } catch {
    webhook = null;
  }
  if (webhook) {
    const svix = webhook;
    const bySvix: Signer = (svixId, seconds, body) => svix.sign(svixId, new Date(seconds * 1000), body).slice("v1,".length);
    const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
    const native: Signer = (svixId, seconds, body) =>
      crypto.createHmac("sha256", key).update(`${svixId}.${seconds}.`).update(asSvixSigns(body)).digest("base64");
    const agrees = native(PROBE.svixId, PROBE.seconds, PROBE.body) === bySvix(PROBE.svixId, PROBE.seconds, PROBE.body);
    signer = agrees ? native : bySvix;
  } else {
    signer = null;
  }
  if (signers.size > 1000) signers.clear();
  signers.set(secret, signer);
  return signer;
}

/** The signature svix would make for this delivery with this secret (null: malformed secret). */
export function expectedSignature(secret: string, svixId: string, timestampSeconds: number, body: Buffer): string | null {
  const signer = signerFor(secret);
  return signer ? signer(svixId, Math.floor(timestampSeconds), body) : null;
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
  // What svix signs: the whole seconds of `new Date(timestamp * 1000)`.
  if (Number.isNaN(new Date(timestamp * 1000).getTime())) return -1;
  const offered = v1Signatures(input.svixSignature);
  if (offered.length === 0) return -1;
  for (const [index, secret] of input.secrets.entries()) {
    const expected = expectedSignature(secret, input.svixId, timestamp, input.body);
    if (expected === null) continue;
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
