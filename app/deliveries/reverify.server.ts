// Re-verification: after someone fixes a wrong signing secret (or adds a source that
// Clerk was already sending to), the stored deliveries that failed are checked again
// against the source's *current* secrets and become events exactly as ingest would
// have made them (ADR 0001 keeps the raw bytes for this; the rules are in
// docs/decisions/0006-reverification-tokens-secrets.md).
import { recordAudit } from "~/audit/audit.server";
import { firstIdAt, lastIdAt } from "~/db/ids";
import type { Db } from "~/db/prisma.server";
import { parseEnvelope } from "~/ingest/envelope";
import { DeliveryChangedError, storeVerified, svixHeader, type DeliveryBase } from "~/ingest/ingest.server";
import type { Outcome } from "~/ingest/outcomes";
import { TOLERANCE_SECONDS, verifySignature } from "~/ingest/signature.server";
import type { SourceResolver } from "~/sources/sources.server";
import { bodyOf, decodeHeaders, STORED_BODY } from "./body-codec.server";
import { parseStoredHeaders } from "./stored-headers";

/**
 * Outcomes whose stored bytes may verify now. `missing_headers` has nothing to check
 * against and `body_too_large` kept only the first 64 KiB, so neither can.
 */
export const REVERIFIABLE_OUTCOMES: readonly Outcome[] = [
  "invalid_signature",
  "timestamp_out_of_tolerance",
  "no_secret",
  "unknown_source",
  "malformed_payload",
];

/** What happened to one delivery. `verified`/`duplicate`: it is (part of) an event now. */
export type ReverifyStatus = "verified" | "duplicate" | "malformed_payload" | "still_invalid" | "not_reverifiable";

export interface ReverifyOutcome {
  deliveryId: string;
  status: ReverifyStatus;
  eventId: string | null;
  /** The signature matched, but svix-timestamp was more than 5 minutes from the time it arrived. */
  outsideTolerance: boolean;
  detail: string;
}

export interface ReverifyDependencies {
  db: Db;
  /** Resolves a source's *current* secrets (resolveFresh: no cache). */
  sources: Pick<SourceResolver, "resolveFresh">;
}

interface StoredDelivery {
  id: string;
  sourceSlug: string;
  outcome: string;
  eventId: string | null;
  truncated: boolean;
}

/** Why this delivery cannot be re-verified, or null when it can. */
export function reverifyBlocker(
  delivery: Pick<StoredDelivery, "outcome" | "eventId" | "truncated"> & { size: number; rawBody: Uint8Array },
): string | null {
  if (delivery.eventId) return "It already belongs to an event.";
  if (delivery.outcome === "missing_headers") return "It arrived without the Svix headers, so there is no signature to check.";
  if (delivery.truncated || delivery.outcome === "body_too_large") return "Only the first 64 KiB of its body were kept, so its signature cannot be checked.";
  // The cap on unverified bodies (HOOKLINE_UNVERIFIED_MAX_BYTES) keeps the row but not the bytes.
  if (delivery.rawBody.length === 0 && delivery.size > 0) return "Its body was not kept (the storage cap for unverified deliveries was reached), so its signature cannot be checked.";
  if (!REVERIFIABLE_OUTCOMES.includes(delivery.outcome as Outcome)) return `Outcome ${delivery.outcome} cannot be re-verified.`;
  return null;
}

const FULL_SELECT = {
  id: true,
  sourceId: true,
  sourceSlug: true,
  receivedAt: true,
  remoteAddr: true,
  requestId: true,
  headers: true,
  ...STORED_BODY,
  size: true,
  truncated: true,
  svixId: true,
  svixTimestamp: true,
  outcome: true,
  outcomeDetail: true,
  eventId: true,
} as const;

/**
 * Checks one stored delivery against its source's current secrets. The clock is the
 * time the delivery *arrived*, not now: a delivery re-verified a week later was not
 * late, and one that was already late when it arrived becomes an event flagged
 * `verifiedOutsideTolerance` (the signature proves it came from Svix; the flag says
 * a replay of an old message cannot be ruled out).
 */
async function reverifyOne(deps: ReverifyDependencies, deliveryId: string, now: Date): Promise<ReverifyOutcome> {
  const delivery = await deps.db.delivery.findUnique({ where: { id: deliveryId }, select: FULL_SELECT });
  const result = (status: ReverifyStatus, detail: string, extra: Partial<ReverifyOutcome> = {}): ReverifyOutcome => ({
    deliveryId,
    status,
    eventId: null,
    outsideTolerance: false,
    detail,
    ...extra,
  });
  if (!delivery) return result("not_reverifiable", "No such delivery.");
  const blocker = reverifyBlocker(delivery);
  if (blocker) return result("not_reverifiable", blocker, { eventId: delivery.eventId });

  const source = await deps.sources.resolveFresh(delivery.sourceSlug);
  if (!source) return result("still_invalid", `There is still no source "${delivery.sourceSlug}". Add it in Settings → Sources.`);
  if (source.secrets.length === 0) return result("still_invalid", `Source "${source.slug}" still has no signing secret.`);

  const headers = parseStoredHeaders(decodeHeaders(delivery.headers));
  const svixId = svixHeader(headers, "id");
  const svixTimestamp = svixHeader(headers, "timestamp");
  const svixSignature = svixHeader(headers, "signature");
  if (!svixId || !svixTimestamp || !svixSignature) return result("not_reverifiable", "Its Svix headers are incomplete.");

  const body = bodyOf(delivery);
  const signature = verifySignature({
    secrets: source.secrets,
    svixId,
    svixTimestamp,
    svixSignature,
    body,
    nowSeconds: Math.floor(delivery.receivedAt.getTime() / 1000),
  });
  if (!signature.ok && !signature.signatureValid) {
    return result("still_invalid", `No current secret of "${source.slug}" (${source.secrets.length}) produces its signature.`);
  }
  const outsideTolerance = !signature.ok;
  const at = now.toISOString();
  const was = `was ${delivery.outcome}${delivery.outcomeDetail ? ` (${delivery.outcomeDetail})` : ""}`;

  const parsed = parseEnvelope(body, Number(svixTimestamp) * 1000);
  if (!parsed.ok) {
    if (delivery.outcome === "malformed_payload") return result("malformed_payload", `Still not a Clerk envelope: ${parsed.detail}`);
    // Authentic but not an envelope: that is what it is now known to be.
    const updated = await deps.db.delivery.updateMany({
      where: { id: delivery.id, outcome: delivery.outcome, eventId: null },
      data: {
        sourceId: source.id,
        outcome: "malformed_payload",
        outcomeDetail: `${parsed.detail}; re-verified at ${at}, ${was}`,
      },
    });
    if (updated.count !== 1) return result("not_reverifiable", "It changed while it was being re-verified; reload.");
    return result("malformed_payload", `Signature valid, but ${parsed.detail}`);
  }

  const history = [
    parsed.timestampInSeconds ? "Envelope timestamp was in seconds; normalised to milliseconds" : null,
    outsideTolerance ? `svix-timestamp was more than ${TOLERANCE_SECONDS / 60} minutes from the time it arrived` : null,
    `re-verified at ${at} with the current secrets; ${was}`,
  ]
    .filter(Boolean)
    .join("; ");
  const base: DeliveryBase & { sourceId: string } = {
    id: delivery.id,
    sourceId: source.id,
    sourceSlug: delivery.sourceSlug,
    receivedAt: delivery.receivedAt,
    remoteAddr: delivery.remoteAddr,
    requestId: delivery.requestId,
    headers: delivery.headers,
    rawBody: body as Uint8Array<ArrayBuffer>,
    size: delivery.size,
    truncated: Boolean(delivery.truncated),
    svixId: delivery.svixId,
    svixTimestamp: delivery.svixTimestamp,
  };
  try {
    const stored = await storeVerified(
      deps.db,
      {
        delivery: base,
        sourceId: source.id,
        svixId,
        svixTimestamp: BigInt(svixTimestamp),
        type: parsed.envelope.type,
        instanceId: parsed.envelope.instance_id ?? null,
        timestampMs: parsed.timestampMs,
        data: parsed.envelope.data,
        detail: history,
      },
      { existing: { outcome: delivery.outcome }, verifiedOutsideTolerance: outsideTolerance },
    );
    return result(stored.outcome, stored.outcome === "duplicate" ? `Joined event ${stored.eventId}, which was already stored` : "Became an event", {
      eventId: stored.eventId,
      outsideTolerance,
    });
  } catch (error) {
    if (error instanceof DeliveryChangedError) return result("not_reverifiable", "It changed while it was being re-verified; reload.");
    throw error;
  }
}

/** Re-verifies one delivery and records who did it. */
export async function reverifyDelivery(
  deps: ReverifyDependencies,
  deliveryId: string,
  options: { actor: string; now?: Date },
): Promise<ReverifyOutcome> {
  const outcome = await reverifyOne(deps, deliveryId, options.now ?? new Date());
  await recordAudit(deps.db, {
    actor: options.actor,
    action: "delivery.reverify",
    subject: deliveryId,
    detail: { status: outcome.status, eventId: outcome.eventId, outsideTolerance: outcome.outsideTolerance },
  });
  return outcome;
}

export interface BulkReverifySummary {
  source: string;
  since: string;
  /** Set when the run was limited to one outcome and a time window (a group on /deliveries). */
  outcome: Outcome | null;
  until: string | null;
  /** Deliveries checked in this run. */
  checked: number;
  counts: Record<ReverifyStatus, number>;
  /** Flagged verifiedOutsideTolerance among the new events. */
  outsideTolerance: number;
  /** More were waiting than one run takes; run it again. */
  remaining: boolean;
  /** The first few results, for the page. */
  sample: ReverifyOutcome[];
}

/** One request re-verifies at most this many, so it answers in seconds; the summary says when more remain. */
export const MAX_BULK_REVERIFY = 5_000;
const PAGE = 200;

/**
 * "Every failed delivery of this source since T": oldest first, so that when Svix
 * retried a message, its earliest delivery becomes the event and the later ones
 * its duplicates, as if the secret had been right all along.
 */
export async function reverifyFailedDeliveries(
  deps: ReverifyDependencies,
  input: { source: string; since: Date; outcome?: Outcome; until?: Date },
  options: { actor: string; now?: Date; max?: number },
): Promise<BulkReverifySummary> {
  const now = options.now ?? new Date();
  const max = options.max ?? MAX_BULK_REVERIFY;
  const counts: Record<ReverifyStatus, number> = { verified: 0, duplicate: 0, malformed_payload: 0, still_invalid: 0, not_reverifiable: 0 };
  const sample: ReverifyOutcome[] = [];
  let outsideTolerance = 0;
  let checked = 0;
  let after: string | null = null;
  let remaining = false;
  for (;;) {
    const batch: { id: string }[] = await deps.db.delivery.findMany({
      where: {
        sourceSlug: input.source,
        // Delivery ids are newId(receivedAt), so "since" is an id range (app/db/ids.ts).
        id: { gte: firstIdAt(input.since), ...(input.until ? { lte: lastIdAt(input.until) } : {}), ...(after ? { gt: after } : {}) },
        eventId: null,
        truncated: false,
        outcome: { in: input.outcome ? [...REVERIFIABLE_OUTCOMES].filter((o) => o === input.outcome) : [...REVERIFIABLE_OUTCOMES] },
      },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true },
    });
    if (batch.length === 0) break;
    for (const { id } of batch) {
      if (checked >= max) {
        remaining = true;
        break;
      }
      const outcome = await reverifyOne(deps, id, now);
      checked++;
      counts[outcome.status]++;
      if (outcome.outsideTolerance && outcome.eventId) outsideTolerance++;
      if (sample.length < 20) sample.push(outcome);
    }
    if (remaining) break;
    after = batch.at(-1)!.id;
  }
  const summary: BulkReverifySummary = {
    source: input.source,
    since: input.since.toISOString(),
    outcome: input.outcome ?? null,
    until: input.until?.toISOString() ?? null,
    checked,
    counts,
    outsideTolerance,
    remaining,
    sample,
  };
  await recordAudit(deps.db, {
    actor: options.actor,
    action: "deliveries.reverify",
    subject: input.source,
    detail: { since: summary.since, until: summary.until, outcome: summary.outcome, checked, counts, outsideTolerance, remaining },
  });
  return summary;
}
