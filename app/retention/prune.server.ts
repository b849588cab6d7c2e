// Retention: events, deliveries and dispatch attempts older than
// HOOKLINE_RETENTION_DAYS are deleted in small batches, so no statement holds a
// long write lock while ingest keeps running.
import type { Db } from "~/db/prisma.server";

export interface PruneResult {
  cutoff: Date;
  deliveries: number;
  events: number;
  attempts: number;
}

const BATCH = 1000;

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

export async function pruneOlderThan(db: Db, retentionDays: number, now = new Date()): Promise<PruneResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  const attempts = await inBatches(
    async () => (await db.dispatchAttempt.findMany({ where: { sentAt: { lt: cutoff } }, select: { id: true }, take: BATCH })).map((r) => r.id),
    async (ids) => (await db.dispatchAttempt.deleteMany({ where: { id: { in: ids } } })).count,
  );
  const deliveries = await inBatches(
    async () => (await db.delivery.findMany({ where: { receivedAt: { lt: cutoff } }, select: { id: true }, take: BATCH })).map((r) => r.id),
    async (ids) => (await db.delivery.deleteMany({ where: { id: { in: ids } } })).count,
  );
  const events = await inBatches(
    async () => (await db.event.findMany({ where: { firstReceivedAt: { lt: cutoff } }, select: { id: true }, take: BATCH })).map((r) => r.id),
    async (ids) =>
      db.$transaction(async (tx) => {
        await tx.dispatchTask.deleteMany({ where: { eventId: { in: ids } } });
        return (await tx.event.deleteMany({ where: { id: { in: ids } } })).count;
      }),
  );
  return { cutoff, deliveries, events, attempts };
}
