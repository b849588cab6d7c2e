// Retention: events, deliveries and dispatch attempts older than
// HOOKLINE_RETENTION_DAYS are deleted in small batches, so no statement holds a
// long write lock while ingest keeps running. Space: SQLite reuses the freed pages
// for new rows (the file does not shrink; auto_vacuum is off); Postgres's autovacuum
// marks the dead rows reusable. See docs/benchmarks.md ("Prune").
import type { DatabaseHandle } from "~/db/prisma.server";
import { firstIdAt } from "~/db/ids";
import { removeFromSearch, SEARCH_MERGES, searchMergeStep, searchMerges, setSearchMerges, withPruneSearchMerges } from "~/events/search.server";

export interface PruneResult {
  cutoff: Date;
  deliveries: number;
  events: number;
  attempts: number;
}

/**
 * Batches are bounded by time, not only by rows: each delete transaction aims at
 * TARGET_MS, and the next batch's size follows from how long the last one took (from
 * MIN_BATCH to MAX_BATCH rows; under SQLite's 999 bound parameters). On SQLite a
 * transaction holds the one write lock, so an arriving delivery waits for at most
 * about one batch: 500 events with their search rows held it for 300 ms and more on a
 * busy machine, 1M of them made ingest wait that long again and again. After each
 * batch the lock is left free for at least PAUSE_MS, long enough for the server's
 * retry (it polls every millisecond, app/db/write-gate.ts) to take its turn, and on
 * SQLite for as long as the batch took (see pause()).
 * SQLite aims at 12 ms with batches down to 25 rows (stop 25; 25 ms and 100 before):
 * at 1M, event batches p99 66 -> 24 ms, for a prune ~25 % longer (docs/benchmarks.md).
 */
const TARGET_MS = { sqlite: 12, postgres: 50 } as const;
const PAUSE_MS = { sqlite: 4, postgres: 0 } as const;
const MIN_BATCH = 25;
const MAX_BATCH = 500;
/**
 * Search-index merge steps after each batch of events (SQLite): enough to keep up
 * with the deletes (at 1M events, ~2,000 merge steps of 8 pages for ~2,000 batches).
 */
const AFTER_BATCH_STEPS = 4;
/** At most this many merge steps once the events are gone (~10 ms each at 1M). */
const MAX_FINISHING_STEPS = 20_000;

export interface PruneProgress {
  table: string;
  deleted: number;
}

async function inBatches(
  handle: DatabaseHandle,
  table: string,
  fetchIds: (after: string | null, take: number) => Promise<string[]>,
  remove: (ids: string[]) => Promise<number>,
  onProgress?: (progress: PruneProgress) => void,
  /** Bounded steps of other work to do after each batch, each followed by the pause; false when none is left. */
  afterBatch?: () => Promise<boolean>,
) {
  let total = 0;
  let size = 100;
  // Keyset: the next batch starts after the last id deleted, so it does not walk over
  // the index entries of rows already deleted (on Postgres they stay until vacuum).
  let after: string | null = null;
  for (;;) {
    const ids = await fetchIds(after, size);
    if (ids.length === 0) return total;
    const started = performance.now();
    total += await remove(ids);
    const elapsed = performance.now() - started;
    trace(table, ids.length, elapsed);
    after = ids[ids.length - 1]!;
    size = Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.round(size * Math.min(2, TARGET_MS[handle.provider] / Math.max(elapsed, 1)))));
    onProgress?.({ table, deleted: total });
    // SQLite: copy this batch's pages back into the database file now (PASSIVE: never
    // blocks a writer), outside the lock. Left to the connection's automatic
    // checkpoint (every 80 MiB of WAL), one commit in ~12 s ran a large copy and fsync
    // for 100–230 ms; ingest's p99 during the prune went from 198 to 146 ms with this.
    await handle.withSqlite?.((db) => db.pragma("wal_checkpoint(PASSIVE)"));
    await pause(handle, elapsed);
    for (let step = 0; afterBatch && step < AFTER_BATCH_STEPS; step++) {
      const stepStarted = performance.now();
      const cpuBefore = tracing ? process.cpuUsage() : null;
      const worked = await afterBatch();
      trace("search merge", 0, performance.now() - stepStarted, cpuBefore);
      if (!worked) break;
      await pause(handle, performance.now() - stepStarted);
    }
  }
}

/**
 * SQLite: the merge work the deletes left, done in the same small steps before FTS5's
 * own merging comes back. Left to it, the first ingest commits after a prune merged
 * what was left in one go (ingest p99 0.5–1 s after a 1M prune, docs/benchmarks.md).
 * Bounded, so a prune always ends.
 */
async function finishSearchMerges(handle: DatabaseHandle) {
  // The merges FTS5's defaults would start (a segment with more than `deletemerge` % of
  // its rows deleted is rewritten), with its automatic merging still off.
  await setSearchMerges(handle, { automerge: 0, deletemerge: SEARCH_MERGES.deletemerge });
  for (let step = 0; step < MAX_FINISHING_STEPS; step++) {
    const started = performance.now();
    const cpuBefore = tracing ? process.cpuUsage() : null;
    const worked = await searchMergeStep(handle);
    trace("search merge, finishing", 0, performance.now() - started, cpuBefore);
    if (!worked) return;
    await pause(handle, performance.now() - started);
  }
}

const tracing = Boolean(process.env.HOOKLINE_PRUNE_TRACE);

/**
 * HOOKLINE_PRUNE_TRACE=1: each batch and merge step on stderr, for `bench:prune`; with
 * `cpuBefore`, also the CPU this process spent meanwhile (a step far slower than its CPU
 * waited on the disk).
 */
function trace(table: string, rows: number, ms: number, cpuBefore?: NodeJS.CpuUsage | null) {
  if (!tracing) return;
  const cpu = cpuBefore ? process.cpuUsage(cpuBefore) : null;
  const cpuMs = cpu ? Math.round((cpu.user + cpu.system) / 100) / 10 : undefined;
  console.error(JSON.stringify({ table, rows, ms: Math.round(ms * 10) / 10, cpuMs, at: Date.now() }));
}

/**
 * Lets ingest (in this process, or on SQLite in the server's) take its turn. On SQLite
 * the prune rests at least as long as its last write took: it holds the lock at most
 * half the time, and writes at most half as fast as it could (at full speed it wrote
 * ~130 MB/s to disk). Measured at 1M: ingest's median during the prune fell from
 * 10–16 ms to 3–4 ms; its tail did not (docs/benchmarks.md, "Prune").
 */
function pause(handle: DatabaseHandle, lastWriteMs: number) {
  const ms = PAUSE_MS[handle.provider] ? Math.max(PAUSE_MS[handle.provider], lastWriteMs) : 0;
  if (ms) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve) => setImmediate(resolve));
}

const idsAfter = (after: string | null) => (after === null ? {} : { gt: after });

export async function pruneOlderThan(
  handle: DatabaseHandle,
  retentionDays: number,
  now = new Date(),
  onProgress?: (progress: PruneProgress) => void,
): Promise<PruneResult> {
  const { db } = handle;
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  // Ids are newId(time) (attempts: sentAt; deliveries: receivedAt; events:
  // firstReceivedAt): "before the cutoff" is an id range, walked in id order.
  const before = firstIdAt(cutoff);
  const attempts = await inBatches(
    handle,
    "dispatch attempts",
    async (after, take) =>
      (await db.dispatchAttempt.findMany({ where: { sentAt: { lt: cutoff }, id: idsAfter(after) }, select: { id: true }, orderBy: { id: "asc" }, take })).map((r) => r.id),
    async (ids) => (await db.dispatchAttempt.deleteMany({ where: { id: { in: ids } } })).count,
    onProgress,
  );
  const deliveries = await inBatches(
    handle,
    "deliveries",
    async (after, take) =>
      (await db.delivery.findMany({ where: { id: { lt: before, ...idsAfter(after) } }, select: { id: true }, orderBy: { id: "asc" }, take })).map((r) => r.id),
    async (ids) => (await db.delivery.deleteMany({ where: { id: { in: ids } } })).count,
    onProgress,
  );
  // SQLite: the prune takes over FTS5's merging while events leave the index, in
  // small steps between batches (see withPruneSearchMerges). Settings other than FTS5's
  // defaults on the way in mean an earlier prune was killed mid-way (or another runs
  // now): its merge work is left, so this run finishes it too.
  const merges = await searchMerges(handle);
  const leftBehind = merges !== null && (merges.automerge !== SEARCH_MERGES.automerge || merges.deletemerge !== SEARCH_MERGES.deletemerge);
  const events = await withPruneSearchMerges(handle, async () => {
    const deleted = await inBatches(
      handle,
      "events",
      async (after, take) =>
        (await db.event.findMany({ where: { id: { lt: before, ...idsAfter(after) } }, select: { id: true }, orderBy: { id: "asc" }, take })).map((r) => r.id),
      async (ids) => {
        await removeFromSearch(handle, ids);
        return db.$transaction(async (tx) => {
          await tx.dispatchTask.deleteMany({ where: { eventId: { in: ids } } });
          await tx.delivery.updateMany({ where: { eventId: { in: ids } }, data: { eventId: null } });
          return (await tx.event.deleteMany({ where: { id: { in: ids } } })).count;
        });
      },
      onProgress,
      () => searchMergeStep(handle),
    );
    // Only a prune that deleted events, or a killed one, left merge work behind (the
    // retention task runs hourly, mostly with nothing to delete).
    if (deleted > 0 || leftBehind) await finishSearchMerges(handle);
    return deleted;
  });
  // Issues keep their row (and so their history of changes); their notification log and
  // per-minute occurrences age out with the rest.
  await inBatches(
    handle,
    "issue notifications",
    async (after, take) =>
      (
        await db.issueNotification.findMany({
          where: { createdAt: { lt: cutoff }, status: { in: ["sent", "failed"] }, id: idsAfter(after) },
          select: { id: true },
          orderBy: { id: "asc" },
          take,
        })
      ).map((r) => r.id),
    async (ids) => (await db.issueNotification.deleteMany({ where: { id: { in: ids } } })).count,
  );
  await inBatches(
    handle,
    "issue occurrences",
    async (after, take) =>
      (await db.issueOccurrence.findMany({ where: { at: { lt: cutoff }, id: idsAfter(after) }, select: { id: true }, orderBy: { id: "asc" }, take })).map((r) => r.id),
    async (ids) => (await db.issueOccurrence.deleteMany({ where: { id: { in: ids } } })).count,
  );
  return { cutoff, deliveries, events, attempts };
}

/** The worker's retention task: prunes once an hour (and soon after start). */
export function retentionTask(retentionDays: () => number) {
  let nextRun = Date.now() + 60_000;
  return {
    name: "retention",
    intervalMs: 60_000,
    async run(handle: DatabaseHandle): Promise<boolean> {
      if (Date.now() < nextRun) return false;
      nextRun = Date.now() + 60 * 60 * 1000;
      await pruneOlderThan(handle, retentionDays());
      return false;
    },
  };
}
