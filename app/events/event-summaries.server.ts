// The event list's Summary column (issue 13, A): one line per event, from its payload,
// for one page of events. An `*.updated` event also says what changed since the
// previous state of its resource ("Jane Mensah · primary email changed"), from the
// same diff the event page shows. Summaries never include message bodies or codes
// (app/lifecycle/event-summary.ts), so every role sees the same line.
import type { DatabaseHandle } from "~/db/prisma.server";
import { displayName, primaryEmailOf, summarizeEvent } from "~/lifecycle/event-summary";
import { describeChanges } from "./change-words";
import { findPreviousStateId } from "./event-detail.server";
import { loadEventPayloads } from "./event-payload.server";
import { diffPayloads } from "./payload-diff";

type Data = Record<string, unknown>;

function dataOf(envelope: { data?: unknown } | null | undefined): Data | null {
  const data = envelope?.data;
  return data && typeof data === "object" && !Array.isArray(data) ? (data as Data) : null;
}

/** Who or what an update is about, as short as it can be said: "Jane Mensah", "Acme Robotics". */
function subjectOf(type: string, data: Data | null): string | null {
  const text = (value: unknown) => (typeof value === "string" && value ? value : null);
  if (type === "user.updated") return displayName(data) ?? primaryEmailOf(data);
  if (type === "organization.updated") return text(data?.name) ?? text(data?.slug);
  if (type === "organizationMembership.updated") {
    const member = (data?.public_user_data ?? null) as Data | null;
    const who = displayName(member) ?? text(member?.identifier);
    const org = text((data?.organization as Data | undefined)?.name);
    return who && org ? `${who} in ${org}` : (who ?? org);
  }
  return null;
}

export async function summarizeEventsById(handle: DatabaseHandle, events: { id: string; type: string }[]): Promise<Record<string, string>> {
  if (events.length === 0) return {};
  const rows = await handle.db.event.findMany({
    where: { id: { in: events.map((e) => e.id) } },
    select: { id: true, type: true, firstDeliveryId: true, resourceType: true, resourceId: true, timestampMs: true, firstReceivedAt: true },
  });
  // The previous state of each update, found one indexed query at a time (a page
  // holds at most a few hundred rows).
  const updates = rows.filter((row) => row.type.endsWith(".updated"));
  const previousIds = new Map<string, string>();
  await Promise.all(
    updates.map(async (row) => {
      const previous = await findPreviousStateId(handle, row);
      if (previous) previousIds.set(row.id, previous);
    }),
  );
  const previousRows = previousIds.size
    ? await handle.db.event.findMany({ where: { id: { in: [...new Set(previousIds.values())] } }, select: { id: true, firstDeliveryId: true } })
    : [];
  const deliveryOf = new Map([...rows, ...previousRows].map((row) => [row.id, row.firstDeliveryId]));
  const payloads = await loadEventPayloads(handle, [...new Set(deliveryOf.values())]);
  const dataFor = (id: string | undefined) => (id ? dataOf(payloads.get(deliveryOf.get(id) ?? "")?.envelope) : null);

  const summaries: Record<string, string> = {};
  for (const event of events) {
    const data = dataFor(event.id);
    const base = summarizeEvent(event.type, data);
    const previousId = previousIds.get(event.id);
    const changed = previousId && data ? describeChanges(diffPayloads(dataFor(previousId), data, ["data"])) : null;
    summaries[event.id] = changed ? `${subjectOf(event.type, data) ?? base} · ${changed}` : base;
  }
  return summaries;
}
