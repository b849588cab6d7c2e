// The worker's WAL checkpoint: ingest's connections leave checkpoints to it
// (wal_autocheckpoint is only a safety net), so it must copy the WAL back.
import fs from "node:fs";

import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { envelope, newSecret } from "../../tests/support/svix";
import { sqliteFilePath } from "~/db/database-url";
import { SqliteGroupCommit } from "~/ingest/sqlite-group-commit.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { workerTasks } from "./tasks.server";
import { checkpointWal } from "./worker.server";

describe("WAL checkpoint task (sqlite)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    await ensureDefaultSource(database.db);
  });
  afterAll(() => database.drop());

  /** Ingest through SQLite's group commit, as the server does, with a fresh secret. */
  function ingestion() {
    const secret = newSecret();
    const deps = {
      db: database.db,
      sources: new SourceResolver(database.db, () => [secret]),
      maxBodyBytes: 1 << 20,
      groupCommit: new SqliteGroupCommit(database.withSqlite!.bind(database)),
    };
    return { secret, deps };
  }

  it("is one of the worker's tasks and copies every committed frame back into the database file", async () => {
    const { secret, deps } = ingestion();
    for (let i = 0; i < 50; i++) await ingestSigned(deps, secret, envelope("user.created", { id: `user_ckpt${i}`, object: "user" }));
    const sqlite = database.sqlite()!;
    expect(Number(sqlite.pragma("wal_autocheckpoint", { simple: true }))).toBeGreaterThanOrEqual(10_000);
    // The rows are in the WAL only: the database file has not grown yet.
    const file = sqliteFilePath(database.url);
    const before = fs.statSync(file).size;

    const task = workerTasks().find((t) => t.name === "wal-checkpoint")!;
    expect(await task.run(database)).toBe(false);
    expect(fs.statSync(file).size).toBeGreaterThan(before);
    // Nothing is left to copy: a second checkpoint finds every frame already done.
    const [state] = sqlite.pragma("wal_checkpoint(PASSIVE)") as { busy: bigint; log: bigint; checkpointed: bigint }[];
    expect(Number(state!.busy)).toBe(0);
    expect(Number(state!.checkpointed)).toBe(Number(state!.log));
  });

  it("past restartFrames also rewinds the WAL (RESTART), and gives up for the turn while a reader holds older frames", async () => {
    // Under steady ingest no writer ever finds the WAL wholly copied (frames arrive while
    // each PASSIVE checkpoint copies), so it grew to 80 MiB and ingest's own commit
    // rewound it, stalling 60-130 ms (docs/benchmarks.md, stop 25). The task rewinds it.
    const { secret, deps } = ingestion();
    let n = 0;
    const ingestSome = async (count: number) => {
      for (let i = 0; i < count; i++) await ingestSigned(deps, secret, envelope("user.updated", { id: `user_rewind${n++}`, object: "user" }));
    };
    const sqlite = database.sqlite()!;
    // The WAL's write position, in frames (PASSIVE copies, and never rewinds).
    const walFrames = () => Number((sqlite.pragma("wal_checkpoint(PASSIVE)") as { log: bigint }[])[0]!.log);
    const busyTimeout = Number(sqlite.pragma("busy_timeout", { simple: true }));

    await ingestSome(20);
    const frames = walFrames();
    expect(frames).toBeGreaterThan(10);
    expect(checkpointWal(sqlite, frames + 1)).toBe("copied");
    expect(checkpointWal(sqlite, 10)).toBe("rewound");
    await ingestSome(1);
    expect(walFrames()).toBeLessThan(frames);

    // A reader in the middle of a read (an export, a page) keeps its frames: the task
    // gives up this turn instead of waiting for it, and the reader's view is intact.
    await ingestSome(20);
    const reader = new Database(sqliteFilePath(database.url), { readonly: true });
    try {
      reader.prepare("BEGIN").run();
      const seen = Number(reader.prepare(`SELECT count(*) AS n FROM "Event"`).pluck().get());
      await ingestSome(1);
      expect(checkpointWal(sqlite, 10)).toBe("busy");
      expect(Number(sqlite.pragma("busy_timeout", { simple: true }))).toBe(busyTimeout);
      expect(Number(reader.prepare(`SELECT count(*) AS n FROM "Event"`).pluck().get())).toBe(seen);
      reader.prepare("COMMIT").run();
    } finally {
      reader.close();
    }
    // Once the reader is done, the next turn rewinds, and every delivery is there.
    expect(checkpointWal(sqlite, 10)).toBe("rewound");
    expect(Number(sqlite.pragma("busy_timeout", { simple: true }))).toBe(busyTimeout);
    expect(await database.db.event.count({ where: { type: "user.updated" } })).toBe(n);
  });
});
