// Retention: events, deliveries and dispatch attempts older than
// HOOKLINE_RETENTION_DAYS are deleted in small batches, so no statement holds a
// long write lock while ingest keeps running.
import type { DatabaseHandle } from "~/db/prisma.server";
import { firstIdAt } from "~/db/ids";
import { removeFromSearch } from "~/events/search.server";

export interface PruneResult {
  cutoff: Date;
  deliveries: number;
  events: number;
  attempts: number;
}

// Under SQLite's 999 bound parameters per statement.
const BATCH = 500;

async function inBatches(fetchIds: () => Promise<string[]>, remove: (ids: string[]) => Promise<number>) {
  let total = 0;
  for (;;) {
    const ids = await fetchIds();
    if (ids.length === 0) return total;
    total += await remove(ids);
    // Let ingest in the same process take its turn between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function pruneOlderThan(handle: DatabaseHandle, retentionDays: number, now = new Date()): Promise<PruneResult> {
  const { db } = handle;
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  const attempts = await inBatches(
    async () => (await db.dispatchAttempt.findMany({ where: { sentAt: { lt: cutoff } }, select: { id: true }, take: BATCH })).map((r) => r.id),
    async (ids) => (await db.dispatchAttempt.deleteMany({ where: { id: { in: ids } } })).count,
  );
  const deliveries = await inBatches(
    // Delivery ids are newId(receivedAt): "received before the cutoff" is an id range.
    async () => (await db.delivery.findMany({ where: { id: { lt: firstIdAt(cutoff) } }, select: { id: true }, take: BATCH })).map((r) => r.id),
    async (ids) => (await db.delivery.deleteMany({ where: { id: { in: ids } } })).count,
  );
  const events = await inBatches(
    // Event ids are newId(firstReceivedAt): the same id range.
    async () => (await db.event.findMany({ where: { id: { lt: firstIdAt(cutoff) } }, select: { id: true }, take: BATCH })).map((r) => r.id),
    async (ids) => {
      await removeFromSearch(handle, ids);
      return db.$transaction(async (tx) => {
        await tx.dispatchTask.deleteMany({ where: { eventId: { in: ids } } });
        await tx.delivery.updateMany({ where: { eventId: { in: ids } }, data: { eventId: null } });
        return (await tx.event.deleteMany({ where: { id: { in: ids } } })).count;
      });
    },
  );
  // Issues keep their row (and so their history of changes); their notification log and
  // per-minute occurrences age out with the rest.
  await inBatches(
    async () => (await db.issueNotification.findMany({ where: { createdAt: { lt: cutoff }, status: { in: ["sent", "failed"] } }, select: { id: true }, take: BATCH })).map((r) => r.id),
    async (ids) => (await db.issueNotification.deleteMany({ where: { id: { in: ids } } })).count,
  );
  await inBatches(
    async () => (await db.issueOccurrence.findMany({ where: { at: { lt: cutoff } }, select: { id: true }, take: BATCH })).map((r) => r.id),
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
