// Sources are Clerk instance endpoints (`/webhooks/:source`). The default source
// `clerk` always exists and takes its secrets from CLERK_WEBHOOK_SIGNING_SECRET;
// other sources keep theirs encrypted in the database.
import { env } from "~/config/env.server";
import type { Db } from "~/db/prisma.server";
import { parseSecretList } from "~/ingest/signature.server";
import { decryptSecret, encryptSecret } from "~/secrets/encryption.server";

export const DEFAULT_SOURCE_SLUG = "clerk";
export const SOURCE_SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export interface ResolvedSource {
  id: string;
  slug: string;
  secrets: string[];
}

export async function ensureDefaultSource(db: Db) {
  return db.source.upsert({
    where: { slug: DEFAULT_SOURCE_SLUG },
    create: { slug: DEFAULT_SOURCE_SLUG, name: "Clerk" },
    update: {},
  });
}

export async function createSource(db: Db, input: { slug: string; name?: string; secrets?: string[] }) {
  if (!SOURCE_SLUG_PATTERN.test(input.slug)) {
    throw new Error("A source slug is 1-63 lower-case letters, digits, '-' or '_'.");
  }
  return db.source.create({
    data: {
      slug: input.slug,
      name: input.name ?? input.slug,
      secretsEncrypted: input.secrets?.length ? encryptSecret(JSON.stringify(input.secrets)) : null,
    },
  });
}

export async function setSourceSecrets(db: Db, slug: string, secrets: string[]) {
  return db.source.update({
    where: { slug },
    data: { secretsEncrypted: secrets.length ? encryptSecret(JSON.stringify(secrets)) : null },
  });
}

function storedSecrets(sealed: string | null): string[] {
  if (!sealed) return [];
  return JSON.parse(decryptSecret(sealed)) as string[];
}

/**
 * Looks sources up by slug with a short cache: ingest asks on every request, and a
 * flood of requests to unknown slugs must not become a flood of queries. Secret
 * changes reach every instance within `ttlMs`.
 */
export class SourceResolver {
  readonly #cache = new Map<string, { value: ResolvedSource | null; expires: number }>();

  constructor(
    private readonly db: Db,
    /** Secrets of the default source from the environment; they win over stored ones. */
    private readonly defaultSecrets: () => string[] = () => parseSecretList(env().CLERK_WEBHOOK_SIGNING_SECRET),
    private readonly ttlMs = 5_000,
  ) {}

  async resolve(slug: string): Promise<ResolvedSource | null> {
    const now = Date.now();
    const hit = this.#cache.get(slug);
    if (hit && hit.expires > now) return hit.value;
    const value = SOURCE_SLUG_PATTERN.test(slug) ? await this.#load(slug) : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(slug, { value, expires: now + this.ttlMs });
    return value;
  }

  invalidate() {
    this.#cache.clear();
  }

  async #load(slug: string): Promise<ResolvedSource | null> {
    let row = await this.db.source.findUnique({ where: { slug } });
    if (!row && slug === DEFAULT_SOURCE_SLUG) row = await ensureDefaultSource(this.db);
    if (!row) return null;
    const fromEnv = slug === DEFAULT_SOURCE_SLUG ? this.defaultSecrets() : [];
    return { id: row.id, slug: row.slug, secrets: fromEnv.length ? fromEnv : storedSecrets(row.secretsEncrypted) };
  }
}
