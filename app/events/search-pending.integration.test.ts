// The search indexer's look for pending events on Postgres (issue 16, stop 23). Ingest
// indexes most events itself; the types with masked values are always left to the worker,
// whose loop runs again at once while there is work. Written without ORDER BY, the look
// was planned as a sequential scan of every event while the table's statistics lagged
// behind its growth (22 ms at 41,000 events, on every turn): it must use the partial index
// of pending events whatever the statistics say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { Prisma } from "~/generated/sqlite/client";
import { ensureDefaultSource } from "~/sources/sources.server";
import { indexPendingEvents, pendingSearchPostgres } from "./search.server";

describe("the search indexer's look for pending events (postgres)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
  });
  afterAll(() => database.drop());

  it("uses the partial index of pending events, not a scan of every event, before statistics catch up", async () => {
    await ensureDefaultSource(database.db);
    const source = await database.db.source.findUniqueOrThrow({ where: { slug: "clerk" } });
    // 30,000 events already indexed and every 600th one pending, as a fast-growing table
    // is between two ANALYZE runs (none has run on this one).
    await database.db.$executeRaw`
      INSERT INTO "Event" ("id", "sourceId", "svixId", "type", "knownType", "timestampMs", "firstReceivedAt", "firstDeliveryId", "searchIndexed", "forwardScanned")
      SELECT 'evt_' || lpad(g::text, 6, '0'), ${source.id}, 'msg_' || g, 'user.updated', true, 1700000000000 + g, now(), 'dlv_' || g, g % 600 <> 0, true
      FROM generate_series(1, 30000) AS g`;
    const plan = (await database.db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${pendingSearchPostgres(50)}`))
      .map((row) => row["QUERY PLAN"])
      .join("\n");
    expect(plan).toContain("Event_searchIndexed_pending_idx");
    expect(plan).not.toContain('Seq Scan on "Event"');
    // Oldest first, and only the pending ones.
    const pending = await database.db.$transaction((tx) => tx.$queryRaw<{ id: string }[]>(pendingSearchPostgres(3)));
    expect(pending.map((row) => row.id)).toEqual(["evt_000600", "evt_001200", "evt_001800"]);
    // The indexer takes them (their deliveries do not exist: nothing to index, but marked).
    expect(await indexPendingEvents(database, 100)).toBe(50);
    expect(await database.db.event.count({ where: { searchIndexed: false } })).toBe(0);
  });
});
