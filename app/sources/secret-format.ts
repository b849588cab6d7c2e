// What a Svix signing secret looks like, shared by Settings (a pasted secret), the
// environment check at start-up (CLERK_WEBHOOK_SIGNING_SECRET) and the CLI. Browser-safe.

/** `whsec_` followed by base64, as the Clerk Dashboard shows it. */
export const SIGNING_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{16,}={0,2}$/;

export const SIGNING_SECRET_HINT = "Signing secrets look like whsec_ followed by base64 (copy it from the Clerk Dashboard).";

/** `whsec_a whsec_b`, `whsec_a,whsec_b` or one a line (rotation). */
export function splitSecretList(value: string | undefined | null): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((secret) => secret.trim())
    .filter(Boolean);
}

/** The entries of a secret list that are not signing secrets, shortened so a log never shows a whole secret. */
export function malformedSecrets(value: string | undefined | null): string[] {
  return splitSecretList(value)
    .filter((secret) => !SIGNING_SECRET_PATTERN.test(secret))
    .map((secret) => (secret.length > 12 ? `${secret.slice(0, 10)}…` : secret));
}

/** A new random signing secret, `whsec_` + 24 random bytes in base64 (what Svix generates). */
export function newSigningSecret(randomBytes: (n: number) => Uint8Array): string {
  return `whsec_${Buffer.from(randomBytes(24)).toString("base64")}`;
}
