// An event's payload is the raw body of its first delivery, parsed on read (ADR 0001).
import type { Db } from "~/db/prisma.server";

export interface EventPayload {
  /** The parsed envelope, or null when the stored bytes no longer parse. */
  envelope: { data?: unknown; [key: string]: unknown } | null;
  raw: Buffer;
}

export async function loadEventPayload(db: Db, firstDeliveryId: string): Promise<EventPayload | null> {
  const delivery = await db.delivery.findUnique({ where: { id: firstDeliveryId }, select: { rawBody: true } });
  if (!delivery) return null;
  const raw = Buffer.from(delivery.rawBody);
  try {
    return { envelope: JSON.parse(raw.toString("utf8")) as EventPayload["envelope"], raw };
  } catch {
    return { envelope: null, raw };
  }
}

/** Payloads of many events at once (diffs, timelines), keyed by first delivery id. */
export async function loadEventPayloads(db: Db, firstDeliveryIds: string[]): Promise<Map<string, EventPayload>> {
  const result = new Map<string, EventPayload>();
  for (let i = 0; i < firstDeliveryIds.length; i += 500) {
    const rows = await db.delivery.findMany({
      where: { id: { in: firstDeliveryIds.slice(i, i + 500) } },
      select: { id: true, rawBody: true },
    });
    for (const row of rows) {
      const raw = Buffer.from(row.rawBody);
      let envelope: EventPayload["envelope"] = null;
      try {
        envelope = JSON.parse(raw.toString("utf8"));
      } catch {
        envelope = null;
      }
      result.set(row.id, { envelope, raw });
    }
  }
  return result;
}
