// GET /readyz: may this instance take traffic? Three checks, in order: the database
// answers, every migration in prisma/<provider>/migrations is applied, and the worker
// loop's heartbeat is recent when the worker runs in this process. /healthz (liveness)
// asks only the first; a load balancer or orchestrator asks this one.
import type { DatabaseHandle } from "~/db/prisma.server";
import { readMigrations } from "~/db/migrate.server";
import { HEARTBEAT_INTERVAL_MS } from "~/worker/worker.server";
import { metrics } from "./metrics.server";

/** Heartbeats the worker may miss before the instance is not ready. */
export const HEARTBEAT_MAX_AGE_MS = 6 * HEARTBEAT_INTERVAL_MS;

type Check = { ok: true; [detail: string]: unknown } | { ok: false; reason: string } | { ok: null; skipped: string };

export interface Readiness {
  ready: boolean;
  /** The first failing check's reason, for the 503 body and the log. */
  reason: string | null;
  checks: { database: Check; migrations: Check; worker: Check };
}

export async function checkReadiness(handle: DatabaseHandle, now = Date.now()): Promise<Readiness> {
  const database = await checkDatabase(handle);
  const migrations: Check = database.ok ? await checkMigrations(handle) : { ok: false, reason: "database did not answer" };
  const worker = checkWorker(now);
  const failing = [database, migrations, worker].find((check): check is { ok: false; reason: string } => check.ok === false);
  return { ready: !failing, reason: failing?.reason ?? null, checks: { database, migrations, worker } };
}

async function checkDatabase(handle: DatabaseHandle): Promise<Check> {
  try {
    await handle.db.$queryRawUnsafe("SELECT 1");
    return { ok: true, provider: handle.provider };
  } catch (error) {
    return { ok: false, reason: `database did not answer: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` };
  }
}

async function checkMigrations(handle: DatabaseHandle): Promise<Check> {
  const wanted = readMigrations(handle.provider).map((migration) => migration.name);
  let applied: Set<string>;
  try {
    const rows = await handle.db.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
    );
    applied = new Set(rows.map((row) => row.migration_name));
  } catch {
    return { ok: false, reason: "migrations not applied: no _prisma_migrations table" };
  }
  const pending = wanted.filter((name) => !applied.has(name));
  if (pending.length) return { ok: false, reason: `migrations not applied: ${pending.join(", ")}` };
  return { ok: true, applied: wanted.length };
}

function checkWorker(now: number): Check {
  const { heartbeat } = metrics();
  if (!heartbeat.expected) {
    return {
      ok: null,
      skipped: "the worker does not run in this process (HOOKLINE_WORKER=0; `npx hookline worker` runs it); its heartbeat is not visible here",
    };
  }
  if (heartbeat.lastAt === null) {
    const since = Math.round((now - heartbeat.startedAt) / 1000);
    return { ok: false, reason: `worker has not reported yet (thread started ${since} s ago)` };
  }
  const age = now - heartbeat.lastAt;
  if (age > HEARTBEAT_MAX_AGE_MS) {
    return { ok: false, reason: `worker heartbeat missing: last one ${Math.round(age / 1000)} s ago (more than ${HEARTBEAT_MAX_AGE_MS / 1000} s)` };
  }
  return { ok: true, lastHeartbeatSecondsAgo: Math.round(age / 100) / 10 };
}
