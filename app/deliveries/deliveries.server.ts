// Reading deliveries (every request that reached ingest) for pages and the API.
import type { Db } from "~/db/prisma.server";

export interface DeliveryListItem {
  id: string;
  receivedAt: string;
  source: string;
  svixId: string | null;
  outcome: string;
  outcomeDetail: string | null;
  status: number;
  size: number;
  duplicate: boolean;
  eventId: string | null;
  type: string | null;
  remoteAddr: string | null;
}

/** Newest first; `before` is the id of the last row of the previous page (ids sort by time). */
export async function listRecentDeliveries(db: Db, options: { limit: number; before?: string | null }) {
  const rows = await db.delivery.findMany({
    where: options.before ? { id: { lt: options.before } } : undefined,
    orderBy: { id: "desc" },
    take: options.limit + 1,
    select: {
      id: true,
      receivedAt: true,
      sourceSlug: true,
      svixId: true,
      outcome: true,
      outcomeDetail: true,
      status: true,
      size: true,
      duplicate: true,
      eventId: true,
      remoteAddr: true,
      event: { select: { type: true } },
    },
  });
  const page = rows.slice(0, options.limit);
  const items: DeliveryListItem[] = page.map((row) => ({
    id: row.id,
    receivedAt: row.receivedAt.toISOString(),
    source: row.sourceSlug,
    svixId: row.svixId,
    outcome: row.outcome,
    outcomeDetail: row.outcomeDetail,
    status: row.status,
    size: row.size,
    duplicate: row.duplicate,
    eventId: row.eventId,
    type: row.event?.type ?? null,
    remoteAddr: row.remoteAddr,
  }));
  return { items, nextBefore: rows.length > options.limit ? page.at(-1)!.id : null };
}
