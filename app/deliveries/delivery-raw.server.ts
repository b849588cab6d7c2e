// The exact bytes of one delivery, for `GET /api/v1/deliveries/:id/raw`, the delivery
// page's "Download raw" and "Copy as curl". This is the one place that reads a stored
// body back as bytes for them; the bytes come through decodeBody(), so callers get the
// original bytes whatever form they are stored in (ADR 0017).
//
// The bytes are unmasked (one-time codes, message bodies, anything a non-envelope body
// holds), so callers let only operators and admins have them, and record who did in
// the audit log first, like a reveal (ADR 0010).
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { bodyOf, decodeHeaders, STORED_BODY } from "./body-codec.server";

export interface DeliveryRawBody {
  id: string;
  bytes: Buffer;
  /** Only the first 64 KiB were kept (body_too_large); `size` is what arrived. */
  truncated: boolean;
  size: number;
  contentType: string | null;
}

export const DELIVERY_ID = /^[0-9A-Z]{26}$/;

export async function readDeliveryRawBody(db: Db, id: string): Promise<DeliveryRawBody | null> {
  if (!DELIVERY_ID.test(id)) return null;
  const row = await db.delivery.findUnique({ where: { id }, select: { id: true, ...STORED_BODY, truncated: true, size: true, headers: true } });
  if (!row) return null;
  let contentType: string | null = null;
  try {
    const pairs = JSON.parse(decodeHeaders(row.headers)) as unknown;
    if (Array.isArray(pairs)) {
      const found = pairs.find((pair): pair is [string, string] => Array.isArray(pair) && String(pair[0]).toLowerCase() === "content-type");
      contentType = found ? String(found[1]) : null;
    }
  } catch {
    contentType = null;
  }
  return { id: row.id, bytes: bodyOf(row), truncated: Boolean(row.truncated), size: row.size, contentType };
}

/** Audit entry for handing out a delivery's raw bytes; written before the bytes leave the server. */
export function recordRawBodyAccess(db: Db, input: { actor: string; deliveryId: string; via: "api" | "web"; tokenId?: string; bytes: number; truncated: boolean }) {
  return recordAudit(db, {
    actor: input.actor,
    action: "delivery.raw",
    subject: input.deliveryId,
    detail: { via: input.via, bytes: input.bytes, truncated: input.truncated, ...(input.tokenId ? { tokenId: input.tokenId } : {}) },
  });
}

/** The answer: the bytes as stored, as a download that no browser renders. */
export function rawBodyResponse(body: DeliveryRawBody): Response {
  return new Response(new Uint8Array(body.bytes) as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="delivery-${body.id}.bin"`,
      "Content-Length": String(body.bytes.length),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Hookline-Truncated": body.truncated ? "true" : "false",
      "X-Hookline-Original-Size": String(body.size),
    },
  });
}
