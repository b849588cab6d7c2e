// Auto-forward: every new verified event is queued to every enabled auto-forward
// target whose type filter matches.
//
// NOTE: this runs in the worker, not in ingest. Ingest only stores the event with
// `forwardScanned = false` while some target auto-forwards (and as already scanned
// while none does, see reopenForwardScan); the worker flips the flag and creates the
// tasks in one transaction. A high-water mark on event ids was
// the alternative, but ids come from the receive time while rows commit in any order,
// so a mark can pass an event whose transaction had not committed yet; a flag cannot
// miss one. Ingest never waits on forwarding, and a burst of deliveries costs the
// forwarder one batch per turn. See docs/decisions/0007-dispatch-queue.md.
import { typeMatchesPatterns } from "~/catalog/event-catalog";
import { firstIdAt, newId } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { Prisma } from "~/generated/sqlite/client";
import { AUTO_FORWARD_LOCK } from "./auto-forward-lock";
import { insertRows } from "./bulk-insert.server";
import { orderKeyOf } from "./job-selection.server";
import { TASK_COLUMNS } from "./plan-job.server";
import { parseEventTypes } from "./target.server";

export const FORWARD_BATCH = 500;

/**
 * Postgres: run in every transaction that switches a target's auto-forward on or off,
 * before it looks at the other targets or the events. Ingest takes the same lock
 * shared in each batch and only then looks at the targets
 * (app/ingest/postgres-batch-writer.server.ts), so a batch either commits before this
 * transaction looks at the events or sees the target as this transaction leaves it.
 * Switching off takes it too, so that one target switched off while another is
 * switched on cannot leave a moment in which ingest sees neither. SQLite's writers are
 * serialized already.
 */
export async function lockAutoForward(tx: Prisma.TransactionClient) {
  // NOTE: Prisma's own record of the provider; a transaction client passes it through.
  if ((tx as unknown as { _activeProvider?: string })._activeProvider !== "postgresql") return;
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUTO_FORWARD_LOCK})`);
}

/**
 * Run in the transaction that switches auto-forward on for `targetId` (created with
 * it, turned on, or re-enabled), with `since` the moment it was switched on.
 *
 * Ingest stores events already marked as scanned while no target auto-forwards
 * (app/ingest/sqlite-batch-writer.server.ts, postgres-batch-writer.server.ts), and a
 * scan with no target marks them without queueing anything. Events received since `since` but stored before this
 * transaction are handed back to the scan, so switching on covers every event received
 * from that moment. When another target already auto-forwards, those events were
 * stored unscanned and the scan takes them as usual (resetting them would queue them
 * twice to the other target).
 */
export async function reopenForwardScan(tx: Prisma.TransactionClient, targetId: string, since: Date) {
  await lockAutoForward(tx);
  const others = await tx.target.count({ where: { id: { not: targetId }, autoForward: true, enabled: true, deletedAt: null } });
  if (others > 0) return;
  await tx.event.updateMany({ where: { id: { gte: firstIdAt(since) }, forwardScanned: true }, data: { forwardScanned: false } });
}

interface ScannedEvent {
  id: string;
  type: string;
  resourceType: string | null;
  resourceId: string | null;
  firstReceivedAt: Date;
}

/** Queues the next batch of unscanned events. Returns how many events it scanned. */
export async function forwardNewEvents(handle: DatabaseHandle, limit = FORWARD_BATCH, now = new Date()): Promise<number> {
  const targets = await handle.db.target.findMany({
    where: { autoForward: true, enabled: true, deletedAt: null },
    select: { id: true, eventTypes: true, autoForwardSince: true, createdAt: true },
  });
  // NOTE: on Postgres, SKIP LOCKED lets two instances scan different batches at once;
  // the `forwardScanned = FALSE` re-check makes sure no event is taken twice.
  // NOTE: SQLite uses a partial index only when the query's literal matches its
  // predicate (`"forwardScanned" = 0`); written `= FALSE` it scanned the whole table:
  // 2.7 s per look at 1M events, with the write lock held for the UPDATE.
  const unscanned = handle.provider === "postgres" ? Prisma.sql`"forwardScanned" = FALSE` : Prisma.sql`"forwardScanned" = 0`;
  const pick =
    handle.provider === "postgres"
      ? Prisma.sql`SELECT "id" FROM "Event" WHERE ${unscanned} ORDER BY "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED`
      : Prisma.sql`SELECT "id" FROM "Event" WHERE ${unscanned} ORDER BY "id" LIMIT ${limit}`;
  if (targets.length === 0) {
    // NOTE: look before writing. An UPDATE takes SQLite's write lock even when it
    // changes nothing, and ingest would wait for it every turn; SQLite ingest stores
    // events already scanned while no target auto-forwards, so there is usually none.
    const [first] = await handle.db.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Event" WHERE ${unscanned} ORDER BY "id" LIMIT 1`;
    if (!first) return 0;
    // Nothing forwards: mark the batch scanned without reading it back (at ingest rates
    // the RETURNING rows cost more than the update).
    return handle.db.$executeRaw`UPDATE "Event" SET "forwardScanned" = TRUE WHERE "id" IN (${pick}) AND ${unscanned}`;
  }
  return handle.db.$transaction(async (tx) => {
    const events = await tx.$queryRaw<ScannedEvent[]>`
      UPDATE "Event" SET "forwardScanned" = TRUE
      WHERE "id" IN (${pick}) AND ${unscanned}
      RETURNING "id", "type", "resourceType", "resourceId", "firstReceivedAt"`;
    if (events.length === 0) return 0;
    // Arrival order (ids are time-ordered): forwarding keeps the order Svix delivered in.
    events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const target of targets) {
      const patterns = parseEventTypes(target.eventTypes);
      const since = (target.autoForwardSince ?? target.createdAt).getTime();
      const matching = events.filter((e) => e.firstReceivedAt.getTime() >= since && typeMatchesPatterns(e.type, patterns));
      if (!matching.length) continue;
      const [row] = await tx.$queryRaw<{ forwardSeq: number }[]>`
        UPDATE "Target" SET "forwardSeq" = "forwardSeq" + ${matching.length} WHERE "id" = ${target.id} RETURNING "forwardSeq"`;
      const first = Number(row!.forwardSeq) - matching.length + 1;
      await insertRows(
        tx,
        handle.provider,
        "DispatchTask",
        TASK_COLUMNS,
        matching.map((event, i) => ({
          id: newId(now.getTime()),
          jobId: null,
          targetId: target.id,
          eventId: event.id,
          seq: first + i,
          lane: `fwd:${target.id}`,
          orderKey: orderKeyOf(event),
          status: "pending",
          attempts: 0,
          nextAttemptAt: now,
          svixId: null,
          createdAt: now,
        })),
      );
    }
    return events.length;
  });
}
