// Secrets at rest (source and target `whsec_` secrets, target extra headers) are
// sealed with AES-256-GCM. The database never holds them in plaintext, and nothing
// reads them back out to a page after they are saved.
//
// v2 (current): the key is HKDF-SHA256(HOOKLINE_ENCRYPTION_KEY, info
// "hookline:secrets:v2"), and each ciphertext is bound to its record with GCM's
// additional data `${table}:${id}:${field}`: a sealed value copied into another row or
// column no longer opens. v1 (a SHA-256 of the key, no binding) still opens; start-up
// re-seals v1 values as v2 (reseal-secrets.server.ts). ADR 0010.
import crypto from "node:crypto";

import { env } from "~/config/env.server";

/** Where a sealed value lives: it opens only there. */
export interface SecretBinding {
  table: "Source" | "Target" | "NotificationChannel";
  id: string;
  field: string;
}

const V1 = "v1";
const V2 = "v2";
const HKDF_INFO = "hookline:secrets:v2";

function v1Key(secret: string): Buffer {
  return crypto.createHash("sha256").update(`hookline:secrets:${secret}`).digest();
}

const v2Keys = new Map<string, Buffer>();
function v2Key(secret: string): Buffer {
  let key = v2Keys.get(secret);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync("sha256", secret, Buffer.alloc(0), HKDF_INFO, 32));
    if (v2Keys.size > 16) v2Keys.clear();
    v2Keys.set(secret, key);
  }
  return key;
}

function aad(binding: SecretBinding): Buffer {
  if (!binding.id) throw new Error(`A ${binding.table}.${binding.field} secret needs its record id before it is sealed.`);
  return Buffer.from(`${binding.table}:${binding.id}:${binding.field}`, "utf8");
}

export function encryptSecret(plaintext: string, binding: SecretBinding, secret = env().HOOKLINE_ENCRYPTION_KEY): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", v2Key(secret), iv);
  cipher.setAAD(aad(binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [V2, iv.toString("base64"), tag.toString("base64"), ciphertext.toString("base64")].join(":");
}

export class DecryptionError extends Error {}

/** Whether a stored value is sealed (by any version) rather than plaintext. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(`${V1}:`) || stored.startsWith(`${V2}:`);
}

/** Sealed by an older version: start-up re-seals it (reseal-secrets.server.ts). */
export function needsReseal(stored: string | null): boolean {
  return stored !== null && stored.startsWith(`${V1}:`);
}

export function decryptSecret(sealed: string, binding: SecretBinding, secret = env().HOOKLINE_ENCRYPTION_KEY): string {
  const [version, iv, tag, ciphertext] = sealed.split(":");
  if ((version !== V1 && version !== V2) || !iv || !tag || ciphertext === undefined) {
    throw new DecryptionError("Stored secret is not in a known format.");
  }
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", version === V2 ? v2Key(secret) : v1Key(secret), Buffer.from(iv, "base64"));
    if (version === V2) decipher.setAAD(aad(binding));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError(
      `Stored secret (${binding.table}.${binding.field} of ${binding.id}) cannot be decrypted: was HOOKLINE_ENCRYPTION_KEY changed, or the value copied from another record?`,
    );
  }
}

/** The v1 format, kept only so tests can write what older versions stored. */
export function encryptSecretV1ForTests(plaintext: string, secret = env().HOOKLINE_ENCRYPTION_KEY): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", v1Key(secret), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [V1, iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
}
