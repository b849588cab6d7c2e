// Ingest: the one implementation behind `POST /webhooks/:source`, whether the request
// came through the Remix route or the production server's direct mount. It knows
// nothing about HTTP frameworks: bytes and headers in, an outcome out.
//
// Order (as Convoy's api/ingest.go): size limit → source → headers → verify raw bytes
// → parse → dedupe → store → answer. Every delivery is stored, valid or not, and the
// answer is only produced after its row is committed.
import { extractResourceRefs, isKnownEventType } from "~/catalog/event-catalog";
import { newId } from "~/db/ids";
import type { Db } from "~/db/prisma.server";
import type { SourceResolver } from "~/sources/sources.server";
import type { DeliveryBase, RejectedRow, StoredVerified, VerifiedDelivery } from "./delivery";
import { parseEnvelope } from "./envelope";
import type { GroupCommit } from "./group-commit.server";
import { OUTCOME_STATUS, type Outcome } from "./outcomes";
import { verifySignature } from "./signature.server";
import {
  capHeaders,
  DEFAULT_MAX_UNVERIFIED_HEADER_BYTES,
  MAX_HEADER_BYTES_PAST_CAP,
  type CappedHeaders,
  type UnverifiedGuard,
} from "./unverified-guard.server";

export type { DeliveryBase, StoredVerified, VerifiedDelivery } from "./delivery";

export interface IngestRequest {
  sourceSlug: string;
  /** The bytes kept: the whole body, or its first 64 KiB when over the limit. */
  body: Buffer;
  /** Bytes received in total (at least body.length). */
  size: number;
  tooLarge: boolean;
  /** Every header as received: [name, value] pairs in order, duplicates kept. */
  headers: [string, string][];
  remoteAddr: string | null;
  requestId: string | null;
  receivedAt?: Date;
}

export interface IngestResult {
  /** `rate_limited`: an unverified delivery over its address's limit, answered 429 and not stored. */
  outcome: Outcome | "rate_limited";
  status: number;
  /** Null only when rate limited. */
  deliveryId: string | null;
  eventId: string | null;
  detail: string | null;
}

/** The database could not take the delivery; answer 503 so Svix retries. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Database unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

export const MAX_STORED_OVERSIZE_BYTES = 64 * 1024;
const MAX_SLUG_LENGTH = 200;

export interface IngestDependencies {
  db: Db;
  sources: SourceResolver;
  /** HOOKLINE_MAX_BODY_BYTES */
  maxBodyBytes: number;
  /**
   * Batches deliveries into shared transactions (group-commit.server.ts), with the
   * provider's batch writer. Without one, each delivery is its own Prisma transaction.
   */
  groupCommit?: GroupCommit;
  /** Rate limit and storage cap for deliveries that fail verification. */
  unverified?: UnverifiedGuard;
}

/** The header's value, accepting the Standard Webhooks `webhook-*` names as svix does. */
export function svixHeader(headers: [string, string][], name: "id" | "timestamp" | "signature"): string | null {
  const wanted = [`svix-${name}`, `webhook-${name}`];
  for (const key of wanted) {
    const values = headers.filter(([header]) => header.toLowerCase() === key).map(([, value]) => value);
    if (values.length) return values.join(", ");
  }
  return null;
}

export async function ingestDelivery(deps: IngestDependencies, request: IngestRequest): Promise<IngestResult> {
  const receivedAt = request.receivedAt ?? new Date();
  const deliveryId = newId(receivedAt.getTime());
  const svixId = svixHeader(request.headers, "id");
  const svixTimestamp = svixHeader(request.headers, "timestamp");
  const svixSignature = svixHeader(request.headers, "signature");

  const base: DeliveryBase = {
    id: deliveryId,
    sourceSlug: request.sourceSlug.slice(0, MAX_SLUG_LENGTH),
    receivedAt,
    remoteAddr: request.remoteAddr,
    requestId: request.requestId,
    headers: JSON.stringify(request.headers),
    rawBody: (request.tooLarge ? request.body.subarray(0, MAX_STORED_OVERSIZE_BYTES) : request.body) as Uint8Array<ArrayBuffer>,
    size: Math.max(request.size, request.body.length),
    truncated: request.tooLarge,
    svixId: svixId?.slice(0, 500) ?? null,
    svixTimestamp: svixTimestamp?.slice(0, 100) ?? null,
  };

  const reject = async (sourceId: string | null, outcome: Outcome, detail: string): Promise<IngestResult> => {
    const status = OUTCOME_STATUS[outcome];
    // NOTE: anyone can send these, so the headers kept are capped too, and counted with
    // the body against HOOKLINE_UNVERIFIED_MAX_BYTES (a request with no body and a 15 KB
    // head costs as much disk as a body). Verified deliveries keep every header.
    const capped = capHeaders(request.headers, deps.unverified?.maxHeaderBytes ?? DEFAULT_MAX_UNVERIFIED_HEADER_BYTES);
    const headers = capped.droppedCount ? JSON.stringify(capped.headers) : base.headers;
    const admission = deps.unverified
      ? await store(() => deps.unverified!.admit(request.remoteAddr, base.rawBody.length + Buffer.byteLength(headers)))
      : "store";
    if (admission === "refuse") {
      return {
        outcome: "rate_limited",
        status: 429,
        deliveryId: null,
        eventId: null,
        detail: `Too many unverified deliveries from this address (would have been ${outcome}); not stored. Retry later.`,
      };
    }
    const cut = (kept: CappedHeaders) =>
      kept.droppedCount
        ? ` (headers cut: ${kept.droppedBytes} bytes in ${kept.droppedCount} headers after the first ${kept.keptBytes} bytes were not kept)`
        : "";
    let row: RejectedRow;
    if (admission === "store") {
      row = { ...base, headers, sourceId, outcome, outcomeDetail: `${detail}${cut(capped)}`, status };
    } else {
      const small = capHeaders(request.headers, MAX_HEADER_BYTES_PAST_CAP);
      row = {
        ...base,
        headers: small.droppedCount ? JSON.stringify(small.headers) : base.headers,
        rawBody: new Uint8Array(0) as Uint8Array<ArrayBuffer>,
        sourceId,
        outcome,
        outcomeDetail: `${detail} (body not kept: the storage cap for unverified deliveries, HOOKLINE_UNVERIFIED_MAX_BYTES, is reached)${cut(small)}`,
        status,
      };
    }
    await store(async () => {
      if (deps.groupCommit) await deps.groupCommit.storeRejected(row);
      else await deps.db.delivery.create({ data: row, select: { id: true } });
    });
    return { outcome, status, deliveryId, eventId: null, detail };
  };

  const source = await store(() => deps.sources.resolve(request.sourceSlug));
  const sourceId = source?.id ?? null;

  if (request.tooLarge) {
    return reject(sourceId, "body_too_large", `Body of at least ${base.size} bytes is over the limit; first ${base.rawBody.length} bytes kept`);
  }
  if (!source) return reject(null, "unknown_source", `No source with slug "${base.sourceSlug}"`);

  const missing = [
    !svixId && "svix-id",
    !svixTimestamp && "svix-timestamp",
    !svixSignature && "svix-signature",
  ].filter(Boolean);
  if (missing.length) return reject(sourceId, "missing_headers", `Missing ${missing.join(", ")}`);
  if (source.secrets.length === 0) {
    return reject(sourceId, "no_secret", `Source "${source.slug}" has no signing secret configured`);
  }

  const signature = verifySignature({
    secrets: source.secrets,
    svixId: svixId!,
    svixTimestamp: svixTimestamp!,
    svixSignature: svixSignature!,
    body: request.body,
  });
  if (!signature.ok) return reject(sourceId, signature.outcome, signature.detail);

  const parsed = parseEnvelope(request.body, Number(svixTimestamp) * 1000);
  if (!parsed.ok) return reject(sourceId, "malformed_payload", parsed.detail);

  const verified: VerifiedDelivery = {
    delivery: { ...base, sourceId: source.id },
    sourceId: source.id,
    svixId: svixId!,
    svixTimestamp: BigInt(svixTimestamp!),
    type: parsed.envelope.type,
    instanceId: parsed.envelope.instance_id ?? null,
    timestampMs: parsed.timestampMs,
    data: parsed.envelope.data,
    json: parsed.json,
    detail: parsed.timestampInSeconds ? "Envelope timestamp was in seconds; normalised to milliseconds" : null,
  };
  const stored = await store(() =>
    deps.groupCommit ? deps.groupCommit.storeVerified(verified) : storeVerified(deps.db, verified),
  );
  return { ...stored, deliveryId, status: OUTCOME_STATUS[stored.outcome] };
}

export interface StoreVerifiedOptions {
  /**
   * Re-verification: the delivery row already exists with this failed outcome and no
   * event. It is updated instead of created, and only if it is still in that state
   * (otherwise DeliveryChangedError, and nothing is written). Its `status` stays the
   * one that was answered.
   */
  existing?: { outcome: string };
  /** The svix-timestamp was outside the tolerance when the delivery arrived (re-verification only). */
  verifiedOutsideTolerance?: boolean;
}

/** Re-verification found the delivery no longer in the state it was checked in (someone else got there first). */
export class DeliveryChangedError extends Error {}

/**
 * Creates the event, or links a duplicate delivery to the existing one, in one
 * transaction. The upsert makes two concurrent deliveries of one svix-id produce
 * exactly one event; on Postgres a losing racer's unique-violation is retried.
 * Ingest and re-verification (app/deliveries/reverify.server.ts) both store through here.
 */
export async function storeVerified(db: Db, input: VerifiedDelivery, options: StoreVerifiedOptions = {}): Promise<StoredVerified> {
  const refs = extractResourceRefs(input.type, input.data);
  const timestampMs = BigInt(input.timestampMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        // NOTE: Svix delivers in any order; an event is "out of order" when a later
        // state of the same resource is already stored.
        const newer =
          refs.resourceType && refs.resourceId
            ? await tx.event.findFirst({
                where: {
                  resourceType: refs.resourceType,
                  resourceId: refs.resourceId,
                  timestampMs: { gt: timestampMs },
                  NOT: { sourceId: input.sourceId, svixId: input.svixId },
                },
                select: { id: true },
              })
            : null;
        const event = await tx.event.upsert({
          where: { svixId_sourceId: { svixId: input.svixId, sourceId: input.sourceId } },
          create: {
            id: newId(input.delivery.receivedAt.getTime()),
            sourceId: input.sourceId,
            svixId: input.svixId,
            type: input.type,
            knownType: isKnownEventType(input.type),
            timestampMs,
            svixTimestamp: input.svixTimestamp,
            instanceId: input.instanceId,
            ...refs,
            firstReceivedAt: input.delivery.receivedAt,
            outOfOrder: newer !== null,
            verifiedOutsideTolerance: options.verifiedOutsideTolerance ?? false,
            firstDeliveryId: input.delivery.id,
          },
          update: { deliveryCount: { increment: 1 } },
          select: { id: true, firstDeliveryId: true },
        });
        const duplicate = event.firstDeliveryId !== input.delivery.id;
        const outcome = duplicate ? "duplicate" : "verified";
        const outcomeDetail = duplicate
          ? [`Already stored as event ${event.id}`, options.existing ? input.detail : null].filter(Boolean).join("; ")
          : input.detail;
        if (options.existing) {
          const updated = await tx.delivery.updateMany({
            where: { id: input.delivery.id, outcome: options.existing.outcome, eventId: null },
            data: { sourceId: input.sourceId, outcome, outcomeDetail, eventId: event.id, duplicate },
          });
          if (updated.count !== 1) throw new DeliveryChangedError(`Delivery ${input.delivery.id} changed while it was being re-verified`);
        } else {
          await tx.delivery.create({
            data: { ...input.delivery, outcome, outcomeDetail, status: OUTCOME_STATUS[outcome], eventId: event.id, duplicate },
            select: { id: true },
          });
        }
        return { outcome, eventId: event.id, detail: duplicate && !options.existing ? "svix-id already stored" : outcomeDetail };
      });
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "P2002";
}

/** Runs a database call; any failure becomes StorageUnavailableError (→ 503). */
async function store<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new StorageUnavailableError(error);
  }
}
