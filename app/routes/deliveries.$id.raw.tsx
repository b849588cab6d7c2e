// /deliveries/:id/raw: "Download raw" on the delivery and event pages, for a signed-in
// operator or admin: the same bytes and audit entry as GET /api/v1/deliveries/:id/raw.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth/session.server";
import { rawBodyResponse, readDeliveryRawBody, recordRawBodyAccess } from "~/deliveries/delivery-raw.server";
import { db } from "~/db/prisma.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request, "operator");
  const body = await readDeliveryRawBody(db(), params.id ?? "");
  if (!body) throw new Response("No delivery with this id. It may have been pruned (HOOKLINE_RETENTION_DAYS).", { status: 404 });
  await recordRawBodyAccess(db(), { actor: account.email, deliveryId: body.id, via: "web", bytes: body.bytes.length, truncated: body.truncated });
  return rawBodyResponse(body);
}
