// Sources are Clerk instance endpoints (`/webhooks/:source`). The default source
// `clerk` always exists and takes its secrets from CLERK_WEBHOOK_SIGNING_SECRET;
// other sources keep theirs encrypted in the database.
import { env } from "~/config/env.server";
import { newId } from "~/db/ids";
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

// NOTE: sealed secrets are bound to their source's id (encryption.server.ts), so a
// new source's id is made before its secrets are sealed.
const binding = (id: string) => ({ table: "Source" as const, id, field: "secretsEncrypted" });

export function sealSourceSecrets(id: string, secrets: string[]): string | null {
  return secrets.length ? encryptSecret(JSON.stringify(secrets), binding(id)) : null;
}

export async function createSource(db: Db, input: { slug: string; name?: string; secrets?: string[] }) {
  if (!SOURCE_SLUG_PATTERN.test(input.slug)) {
    throw new Error("A source slug is 1-63 lower-case letters, digits, '-' or '_'.");
  }
  const id = `c${newId().toLowerCase()}`;
  return db.source.create({
    data: {
      id,
      slug: input.slug,
      name: input.name ?? input.slug,
      secretsEncrypted: sealSourceSecrets(id, input.secrets ?? []),
      secretsChangedAt: input.secrets?.length ? new Date() : null,
    },
  });
}

export async function setSourceSecrets(db: Db, slug: string, secrets: string[]) {
  const { id } = await db.source.findUniqueOrThrow({ where: { slug }, select: { id: true } });
  return db.source.update({
    where: { id },
    data: { secretsEncrypted: sealSourceSecrets(id, secrets), secretsChangedAt: new Date() },
  });
}

export function storedSecrets(row: { id: string; secretsEncrypted: string | null }): string[] {
  if (!row.secretsEncrypted) return [];
  return JSON.parse(decryptSecret(row.secretsEncrypted, binding(row.id))) as string[];
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
    /**
     * The default source's secrets when neither the environment nor the database has
     * any: in development, the generated one (env.server.ts, generatedSigningSecret).
     */
    private readonly fallbackSecrets: () => string[] = () => parseSecretList(env().generatedSigningSecret),
  ) {
    liveResolvers().add(new WeakRef(this));
  }

  /** The source as stored right now, bypassing the cache (re-verification, settings). */
  async resolveFresh(slug: string): Promise<ResolvedSource | null> {
    return SOURCE_SLUG_PATTERN.test(slug) ? this.#load(slug) : null;
  }

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
    if (slug !== DEFAULT_SOURCE_SLUG) return { id: row.id, slug: row.slug, secrets: storedSecrets(row) };
    const fromEnv = this.defaultSecrets();
    const stored = fromEnv.length ? [] : storedSecrets(row);
    const secrets = fromEnv.length ? fromEnv : stored.length ? stored : this.fallbackSecrets();
    return { id: row.id, slug: row.slug, secrets };
  }
}

/**
 * Every resolver in this process. The Remix build and the server entry load separate
 * copies of this module, so the set lives on globalThis: a secret changed in settings
 * clears the ingest resolver's cache at once. Other instances (several app servers on
 * one Postgres) see the change within the resolver's TTL.
 */
function liveResolvers(): Set<WeakRef<SourceResolver>> {
  const holder = globalThis as unknown as { __hooklineSourceResolvers?: Set<WeakRef<SourceResolver>> };
  holder.__hooklineSourceResolvers ??= new Set();
  return holder.__hooklineSourceResolvers;
}

/** Forgets every cached source in this process (after secrets or sources change). */
export function invalidateSourceCaches() {
  const resolvers = liveResolvers();
  for (const ref of resolvers) {
    const resolver = ref.deref();
    if (resolver) resolver.invalidate();
    else resolvers.delete(ref);
  }
}
