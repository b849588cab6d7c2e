// The event list's Summary column (issue 13, A): one line per event, from its payload,
// for one page of events. Summaries never include message bodies or codes
// (app/lifecycle/event-summary.ts), so every role sees the same line.
import type { DatabaseHandle } from "~/db/prisma.server";
import { summarizeEvent } from "~/lifecycle/event-summary";
import { loadEventPayloads } from "./event-payload.server";

export async function summarizeEventsById(handle: DatabaseHandle, events: { id: string; type: string }[]): Promise<Record<string, string>> {
  if (events.length === 0) return {};
  const rows = await handle.db.event.findMany({ where: { id: { in: events.map((e) => e.id) } }, select: { id: true, firstDeliveryId: true } });
  const payloads = await loadEventPayloads(
    handle,
    rows.map((row) => row.firstDeliveryId),
  );
  const firstDelivery = new Map(rows.map((row) => [row.id, row.firstDeliveryId]));
  const summaries: Record<string, string> = {};
  for (const event of events) {
    const envelope = payloads.get(firstDelivery.get(event.id) ?? "")?.envelope;
    const data = envelope && typeof envelope.data === "object" && envelope.data !== null && !Array.isArray(envelope.data) ? (envelope.data as Record<string, unknown>) : null;
    summaries[event.id] = summarizeEvent(event.type, data);
  }
  return summaries;
}
