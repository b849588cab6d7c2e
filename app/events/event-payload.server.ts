// An event's payload is the raw body of its first delivery, parsed on read (ADR 0001).
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { bodyOf, STORED_BODY } from "~/deliveries/body-codec.server";

export interface EventPayload {
  /** The parsed envelope, or null when the stored bytes no longer parse. */
  envelope: { data?: unknown; [key: string]: unknown } | null;
  raw: Buffer;
}

/**
 * `d."rawBody"` (alias d = Delivery) as text. NOTE: Prisma's driver adapters hand a
 * BLOB/bytea back as an array of numbers, about ten JS values per byte; an event's
 * body is verified JSON, which ingest only accepts as valid UTF-8, so reading it as
 * text is exact and several times cheaper. Postgres refuses non-UTF-8 bytes; callers
 * fall back to reading bytes. On SQLite the body is decoded from its stored form by
 * `hookline_body()` (ADR 0017); Postgres stores bodies as received.
 */
export function rawBodyAsText(provider: DatabaseHandle["provider"]): Prisma.Sql {
  return provider === "postgres"
    ? Prisma.sql`convert_from(d."rawBody", 'UTF8')`
    : Prisma.sql`CAST(hookline_body(d."rawBody", d."bodyEncoding") AS TEXT)`;
}

/**
 * The body's byte length as received, to check that the text read back is the same
 * bytes. A compressed body's is its `size` (decoding it twice would cost twice); a
 * truncated one then fails the check and is read as bytes, which is still exact.
 */
export function rawBodyLength(provider: DatabaseHandle["provider"]): Prisma.Sql {
  return provider === "postgres"
    ? Prisma.sql`octet_length(d."rawBody")`
    : Prisma.sql`CASE WHEN d."bodyEncoding" > 0 THEN d."size" ELSE length(d."rawBody") END`;
}

/** The bytes a body takes in storage (compressed or not), for the unverified cap. */
export function storedBodyLength(provider: DatabaseHandle["provider"]): Prisma.Sql {
  return provider === "postgres" ? Prisma.sql`octet_length(d."rawBody")` : Prisma.sql`length(d."rawBody")`;
}

function payloadOf(raw: Buffer): EventPayload {
  try {
    return { envelope: JSON.parse(raw.toString("utf8")) as EventPayload["envelope"], raw };
  } catch {
    return { envelope: null, raw };
  }
}

/** Payloads of events (diffs, timelines, the event page), keyed by first delivery id. */
export async function loadEventPayloads(handle: DatabaseHandle, firstDeliveryIds: string[]): Promise<Map<string, EventPayload>> {
  const result = new Map<string, EventPayload>();
  for (let i = 0; i < firstDeliveryIds.length; i += 500) {
    const ids = firstDeliveryIds.slice(i, i + 500);
    const asBytes: string[] = [];
    try {
      const rows = await handle.db.$queryRaw<{ id: string; body: string; bytes: number | bigint }[]>`
        SELECT d."id", ${rawBodyAsText(handle.provider)} AS "body", ${rawBodyLength(handle.provider)} AS "bytes"
        FROM "Delivery" d WHERE d."id" IN (${Prisma.join(ids)})`;
      for (const row of rows) {
        const raw = Buffer.from(row.body, "utf8");
        if (raw.length === Number(row.bytes)) result.set(row.id, payloadOf(raw));
        else asBytes.push(row.id);
      }
    } catch {
      asBytes.push(...ids);
    }
    if (asBytes.length === 0) continue;
    const rows = await handle.db.delivery.findMany({ where: { id: { in: asBytes } }, select: { id: true, ...STORED_BODY } });
    for (const row of rows) result.set(row.id, payloadOf(bodyOf(row)));
  }
  return result;
}
