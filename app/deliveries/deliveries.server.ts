// Reading deliveries (every request that reached ingest, valid or not) for the
// /deliveries pages and `GET /api/v1/deliveries`.
import type { Role } from "~/auth/roles";
import { firstIdAt, lastIdAt } from "~/db/ids";
import type { Db } from "~/db/prisma.server";
import type { DeliveryGetPayload } from "~/generated/sqlite/models";
import { redactEnvelope, seesSecrets, typeHasSecrets } from "~/events/redaction";
import { parseEnvelope } from "~/ingest/envelope";
import { bodyOf, decodeHeaders, STORED_BODY } from "./body-codec.server";
import { outcomesFor, type DeliveryQuery } from "./delivery-filter";
import { parseStoredHeaders, viewHeaders } from "./stored-headers";
import { reverifyBlocker } from "./reverify.server";

export { parseStoredHeaders };

/** A delivery as the list and the JSON API show it. */
export interface ApiDelivery {
  id: string;
  source: string;
  receivedAt: string;
  remoteAddr: string | null;
  requestId: string | null;
  svixId: string | null;
  svixTimestamp: string | null;
  outcome: string;
  outcomeDetail: string | null;
  /** The HTTP status ingest answered. */
  status: number;
  size: number;
  truncated: boolean;
  duplicate: boolean;
  eventId: string | null;
  /** The type of its event, when it has one. */
  type: string | null;
  /**
   * Page only (`withClaimedType`): the `type` a failed delivery's body claims when it
   * parses as a Clerk envelope. Unverified: anyone can post any body; show it, marked,
   * and never act on it.
   */
  claimedType?: string | null;
  /** Every header as [name, value] in arrival order (API only). */
  headers?: [string, string][];
}

const LIST_SELECT = {
  id: true,
  sourceSlug: true,
  receivedAt: true,
  remoteAddr: true,
  requestId: true,
  svixId: true,
  svixTimestamp: true,
  outcome: true,
  outcomeDetail: true,
  status: true,
  size: true,
  truncated: true,
  duplicate: true,
  eventId: true,
  event: { select: { type: true } },
} as const;

/** The list's fields of a delivery row selected with LIST_SELECT. */
function toApiDelivery(row: DeliveryGetPayload<{ select: typeof LIST_SELECT }>): ApiDelivery {
  return {
    id: row.id,
    source: row.sourceSlug,
    receivedAt: row.receivedAt.toISOString(),
    remoteAddr: row.remoteAddr,
    requestId: row.requestId,
    svixId: row.svixId,
    svixTimestamp: row.svixTimestamp,
    outcome: row.outcome,
    outcomeDetail: row.outcomeDetail,
    status: row.status,
    size: row.size,
    truncated: Boolean(row.truncated),
    duplicate: Boolean(row.duplicate),
    eventId: row.eventId,
    type: row.event?.type ?? null,
  };
}

export class InvalidDeliveryCursorError extends Error {}


function encodeCursor(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[0-9A-Z]{26}$/.test(id)) throw new InvalidDeliveryCursorError("Invalid `cursor`: use the nextCursor of a previous page.");
  return id;
}

/**
 * One page of deliveries, newest first. Keyset pagination on the id: delivery ids are
 * time-ordered (ULIDs of the time received), so page 50 costs what page 1 costs.
 */
export async function listDeliveries(
  db: Db,
  query: Pick<DeliveryQuery, "outcome" | "source" | "from" | "to" | "limit" | "cursor">,
  options: { withHeaders?: boolean; withClaimedType?: boolean } = {},
): Promise<{ deliveries: ApiDelivery[]; nextCursor: string | null }> {
  const outcomes = outcomesFor(query.outcome);
  const before = query.cursor ? decodeCursor(query.cursor) : null;
  // NOTE: a delivery's id is newId(receivedAt) (ingest and seed), so the time range is
  // exactly an id range. Every filter then lives in an index ending in `id` ([outcome,
  // id], [sourceSlug, id] or the primary key), and step 1 reads only index entries:
  // rows carry their bodies, and reading thousands of them to keep 50 is what made the
  // "failed" view slow at a million deliveries.
  const ids = {
    ...(before ? { lt: before } : {}),
    ...(query.from ? { gte: firstIdAt(query.from) } : {}),
    ...(query.to ? { lte: lastIdAt(query.to) } : {}),
  };
  // One query per outcome, each an equality on ([sourceSlug,] outcome) read in id order
  // from its index, merged here: the planners would rather walk [sourceSlug, id] and
  // read every row of a busy source to check its outcome.
  const where = (outcome?: string) => ({
    ...(outcome ? { outcome } : {}),
    ...(query.source ? { sourceSlug: query.source } : {}),
    ...(Object.keys(ids).length ? { id: ids } : {}),
  });
  const lists = await Promise.all(
    (outcomes ?? [undefined]).map((outcome) =>
      db.delivery.findMany({ where: where(outcome), orderBy: { id: "desc" }, take: query.limit + 1, select: { id: true } }),
    ),
  );
  const pageIds = lists
    .flat()
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, query.limit + 1);
  // Step 2: the rows of this page only.
  const rows = pageIds.length
    ? await db.delivery.findMany({
        where: { id: { in: pageIds.map((row) => row.id) } },
        orderBy: { id: "desc" },
        select: { ...LIST_SELECT, headers: options.withHeaders ?? false },
      })
    : [];
  const page = rows.slice(0, query.limit);
  const deliveries = page.map((row) => {
    const item = toApiDelivery(row);
    // Credential headers (authorization, cookie, API keys) are masked in lists for
    // every role; operators reveal them one delivery at a time, audited.
    if (options.withHeaders) item.headers = viewHeaders(parseStoredHeaders(decodeHeaders((row as { headers?: string }).headers ?? "[]")), false).headers;
    return item;
  });
  if (options.withClaimedType) await addClaimedTypes(db, deliveries);
  return { deliveries, nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!.id) : null };
}

/** A claimed type longer than this is not a Clerk type; it is not shown. */
const MAX_CLAIMED_TYPE = 80;

/** Fills `claimedType` of the deliveries that did not become an event, from their stored bodies (one page: at most 50 rows). */
async function addClaimedTypes(db: Db, deliveries: ApiDelivery[]): Promise<void> {
  const failed = deliveries.filter((d) => !d.eventId && !d.truncated);
  if (failed.length === 0) return;
  const bodies = await db.delivery.findMany({ where: { id: { in: failed.map((d) => d.id) } }, select: { id: true, ...STORED_BODY } });
  const typeOf = new Map<string, string>();
  for (const row of bodies) {
    const parsed = parseEnvelope(bodyOf(row), 0);
    if (parsed.ok && parsed.envelope.type.length <= MAX_CLAIMED_TYPE) typeOf.set(row.id, parsed.envelope.type);
  }
  for (const delivery of deliveries) if (!delivery.eventId) delivery.claimedType = typeOf.get(delivery.id) ?? null;
}

/** Whether any delivery at all was ever stored (to tell "nothing failed" from "nothing arrived"). */
export async function hasAnyDelivery(db: Db): Promise<boolean> {
  return (await db.delivery.findFirst({ select: { id: true } })) !== null;
}

/** Source slugs seen in deliveries or configured, for the filter. */
export async function knownSourceSlugs(db: Db): Promise<string[]> {
  const sources = await db.source.findMany({ select: { slug: true }, orderBy: { slug: "asc" } });
  return sources.map((s) => s.slug);
}

// ---------------------------------------------------------------------------
// One delivery

/** Hex dumps and text stop here on the page; the full body stays stored. */
const MAX_TEXT_CHARS = 256 * 1024;
const MAX_HEX_BYTES = 16 * 1024;

export type DeliveryBodyView =
  | { kind: "empty" }
  /** The bytes exactly as received, as UTF-8 text. */
  | { kind: "text"; text: string; clipped: boolean }
  /** A Clerk envelope with codes or message bodies masked (re-formatted, since it was re-serialised). */
  | { kind: "masked"; text: string; maskedPaths: string[]; canReveal: boolean }
  | { kind: "hex"; lines: string[]; clipped: boolean }
  | { kind: "hidden"; reason: string };

export interface DeliveryDetail extends ApiDelivery {
  /** Credential values masked unless revealed (see credentialHeaders). */
  headers: [string, string][];
  /** Names of the credential headers present; their values are masked unless `headersRevealed`. */
  credentialHeaders: string[];
  headersRevealed: boolean;
  sourceId: string | null;
  /** Type of the envelope in the body, whether or not it became an event. */
  envelopeType: string | null;
  body: DeliveryBodyView;
  event: { id: string; type: string; verifiedOutsideTolerance: boolean } | null;
  /** Why "re-verify" does not apply, or null when it does. */
  reverifyBlocker: string | null;
}

/** `0000  7b 22 ...  |{"...|` lines, 16 bytes each. */
export function hexDump(bytes: Uint8Array, maxBytes = MAX_HEX_BYTES): { lines: string[]; clipped: boolean } {
  const shown = bytes.subarray(0, maxBytes);
  const lines: string[] = [];
  for (let offset = 0; offset < shown.length; offset += 16) {
    const chunk = shown.subarray(offset, offset + 16);
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return { lines, clipped: bytes.length > maxBytes };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * What a caller may see of a stored body. A body that parses as a Clerk envelope of a
 * type with one-time codes or message bodies (email.created, sms.created) is masked
 * unless an operator asked to reveal it (audited by the caller). Anything that is not
 * an envelope cannot be checked for codes, so only operators and admins see it.
 */
export function deliveryBodyView(raw: Uint8Array, role: Role, reveal = false): { view: DeliveryBodyView; envelopeType: string | null } {
  if (raw.length === 0) return { view: { kind: "empty" }, envelopeType: null };
  const parsed = parseEnvelope(raw, 0);
  const envelopeType = parsed.ok ? parsed.envelope.type : null;
  if (parsed.ok) {
    const text = utf8.decode(raw);
    if (typeHasSecrets(parsed.envelope.type) && !(reveal && seesSecrets(role))) {
      const masked = redactEnvelope(parsed.envelope.type, JSON.parse(text) as unknown);
      if (masked.paths.length > 0) {
        return {
          view: { kind: "masked", text: JSON.stringify(masked.value, null, 2), maskedPaths: masked.paths, canReveal: seesSecrets(role) },
          envelopeType,
        };
      }
    }
    return { view: { kind: "text", text: text.slice(0, MAX_TEXT_CHARS), clipped: text.length > MAX_TEXT_CHARS }, envelopeType };
  }
  if (!seesSecrets(role)) {
    return {
      view: {
        kind: "hidden",
        reason: "This body is not a Clerk envelope, so Hookline cannot mask one-time codes in it. Operators and admins can see it.",
      },
      envelopeType,
    };
  }
  let text: string | null = null;
  try {
    text = utf8.decode(raw);
  } catch {
    text = null;
  }
  if (text !== null) return { view: { kind: "text", text: text.slice(0, MAX_TEXT_CHARS), clipped: text.length > MAX_TEXT_CHARS }, envelopeType };
  return { view: { kind: "hex", ...hexDump(raw) }, envelopeType };
}

export async function getDeliveryDetail(db: Db, id: string, options: { role: Role; reveal?: boolean }): Promise<DeliveryDetail | null> {
  const row = await db.delivery.findUnique({
    where: { id },
    select: { ...LIST_SELECT, headers: true, ...STORED_BODY, sourceId: true, event: { select: { id: true, type: true, verifiedOutsideTolerance: true } } },
  });
  if (!row) return null;
  const { view, envelopeType } = deliveryBodyView(bodyOf(row), options.role, options.reveal);
  const headersRevealed = Boolean(options.reveal) && seesSecrets(options.role);
  const headers = viewHeaders(parseStoredHeaders(decodeHeaders(row.headers)), headersRevealed);
  return {
    ...toApiDelivery(row),
    sourceId: row.sourceId,
    headers: headers.headers,
    credentialHeaders: headers.credentialHeaders,
    headersRevealed,
    envelopeType,
    body: view,
    event: row.event ? { id: row.event.id, type: row.event.type, verifiedOutsideTolerance: Boolean(row.event.verifiedOutsideTolerance) } : null,
    reverifyBlocker: reverifyBlocker({ ...row, truncated: Boolean(row.truncated) }),
  };
}
