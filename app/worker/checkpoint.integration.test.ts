// The worker's WAL checkpoint: ingest's connections leave checkpoints to it
// (wal_autocheckpoint is only a safety net), so it must copy the WAL back.
import fs from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { envelope, newSecret } from "../../tests/support/svix";
import { sqliteFilePath } from "~/db/database-url";
import { SqliteGroupCommit } from "~/ingest/sqlite-group-commit.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { workerTasks } from "./tasks.server";

describe("WAL checkpoint task (sqlite)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    await ensureDefaultSource(database.db);
  });
  afterAll(() => database.drop());

  it("is one of the worker's tasks and copies every committed frame back into the database file", async () => {
    const secret = newSecret();
    const deps = {
      db: database.db,
      sources: new SourceResolver(database.db, () => [secret]),
      maxBodyBytes: 1 << 20,
      groupCommit: new SqliteGroupCommit(database.withSqlite!.bind(database)),
    };
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
});
