// The write discipline of docs/decisions/0008-write-coordination.md on a real SQLite
// file: a worker thread that writes back to back (as during a replay) must not starve
// the main thread's writes (a sign-in, an audit entry), and the main thread must not
// stop its event loop while it waits.
import { Worker } from "node:worker_threads";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { writeGateBuffer } from "~/db/write-gate";
import { createTestDatabaseUrl, dropTestDatabaseUrl } from "../../tests/support/database";

const HOLD_MS = 25;

describe("SQLite write coordination", () => {
  let url: string;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    // A person's write gives up after 1.5 s here (5 s by default): long enough for one
    // background transaction, far too short to win against back-to-back ones by luck.
    process.env.HOOKLINE_SQLITE_BUSY_TIMEOUT_MS = "1500";
    url = await createTestDatabaseUrl("sqlite");
    handle = createDatabase(url);
    await handle.db.$connect();
  });

  afterAll(async () => {
    delete process.env.HOOKLINE_SQLITE_BUSY_TIMEOUT_MS;
    await handle.db.$disconnect();
    await dropTestDatabaseUrl(url);
  });

  it("lets the main thread's writes through while a worker thread writes back to back", async () => {
    const worker = new Worker(new URL("../../tests/support/background-writer-entry.mjs", import.meta.url), {
      workerData: { url, holdMs: HOLD_MS, writeGate: writeGateBuffer() },
    });
    const errors: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
      });
      const before = await handle.db.auditEntry.count({ where: { action: "test.background-write" } });
      // Event-loop turns while the writes wait: the main thread must never sleep inside SQLite.
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 1);
      // At least 30 rounds, and on until the background writer has committed 10 times
      // meanwhile, so the two really overlapped however fast this machine is (a
      // background writer that never gets a turn fails here too: at most 1,000 rounds).
      const backgroundWrites = async () => (await handle.db.auditEntry.count({ where: { action: "test.background-write" } })) - before;
      let rounds = 0;
      while (rounds < 1000 && (rounds < 30 || (await backgroundWrites()) < 10)) {
        rounds++;
        try {
          await handle.db.auditEntry.create({ data: { actor: "person", action: "test.person-write" } });
          await handle.db.$transaction(async (tx) => {
            await tx.auditEntry.create({ data: { actor: "person", action: "test.person-transaction" } });
          });
        } catch (error) {
          errors.push(String(error));
        }
      }
      clearInterval(ticker);

      expect(errors).toEqual([]);
      expect(await handle.db.auditEntry.count({ where: { actor: "person" } })).toBe(rounds * 2);
      // The contention was real: the background writer kept committing meanwhile.
      expect(await backgroundWrites()).toBeGreaterThanOrEqual(10);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      // The thread ends its last transaction and disconnects; the TypeScript loader
      // keeps the thread itself alive, so it is terminated after.
      const done = new Promise((resolve) => worker.on("message", (message) => "committed" in message && resolve(message)));
      worker.postMessage("stop");
      await done;
      await worker.terminate();
    }
  });
});
