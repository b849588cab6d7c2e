import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { envelope, newSecret } from "../../tests/support/svix";
import { newId } from "~/db/ids";
import { countEvents } from "~/events/event-query.server";
import { indexPendingEvents, removeFromSearch, SEARCH_MERGES, searchMergeStep, searchMerges, setSearchMerges, withPruneSearchMerges } from "~/events/search.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { pruneOlderThan } from "./prune.server";

const SECRET = newSecret();
const DAY = 24 * 60 * 60 * 1000;

describe.each(PROVIDERS)("retention (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    deps = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
  });
  afterAll(() => database.drop());

  /**
   * 60 events indexed one per transaction with FTS5's merging as a prune sets it (as a
   * prune running, or killed, leaves them): many small segments. A third received 45
   * days before `now` (named `oldName`), the rest 2 days before (`newName`).
   */
  async function manySegments(now: number, prefix: string, oldName: string, newName: string) {
    await setSearchMerges(database, { automerge: 0, deletemerge: 50 });
    for (let i = 0; i < 60; i++) {
      const old = i % 3 === 0;
      const at = old ? now - 45 * DAY + i : now - 2 * DAY + i;
      await ingestSigned(deps, SECRET, envelope("user.updated", { id: `user_${prefix}${i}`, first_name: old ? oldName : newName }, at), { receivedAt: new Date(at) });
      await indexPendingEvents(database, 500);
    }
  }

  it("deletes events and deliveries received before the cutoff, in batches, and keeps the rest searchable", async () => {
    const now = Date.now();
    for (let i = 0; i < 620; i++) {
      await ingestSigned(deps, SECRET, envelope("user.updated", { id: `user_old${i % 7}`, first_name: "Oldname" }, now - 40 * DAY), {
        receivedAt: new Date(now - 40 * DAY + i),
      });
    }
    for (let i = 0; i < 5; i++) {
      await ingestSigned(deps, SECRET, envelope("user.updated", { id: "user_new", first_name: "Newname" }, now - DAY), {
        receivedAt: new Date(now - DAY + i),
      });
    }
    // An unverified delivery from long ago goes too.
    await database.db.delivery.create({
      data: { id: newId(now - 90 * DAY), sourceSlug: "clerk", receivedAt: new Date(now - 90 * DAY), headers: "[]", rawBody: new Uint8Array(), size: 0, outcome: "missing_headers", status: 400 },
    });
    while ((await indexPendingEvents(database, 500)) > 0);
    expect(await countEvents(database, { q: "Oldname" })).toBe(620);

    const progress: { table: string; deleted: number }[] = [];
    const result = await pruneOlderThan(database, 30, new Date(now), (p) => progress.push(p));
    expect(result).toMatchObject({ events: 620, deliveries: 621 });
    // Bounded batches: several per table, none over 500 rows.
    for (const table of ["deliveries", "events"]) {
      const counts = progress.filter((p) => p.table === table).map((p) => p.deleted);
      expect(counts.length).toBeGreaterThan(1);
      expect(counts.at(-1)).toBe(table === "events" ? 620 : 621);
      counts.forEach((count, i) => expect(count - (counts[i - 1] ?? 0)).toBeLessThanOrEqual(500));
    }
    expect(await database.db.event.count()).toBe(5);
    expect(await database.db.delivery.count()).toBe(5);
    expect(await countEvents(database, { q: "Oldname" })).toBe(0);
    expect(await countEvents(database, { q: "Newname" })).toBe(5);
    // 625 signed deliveries through ingest: slow on a loaded machine.
  }, 180_000);

  it.runIf(provider === "sqlite")("takes over FTS5's merging while events leave the index, and always puts the settings back", async () => {
    expect(await searchMerges(database)).toEqual(SEARCH_MERGES);
    expect(await withPruneSearchMerges(database, () => searchMerges(database))).toEqual({ automerge: 0, deletemerge: 50 });
    expect(await searchMerges(database)).toEqual(SEARCH_MERGES);
    await expect(
      withPruneSearchMerges(database, async () => {
        throw new Error("prune interrupted");
      }),
    ).rejects.toThrow("prune interrupted");
    expect(await searchMerges(database)).toEqual(SEARCH_MERGES);

    // A prune killed mid-way leaves merging off: the next prune turns it back on.
    await setSearchMerges(database, { automerge: 0, deletemerge: 50 });
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      await ingestSigned(deps, SECRET, envelope("user.updated", { id: `user_gone${i}`, first_name: "Gonename" }, now - 50 * DAY), {
        receivedAt: new Date(now - 50 * DAY + i),
      });
    }
    while ((await indexPendingEvents(database, 500)) > 0);
    expect(await countEvents(database, { q: "Gonename" })).toBe(3);
    // With automerge off, each event indexed in its own transaction is a segment: the
    // prune's merge steps combine them, a bounded step at a time, and then find no work.
    let steps = 0;
    while (await searchMergeStep(database)) expect(++steps).toBeLessThan(100);
    expect(steps).toBeGreaterThan(0);
    expect(await searchMergeStep(database)).toBe(false);
    expect(await countEvents(database, { q: "Gonename" })).toBe(3);
    expect((await pruneOlderThan(database, 30, new Date(now))).events).toBe(3);
    expect(await searchMerges(database)).toEqual(SEARCH_MERGES);
    expect(await countEvents(database, { q: "Gonename" })).toBe(0);
    expect(await countEvents(database, { q: "Newname" })).toBe(5);
  });

  it.runIf(provider === "sqlite")("finishes the index's merge work before FTS5's own merging comes back", async () => {
    // Many small segments, as events indexed one per transaction with merging off leave:
    // more merge work than the steps between the prune's batches do.
    const now = Date.now();
    await manySegments(now, "seg", "Segold", "Segnew");
    expect((await pruneOlderThan(database, 30, new Date(now))).events).toBe(20);
    expect(await searchMerges(database)).toEqual(SEARCH_MERGES);
    // Nothing left for the first ingest commit after the prune to merge in one go.
    expect(await searchMergeStep(database)).toBe(false);
    expect(await countEvents(database, { q: "Segold" })).toBe(0);
    expect(await countEvents(database, { q: "Segnew" })).toBe(40);
  });

  it.runIf(provider === "sqlite")("after a prune killed mid-way, the next run finishes its merge work even with nothing to delete", async () => {
    // What a kill -9 leaves: the prune's merge settings, and events already gone from
    // the index in many small segments, with their merge work not done.
    const now = Date.now();
    await manySegments(now, "kill", "Killold", "Killnew");
    const gone = (await database.db.event.findMany({ where: { firstReceivedAt: { lt: new Date(now - 30 * DAY) } }, select: { id: true } })).map((e) => e.id);
    expect(gone.length).toBe(20);
    await removeFromSearch(database, gone);
    await database.db.delivery.deleteMany({ where: { eventId: { in: gone } } });
    await database.db.event.deleteMany({ where: { id: { in: gone } } });

    // The next run (the worker's hourly retention) has no event to delete.
    expect((await pruneOlderThan(database, 30, new Date(now))).events).toBe(0);
    expect(await searchMerges(database)).toEqual(SEARCH_MERGES);
    expect(await searchMergeStep(database)).toBe(false);
    expect(await countEvents(database, { q: "Killold" })).toBe(0);
    expect(await countEvents(database, { q: "Killnew" })).toBe(40);
  });
});
