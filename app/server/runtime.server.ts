// Start-up shared by the server, the worker process and the integration tests:
// migrate, make sure the default source and first admin exist, and build the
// dependencies ingest needs.
import { bootstrapAdmin } from "~/auth/accounts.server";
import { env } from "~/config/env.server";
import { migrateDatabase } from "~/db/migrate.server";
import { createDatabase, database, type DatabaseHandle } from "~/db/prisma.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { parseSecretList } from "~/ingest/signature.server";
import { resealLegacySecrets } from "~/secrets/reseal-secrets.server";
import { PostgresGroupCommit } from "~/ingest/postgres-group-commit.server";
import { SqliteGroupCommit } from "~/ingest/sqlite-group-commit.server";
import { UnverifiedGuard, type UnverifiedLimits } from "~/ingest/unverified-guard.server";
import { logger } from "~/observability/logger.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

export interface Runtime {
  database: DatabaseHandle;
  ingest: IngestDependencies;
}

export interface RuntimeOptions {
  databaseUrl: string;
  /** The handle to use; by default a new one for databaseUrl. */
  database?: DatabaseHandle;
  defaultSecrets: () => string[];
  maxBodyBytes: number;
  /** Limits for deliveries that fail verification; none in tests unless given. */
  unverified?: UnverifiedLimits;
  admin?: { email?: string; password?: string };
  /** Postgres: connections of ingest's own pool (HOOKLINE_INGEST_PG_POOL). */
  ingestPoolSize?: number;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const migrated = await migrateDatabase(options.databaseUrl);
  if (migrated.applied.length) logger.info("applied migrations", { migrations: migrated.applied });
  const handle = options.database ?? createDatabase(options.databaseUrl);
  await ensureDefaultSource(handle.db);
  await bootstrapAdmin(handle.db, options.admin?.email, options.admin?.password);
  await resealLegacySecrets(handle.db);
  return {
    database: handle,
    ingest: {
      db: handle.db,
      sources: new SourceResolver(handle.db, options.defaultSecrets),
      maxBodyBytes: options.maxBodyBytes,
      groupCommit: handle.withSqlite
        ? new SqliteGroupCommit(handle.withSqlite.bind(handle))
        : handle.provider === "postgres"
          ? new PostgresGroupCommit(handle.url, { poolSize: options.ingestPoolSize })
          : undefined,
      unverified: options.unverified ? new UnverifiedGuard(handle, options.unverified) : undefined,
    },
  };
}

const globalForRuntime = globalThis as unknown as { __hooklineRuntime?: Promise<Runtime> };

/** The process-wide runtime, configured from the environment. */
export function runtime(): Promise<Runtime> {
  globalForRuntime.__hooklineRuntime ??= (() => {
    const config = env();
    // (once per process: the server entry and the Remix build each load this module)
    const announced = globalThis as unknown as { __hooklineGeneratedSecretLogged?: boolean };
    if (config.generatedSigningSecret && !announced.__hooklineGeneratedSecretLogged) {
      announced.__hooklineGeneratedSecretLogged = true;
      logger.info("CLERK_WEBHOOK_SIGNING_SECRET is not set: the clerk source accepts the development secret generated into the data directory; `npx hookline send all` signs with it", {
        file: `${config.HOOKLINE_DATA_DIR}/secrets.json`,
      });
    }
    return startRuntime({
      databaseUrl: config.DATABASE_URL,
      database: database(),
      defaultSecrets: () => parseSecretList(env().CLERK_WEBHOOK_SIGNING_SECRET),
      maxBodyBytes: config.HOOKLINE_MAX_BODY_BYTES,
      unverified: { perMinute: config.HOOKLINE_UNVERIFIED_PER_MINUTE, maxBytes: config.HOOKLINE_UNVERIFIED_MAX_BYTES },
      admin: { email: config.HOOKLINE_ADMIN_EMAIL, password: config.HOOKLINE_ADMIN_PASSWORD },
      ingestPoolSize: config.HOOKLINE_INGEST_PG_POOL,
    });
  })();
  return globalForRuntime.__hooklineRuntime;
}
