// Start-up shared by the server, the worker process and the integration tests:
// migrate, make sure the default source and first admin exist, and build the
// dependencies ingest needs.
import { bootstrapAdmin } from "~/auth/accounts.server";
import { env } from "~/config/env.server";
import { migrateDatabase } from "~/db/migrate.server";
import { sqliteFilePath } from "~/db/database-url";
import { createDatabase, database, type DatabaseHandle } from "~/db/prisma.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { parseSecretList } from "~/ingest/signature.server";
import { SqliteGroupCommit } from "~/ingest/sqlite-group-commit.server";
import { startWriterThread } from "~/ingest/sqlite-writer-thread.server";
import { UnverifiedGuard, type UnverifiedLimits } from "~/ingest/unverified-guard.server";
import { logger } from "~/observability/logger.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

export interface Runtime {
  database: DatabaseHandle;
  ingest: IngestDependencies;
  /** Starts the ingest writer thread now (the server; other processes never ingest). */
  startIngestWriter(): void;
  /** Stops the ingest writer thread (after its batch in flight). */
  close(): Promise<void>;
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
  /**
   * SQLite: write ingest's batches on a thread of their own ("thread", the default) or
   * on the Prisma connection ("inline"; HOOKLINE_INGEST_THREAD=0).
   */
  ingestWriter?: "thread" | "inline";
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const migrated = await migrateDatabase(options.databaseUrl);
  if (migrated.applied.length) logger.info("applied migrations", { migrations: migrated.applied });
  const handle = options.database ?? createDatabase(options.databaseUrl);
  await ensureDefaultSource(handle.db);
  await bootstrapAdmin(handle.db, options.admin?.email, options.admin?.password);
  // The thread starts with the first delivery, or at once when the server asks
  // (startIngestWriter): processes that never ingest (the worker) never start one.
  const writer = handle.withSqlite && options.ingestWriter !== "inline" ? startWriterThread(sqliteFilePath(handle.url)) : null;
  const groupCommit = writer
    ? new SqliteGroupCommit(writer.sink)
    : handle.withSqlite
      ? SqliteGroupCommit.inProcess(handle.withSqlite.bind(handle))
      : undefined;
  return {
    database: handle,
    ingest: {
      db: handle.db,
      sources: new SourceResolver(handle.db, options.defaultSecrets),
      maxBodyBytes: options.maxBodyBytes,
      groupCommit,
      unverified: options.unverified ? new UnverifiedGuard(handle, options.unverified) : undefined,
    },
    startIngestWriter: () => writer?.start(),
    close: async () => writer?.stop(),
  };
}

const globalForRuntime = globalThis as unknown as { __hooklineRuntime?: Promise<Runtime> };

/** The process-wide runtime, configured from the environment. */
export function runtime(): Promise<Runtime> {
  globalForRuntime.__hooklineRuntime ??= (() => {
    const config = env();
    return startRuntime({
      databaseUrl: config.DATABASE_URL,
      database: database(),
      defaultSecrets: () => parseSecretList(env().CLERK_WEBHOOK_SIGNING_SECRET),
      maxBodyBytes: config.HOOKLINE_MAX_BODY_BYTES,
      unverified: { perMinute: config.HOOKLINE_UNVERIFIED_PER_MINUTE, maxBytes: config.HOOKLINE_UNVERIFIED_MAX_BYTES },
      admin: { email: config.HOOKLINE_ADMIN_EMAIL, password: config.HOOKLINE_ADMIN_PASSWORD },
      ingestWriter: process.env.HOOKLINE_INGEST_THREAD === "0" ? "inline" : "thread",
    });
  })();
  return globalForRuntime.__hooklineRuntime;
}
