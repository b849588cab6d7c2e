// Durability: a job survives `kill -9` of the worker process. The real
// `hookline worker` runs as a child process; it is killed mid-job and a new one is
// started. Nothing may be skipped; what was in flight is sent again (at least once).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { waitForJob } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newSecret } from "../../tests/support/svix";
import { replayEvents } from "./batch-replay.server";
import { createTarget } from "./create-target.server";
import { TargetCreateSchema } from "./target-input";
import { PROJECT_ROOT } from "~/db/migrate.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SOURCE_SECRET = newSecret();

function startWorkerProcess(databaseUrl: string): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "app/cli/main.ts"), "worker"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, HOOKLINE_DISPATCH_LEASE_MARGIN_MS: "300", HOOKLINE_RETRY_SCHEDULE: "100ms" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

describe.each(PROVIDERS)("a worker killed mid-job (%s)", (provider) => {
  let database: TestDatabase;
  let receiver: Receiver;
  const secret = newSecret();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    receiver = await startReceiver(secret, () => ({ status: 200, delayMs: 25 }));
  });
  afterAll(async () => {
    await receiver.close();
    await database.drop();
  });

  it("resumes after kill -9 and a restart without skipping any event", async () => {
    const deps = { db: database.db, sources: new SourceResolver(database.db, () => [SOURCE_SECRET]), maxBodyBytes: 1 << 20 };
    const svixIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const result = await ingestSigned(deps, SOURCE_SECRET, envelope("user.updated", { id: `user_k${i % 6}`, object: "user", n: i }, Date.UTC(2026, 0, 1) + i));
      svixIds.push((await database.db.event.findUniqueOrThrow({ where: { id: result.eventId! } })).svixId);
    }
    const target = (
      await createTarget(database.db, TargetCreateSchema.parse({ name: "slow", url: receiver.url, secret, concurrency: 2, timeoutMs: 1000 }), {
        actor: "test",
        allowlist: null,
      })
    ).target;
    const job = await replayEvents(database, { targetId: target.id, filter: {}, actor: "test" });
    expect(job.total).toBe(30);

    const first = startWorkerProcess(database.url);
    await receiver.waitFor(6, 20_000).catch((error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    const beforeRestart = await database.db.dispatchJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(beforeRestart.status).toBe("running");
    expect(beforeRestart.sent).toBeLessThan(30);

    const second = startWorkerProcess(database.url);
    try {
      const done = await waitForJob(database, job.id, { timeoutMs: 20_000 }).catch((error) => {
        throw new Error(`${error.message}\n${second.output()}`);
      });
      expect(done).toMatchObject({ status: "done", sent: 30, failed: 0 });
    } finally {
      second.child.kill("SIGTERM");
      await new Promise((resolve) => second.child.once("exit", resolve));
    }
    const received = new Set(receiver.requests.map((r) => r.svixId));
    expect(svixIds.filter((id) => !received.has(id))).toEqual([]);
    // Only what was in flight at the kill goes out twice.
    expect(receiver.requests.length - 30).toBeLessThanOrEqual(4);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
  });
});
