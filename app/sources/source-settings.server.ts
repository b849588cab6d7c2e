// Admins manage sources and their signing secrets from Settings → Sources. A secret is
// typed once, sealed (AES-256-GCM, app/secrets/encryption.server.ts) and never shown
// again: the page only says how many there are and when they last changed. Every
// change is audited without the secret, and clears the ingest cache at once.
import { z } from "zod";

import { recordAudit } from "~/audit/audit.server";
import type { AuthenticatedAccount } from "~/auth/accounts.server";
import { env } from "~/config/env.server";
import { firstIdAt } from "~/db/ids";
import type { Db } from "~/db/prisma.server";
import { FAILED_OUTCOMES } from "~/deliveries/delivery-filter";
import { parseSecretList } from "~/ingest/signature.server";
import { DecryptionError } from "~/secrets/encryption.server";
import {
  createSource,
  DEFAULT_SOURCE_SLUG,
  invalidateSourceCaches,
  setSourceSecrets,
  SOURCE_SLUG_PATTERN,
  storedSecrets,
} from "./sources.server";
import { SIGNING_SECRET_HINT, SIGNING_SECRET_PATTERN } from "./secret-format";

export class SourcePolicyError extends Error {}

export const MAX_SECRETS = 10;

/** `whsec_a whsec_b` or one a line; each must look like a Svix signing secret. */
export const SecretListInput = z
  .string()
  .max(5000)
  .transform((value) => parseSecretList(value))
  .refine((secrets) => secrets.every((s) => SIGNING_SECRET_PATTERN.test(s)), SIGNING_SECRET_HINT)
  .refine((secrets) => secrets.length <= MAX_SECRETS, `At most ${MAX_SECRETS} secrets at once.`);

export const NewSourceInput = z.object({
  slug: z.string().trim().toLowerCase().regex(SOURCE_SLUG_PATTERN, "A slug is 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit."),
  name: z.string().trim().max(100).optional(),
  secrets: SecretListInput.optional(),
});

export interface SourceSecretStatus {
  /** Where ingest takes this source's secrets from right now. */
  origin: "environment" | "stored" | "generated" | "none";
  count: number;
  /** When the stored secrets last changed (not for the environment). */
  changedAt: string | null;
  /** Stored secrets exist but CLERK_WEBHOOK_SIGNING_SECRET overrides them. */
  storedIgnored: number;
  /** The stored secrets cannot be decrypted (HOOKLINE_ENCRYPTION_KEY changed). */
  unreadable: boolean;
}

export interface SourceSettingsItem {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
  ingestPath: string;
  secrets: SourceSecretStatus;
  /** Deliveries that failed verification in the last 7 days. */
  recentFailures: number;
}

function secretStatus(
  slug: string,
  id: string,
  sealed: string | null,
  changedAt: Date | null,
  envSecrets: string[],
  generatedSecret: string | null,
): SourceSecretStatus {
  let stored = 0;
  let unreadable = false;
  try {
    stored = storedSecrets({ id, secretsEncrypted: sealed }).length;
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    unreadable = true;
  }
  if (slug === DEFAULT_SOURCE_SLUG && envSecrets.length > 0) {
    return { origin: "environment", count: envSecrets.length, changedAt: null, storedIgnored: stored, unreadable };
  }
  if (slug === DEFAULT_SOURCE_SLUG && stored === 0 && !unreadable && generatedSecret) {
    return { origin: "generated", count: 1, changedAt: null, storedIgnored: 0, unreadable };
  }
  return { origin: stored > 0 ? "stored" : "none", count: stored, changedAt: changedAt?.toISOString() ?? null, storedIgnored: 0, unreadable };
}

export async function listSourceSettings(
  db: Db,
  envSecrets: string[] = parseSecretList(env().CLERK_WEBHOOK_SIGNING_SECRET),
  generatedSecret: string | null = env().generatedSigningSecret,
): Promise<SourceSettingsItem[]> {
  const since = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000);
  const [sources, failures] = await Promise.all([
    db.source.findMany({ orderBy: { createdAt: "asc" } }),
    db.delivery.groupBy({
      by: ["sourceSlug"],
      where: { outcome: { in: [...FAILED_OUTCOMES] }, id: { gte: firstIdAt(since) } },
      _count: { _all: true },
    }),
  ]);
  const failuresBySlug = new Map(failures.map((row) => [row.sourceSlug, row._count._all]));
  return sources.map((source) => ({
    id: source.id,
    slug: source.slug,
    name: source.name,
    createdAt: source.createdAt.toISOString(),
    ingestPath: `/webhooks/${source.slug}`,
    secrets: secretStatus(source.slug, source.id, source.secretsEncrypted, source.secretsChangedAt, envSecrets, generatedSecret),
    recentFailures: failuresBySlug.get(source.slug) ?? 0,
  }));
}

export async function createSourceAsAdmin(db: Db, actor: AuthenticatedAccount, input: z.input<typeof NewSourceInput>) {
  const { slug, name, secrets } = NewSourceInput.parse(input);
  if (await db.source.findUnique({ where: { slug }, select: { id: true } })) throw new SourcePolicyError(`A source "${slug}" already exists.`);
  const source = await createSource(db, { slug, name: name || slug, secrets });
  await recordAudit(db, { actor: actor.email, action: "source.create", subject: slug, detail: { secrets: secrets?.length ?? 0 } });
  invalidateSourceCaches();
  return source;
}

export type SecretChange = { mode: "replace"; secrets: string[] } | { mode: "add"; secrets: string[] } | { mode: "clear" };

/**
 * Replaces, adds to (rotation: Clerk keeps the old secret valid for a while, so both
 * verify until the old one is removed) or clears a source's stored secrets.
 */
export async function changeSourceSecrets(
  db: Db,
  actor: AuthenticatedAccount,
  slug: string,
  change: SecretChange,
  envSecrets: string[] = parseSecretList(env().CLERK_WEBHOOK_SIGNING_SECRET),
) {
  const source = await db.source.findUnique({ where: { slug } });
  if (!source) throw new SourcePolicyError(`No source "${slug}".`);
  if (slug === DEFAULT_SOURCE_SLUG && envSecrets.length > 0) {
    throw new SourcePolicyError("CLERK_WEBHOOK_SIGNING_SECRET is set and wins over stored secrets: change it in the environment and restart.");
  }
  let next: string[];
  if (change.mode === "clear") next = [];
  else if (change.mode === "replace") next = change.secrets;
  else {
    let current: string[];
    try {
      current = storedSecrets(source);
    } catch {
      throw new SourcePolicyError("The stored secrets cannot be decrypted (was HOOKLINE_ENCRYPTION_KEY changed?). Replace them instead.");
    }
    // The newest first: ingest tries them in order.
    next = [...change.secrets, ...current.filter((s) => !change.secrets.includes(s))];
  }
  if (change.mode !== "clear" && change.secrets.length === 0) throw new SourcePolicyError("Paste at least one whsec_ secret.");
  if (next.length > MAX_SECRETS) throw new SourcePolicyError(`At most ${MAX_SECRETS} secrets per source; replace them instead of adding.`);
  await setSourceSecrets(db, slug, next);
  invalidateSourceCaches();
  await recordAudit(db, { actor: actor.email, action: "source.secrets", subject: slug, detail: { mode: change.mode, count: next.length } });
  return { count: next.length };
}
