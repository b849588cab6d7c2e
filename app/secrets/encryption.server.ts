// Secrets at rest (source and target `whsec_` secrets) are sealed with AES-256-GCM
// under a key derived from HOOKLINE_ENCRYPTION_KEY. The database never holds them in
// plaintext, and nothing reads them back out to a page after they are saved.
import crypto from "node:crypto";

import { env } from "~/config/env.server";

const VERSION = "v1";

function keyFrom(secret: string): Buffer {
  return crypto.createHash("sha256").update(`hookline:secrets:${secret}`).digest();
}

export function encryptSecret(plaintext: string, secret = env().HOOKLINE_ENCRYPTION_KEY): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyFrom(secret), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), ciphertext.toString("base64")].join(":");
}

export class DecryptionError extends Error {}

export function decryptSecret(sealed: string, secret = env().HOOKLINE_ENCRYPTION_KEY): string {
  const [version, iv, tag, ciphertext] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new DecryptionError("Stored secret is not in a known format.");
  }
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", keyFrom(secret), Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError("Stored secret cannot be decrypted: was HOOKLINE_ENCRYPTION_KEY changed?");
  }
}
