import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readMigrations } from "~/db/migrate.server";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { acceptWorkerMetrics, metrics } from "./metrics.server";
import { checkReadiness, HEARTBEAT_MAX_AGE_MS } from "./readiness.server";

describe.each(PROVIDERS)("/readyz checks on %s", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    // One process for both providers: start each without the other's worker state.
    Object.assign(metrics().heartbeat, { expected: false, lastAt: null });
  });
  afterAll(() => database?.drop());

  it("is ready on a migrated database, and says why the worker is not checked when it runs elsewhere", async () => {
    const readiness = await checkReadiness(database);
    expect(readiness).toMatchObject({ ready: true, reason: null, checks: { database: { ok: true }, migrations: { ok: true } } });
    expect(readiness.checks.worker).toMatchObject({ ok: null, skipped: expect.stringContaining("HOOKLINE_WORKER=0") });
  });

  it("follows the worker's heartbeat once the worker runs in this process", async () => {
    const started = Date.now();
    metrics().expectWorkerHeartbeat();
    expect(await checkReadiness(database, started)).toMatchObject({ ready: false, reason: expect.stringMatching(/worker has not reported yet/) });

    acceptWorkerMetrics({ hooklineMetric: "heartbeat" });
    const beat = metrics().heartbeat.lastAt!;
    expect(await checkReadiness(database, beat + 1_000)).toMatchObject({ ready: true, checks: { worker: { ok: true } } });

    const late = await checkReadiness(database, beat + HEARTBEAT_MAX_AGE_MS + 1_000);
    expect(late.ready).toBe(false);
    expect(late.reason).toMatch(/^worker heartbeat missing: last one \d+ s ago/);
    // The gauge /metrics reports, for the alert on its age.
    const scrape = await metrics().registry.getSingleMetricAsString("hookline_worker_heartbeat_timestamp_seconds");
    expect(scrape).toContain(`hookline_worker_heartbeat_timestamp_seconds ${beat / 1000}`);
  });

  it("is not ready, naming the migration, when one is not applied", async () => {
    const last = readMigrations(provider).at(-1)!.name;
    await database.db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${last}'`);
    const readiness = await checkReadiness(database, metrics().heartbeat.lastAt!);
    expect(readiness).toMatchObject({ ready: false, reason: `migrations not applied: ${last}` });
  });
});
