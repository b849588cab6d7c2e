// GET /api/v1/deliveries/:id/raw: the exact bytes of a delivery as received,
// `application/octet-stream` as an attachment, `X-Hookline-Truncated: true` when only
// the first 64 KiB were kept. Unmasked, so operators and admins only (a viewer gets
// 403), and recorded in the audit log like a reveal.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { notFound, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { rawBodyResponse, readDeliveryRawBody, recordRawBodyAccess } from "~/deliveries/delivery-raw.server";
import { db } from "~/db/prisma.server";

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  const principal = await requireApiToken(request, "operator");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  const id = params.id ?? "";
  const body = await readDeliveryRawBody(db(), id);
  if (!body) throw notFound(`No delivery with id ${JSON.stringify(id.slice(0, 64))}.`);
  await recordRawBodyAccess(db(), {
    actor: `api-token:${principal.name}`,
    deliveryId: body.id,
    via: "api",
    tokenId: principal.tokenId,
    bytes: body.bytes.length,
    truncated: body.truncated,
  });
  return rawBodyResponse(body);
});
