// Everything the event page and `GET /api/v1/events/:id` show about one event: the
// envelope (masked unless revealed), the raw body as it arrived, every delivery of
// its svix-id, the payload diff for `*.updated`, and its dispatch attempts.
// Framework-free: the route, the API and the tests call the same functions.
import type { DatabaseHandle } from "~/db/prisma.server";
import { decodeHeaders } from "~/deliveries/body-codec.server";
import { parseStoredHeaders, viewHeaders } from "~/deliveries/stored-headers";
import type { Role } from "~/auth/roles";
import { loadEventPayloads } from "./event-payload.server";
import { getEventRow, toApiEvent, type ApiEvent, type EventRow } from "./event-query.server";
import { diffPayloads, type PayloadChange } from "./payload-diff";
import { redactEnvelope, seesSecrets, typeHasSecrets } from "./redaction";
import { recentAttempts, type AttemptView } from "~/dispatch/dispatch-views.server";

/** Hex dumps of non-UTF-8 bodies stop here; the body is still downloadable as stored. */
const MAX_HEX_BYTES = 64 * 1024;
const MAX_DISPATCH_ATTEMPTS = 200;
const MAX_COMPARE_CANDIDATES = 100;

export interface EventRef {
  id: string;
  svixId: string;
  type: string;
  /** Envelope timestamp, ms. */
  timestamp: number;
  receivedAt: string;
}

export interface EventDiff {
  /** The earlier state; null when none is stored. */
  from: EventRef | null;
  /** The later state. */
  to: EventRef;
  /** `previous`: the latest earlier state of the resource (DESIGN.md); `compare`: two events picked by a person. */
  mode: "previous" | "compare";
  /** Why there is nothing to compare, in words a person can act on. */
  reason: string | null;
  changes: PayloadChange[];
}

export interface DeliveryOfEvent {
  id: string;
  receivedAt: string;
  outcome: string;
  outcomeDetail: string | null;
  status: number;
  duplicate: boolean;
  remoteAddr: string | null;
  size: number;
  truncated: boolean;
  svixTimestamp: string | null;
  /** Every header as [name, value] in arrival order, duplicates kept (ADR 0001); credential values masked unless revealed. */
  headers: [string, string][];
  /** Names of the credential headers present (authorization, cookie, API keys...). */
  credentialHeaders: string[];
  /** This delivery's bytes are the event's payload. */
  isFirst: boolean;
  /** Part of this event, or a delivery of the same svix-id that failed verification. */
  linked: boolean;
}

/** An HTTP attempt to send this event to a target (the dispatch pages' view of it). */
export type DispatchAttemptOfEvent = AttemptView;

export interface RawBodyView {
  bytes: number;
  /** The body as text when it is valid UTF-8. */
  text: string | null;
  /** Hex dump lines when it is not. */
  hex: string[] | null;
  hexTruncated: boolean;
  /** Hidden because it holds codes or message bodies the caller may not see unmasked. */
  hidden: boolean;
}

export interface EventDetail {
  event: ApiEvent;
  /** The parsed envelope (masked unless revealed); null when the stored bytes no longer parse. */
  payload: unknown;
  /** JSON paths that are masked in `payload`. */
  maskedPaths: string[];
  /** The type carries codes or message bodies (email.created, sms.created). */
  hasSecrets: boolean;
  revealed: boolean;
  raw: RawBodyView;
  deliveries: DeliveryOfEvent[];
  diff: EventDiff | null;
  dispatches: DispatchAttemptOfEvent[];
}

export interface DetailOptions {
  role: Role;
  /** Show masked values (operators and admins only; the caller records the audit entry first). */
  reveal?: boolean;
  /** Diff against this event of the same resource instead of the previous state. */
  compareWith?: string | null;
}

export class CompareError extends Error {}

export function eventRef(row: EventRow): EventRef {
  return {
    id: row.id,
    svixId: row.svixId,
    type: row.type,
    timestamp: Number(row.timestampMs),
    receivedAt: row.firstReceivedAt.toISOString(),
  };
}

/** Whether this caller sees the unmasked payload. */
export function showsSecrets(role: Role, reveal: boolean | undefined): boolean {
  return Boolean(reveal) && seesSecrets(role);
}

export async function loadEventDetail(handle: DatabaseHandle, id: string, options: DetailOptions): Promise<EventDetail | null> {
  const row = await getEventRow(handle, id);
  if (!row) return null;
  const unmasked = showsSecrets(options.role, options.reveal);
  const [payloads, deliveries, diff, dispatches] = await Promise.all([
    loadEventPayloads(handle, [row.firstDeliveryId]),
    loadDeliveriesOfEvent(handle, row, unmasked),
    options.compareWith
      ? compareEvents(handle, row, options.compareWith, unmasked)
      : row.type.endsWith(".updated")
        ? diffWithPreviousState(handle, row, unmasked)
        : Promise.resolve(null),
    loadDispatchAttempts(handle, row.id),
  ]);
  const stored = payloads.get(row.firstDeliveryId) ?? null;
  const hasSecrets = typeHasSecrets(row.type);
  const masked = unmasked ? { value: stored?.envelope ?? null, paths: [] } : redactEnvelope(row.type, stored?.envelope ?? null);
  return {
    event: toApiEvent(row),
    payload: masked.value,
    maskedPaths: masked.paths,
    hasSecrets,
    revealed: unmasked,
    raw: rawBodyView(stored?.raw ?? Buffer.alloc(0), hasSecrets && !unmasked),
    deliveries,
    diff,
    dispatches,
  };
}

export function rawBodyView(raw: Buffer, hidden: boolean): RawBodyView {
  if (hidden) return { bytes: raw.length, text: null, hex: null, hexTruncated: false, hidden: true };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    return { bytes: raw.length, text, hex: null, hexTruncated: false, hidden: false };
  } catch {
    return { bytes: raw.length, text: null, hex: hexDump(raw.subarray(0, MAX_HEX_BYTES)), hexTruncated: raw.length > MAX_HEX_BYTES, hidden: false };
  }
}

/** `00000010  7b 22 64 61 …  |{"da…|`, 16 bytes a line, as `xxd`/`hexdump -C` print it. */
export function hexDump(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const chunk = bytes.subarray(offset, offset + 16);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines;
}

/**
 * Every delivery of this svix-id on this event's source: the ones linked to the event
 * (first and duplicates) and any that failed verification before a secret was fixed.
 */
async function loadDeliveriesOfEvent(handle: DatabaseHandle, row: EventRow, unmasked: boolean): Promise<DeliveryOfEvent[]> {
  const rows = await handle.db.delivery.findMany({
    where: { OR: [{ eventId: row.id }, { svixId: row.svixId, sourceSlug: row.sourceSlug, eventId: null }] },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    take: 500,
    select: {
      id: true,
      receivedAt: true,
      outcome: true,
      outcomeDetail: true,
      status: true,
      duplicate: true,
      remoteAddr: true,
      size: true,
      truncated: true,
      svixTimestamp: true,
      headers: true,
      eventId: true,
    },
  });
  return rows.map((d) => ({
    ...viewHeaders(parseStoredHeaders(decodeHeaders(d.headers)), unmasked),
    id: d.id,
    receivedAt: d.receivedAt.toISOString(),
    outcome: d.outcome,
    outcomeDetail: d.outcomeDetail,
    status: d.status,
    duplicate: d.duplicate,
    remoteAddr: d.remoteAddr,
    size: d.size,
    truncated: d.truncated,
    svixTimestamp: d.svixTimestamp,
    isFirst: d.id === row.firstDeliveryId,
    linked: d.eventId === row.id,
  }));
}

function loadDispatchAttempts(handle: DatabaseHandle, eventId: string): Promise<DispatchAttemptOfEvent[]> {
  return recentAttempts(handle.db, { eventId }, MAX_DISPATCH_ATTEMPTS);
}

/**
 * The latest state of the same resource stored before this event, in the order every
 * view uses (envelope timestamp, then time received). Deletions are skipped: a
 * tombstone (`{ id, deleted: true }`) is not a state to compare with.
 */
export async function findPreviousState(handle: DatabaseHandle, row: EventRow): Promise<EventRow | null> {
  const previousId = await findPreviousStateId(handle, row);
  return previousId ? getEventRow(handle, previousId) : null;
}

/** The id of that previous state (the event list's summaries need only its payload). */
export async function findPreviousStateId(
  handle: DatabaseHandle,
  row: Pick<EventRow, "id" | "resourceType" | "resourceId" | "timestampMs" | "firstReceivedAt">,
): Promise<string | null> {
  if (!row.resourceType || !row.resourceId) return null;
  const previous = await handle.db.event.findFirst({
    where: {
      resourceType: row.resourceType,
      resourceId: row.resourceId,
      id: { not: row.id },
      NOT: { type: { endsWith: ".deleted" } },
      OR: [
        { timestampMs: { lt: row.timestampMs } },
        // NOTE: Svix may deliver two states with the same envelope timestamp; the one
        // received first counts as earlier (DESIGN.md ordering: timestamp, then arrival).
        { timestampMs: row.timestampMs, firstReceivedAt: { lt: row.firstReceivedAt } },
      ],
    },
    orderBy: [{ timestampMs: "desc" }, { firstReceivedAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return previous?.id ?? null;
}

function dataOf(envelope: unknown): unknown {
  return envelope && typeof envelope === "object" ? (envelope as { data?: unknown }).data : undefined;
}

async function diffRows(handle: DatabaseHandle, from: EventRow, to: EventRow, unmasked: boolean, mode: EventDiff["mode"]): Promise<EventDiff> {
  const payloads = await loadEventPayloads(handle, [from.firstDeliveryId, to.firstDeliveryId]);
  const side = (row: EventRow) => {
    const envelope = payloads.get(row.firstDeliveryId)?.envelope ?? null;
    return unmasked ? envelope : redactEnvelope(row.type, envelope).value;
  };
  return { from: eventRef(from), to: eventRef(to), mode, reason: null, changes: diffPayloads(dataOf(side(from)), dataOf(side(to)), ["data"]) };
}

/** DESIGN.md: a `*.updated` event against the latest earlier state of its resource. */
export async function diffWithPreviousState(handle: DatabaseHandle, row: EventRow, unmasked: boolean): Promise<EventDiff> {
  const previous = await findPreviousState(handle, row);
  if (!previous) {
    const what = row.resourceType && row.resourceId ? `${row.resourceType} ${row.resourceId}` : "this resource";
    return {
      from: null,
      to: eventRef(row),
      mode: "previous",
      reason: `No earlier state of ${what} is stored (no created or updated event before this one), so there is nothing to compare with. Hookline keeps only what Clerk sent to it.`,
      changes: [],
    };
  }
  return diffRows(handle, previous, row, unmasked, "previous");
}

function isEarlier(a: EventRow, b: EventRow): boolean {
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs;
  return a.firstReceivedAt.getTime() <= b.firstReceivedAt.getTime();
}

/** Two events of one resource, older → newer whichever way round they were picked. */
export async function compareEvents(handle: DatabaseHandle, row: EventRow, otherId: string, unmasked: boolean): Promise<EventDiff> {
  if (otherId === row.id) throw new CompareError("Pick a different event to compare with; this is the same event.");
  const other = await getEventRow(handle, otherId);
  if (!other) throw new CompareError(`No event with id ${otherId}.`);
  if (!row.resourceId || other.resourceType !== row.resourceType || other.resourceId !== row.resourceId) {
    throw new CompareError(
      `Only events of the same resource can be compared: this event is about ${row.resourceType ?? "?"} ${row.resourceId ?? "?"}, the other about ${other.resourceType ?? "?"} ${other.resourceId ?? "?"}.`,
    );
  }
  const [from, to] = isEarlier(other, row) ? [other, row] : [row, other];
  return diffRows(handle, from, to, unmasked, "compare");
}

/** Other events of the same resource, nearest first, for the "compare with" picker. */
export async function compareCandidates(handle: DatabaseHandle, event: ApiEvent): Promise<EventRef[]> {
  if (!event.resourceType || !event.resourceId) return [];
  const rows = await handle.db.event.findMany({
    where: { resourceType: event.resourceType, resourceId: event.resourceId, id: { not: event.id } },
    orderBy: [{ timestampMs: "desc" }, { id: "desc" }],
    take: MAX_COMPARE_CANDIDATES,
    select: { id: true, svixId: true, type: true, timestampMs: true, firstReceivedAt: true },
  });
  return rows.map((r) => ({ id: r.id, svixId: r.svixId, type: r.type, timestamp: Number(r.timestampMs), receivedAt: r.firstReceivedAt.toISOString() }));
}
