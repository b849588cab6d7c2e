// GET /api/v1/deliveries/:id: one delivery as JSON, masked as the delivery page masks
// it: the list's fields, `headers` as [name, value] pairs in arrival order (credential
// values `••••••`), the outcome detail, the event it became and the body as the page
// shows it (codes in email/SMS envelopes masked; other non-envelope bodies only for
// operators and admins). Operators and admins may add `?reveal=true` (audited), which
// unmasks both; the exact bytes are at `/raw`.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiJson, notFound, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { recordAudit } from "~/audit/audit.server";
import { requireApiToken } from "~/auth/tokens.server";
import { getDeliveryDetail } from "~/deliveries/deliveries.server";
import { DELIVERY_ID } from "~/deliveries/delivery-raw.server";
import { db } from "~/db/prisma.server";

const Query = z.object({
  reveal: z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .optional()
    .transform((value) => value === "true" || value === "1"),
});

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  const principal = await requireApiToken(request, "viewer");
  const search = new URL(request.url).searchParams;
  rejectUnknownParameters(search, ["reveal"]);
  const { reveal } = Query.parse(Object.fromEntries(search));
  if (reveal) await requireApiToken(request, "operator");
  const id = params.id ?? "";
  const delivery = DELIVERY_ID.test(id) ? await getDeliveryDetail(db(), id, { role: principal.role, reveal }) : null;
  if (!delivery) throw notFound(`No delivery with id ${JSON.stringify(id.slice(0, 64))}.`);
  if (reveal) {
    // NOTE: like the page's reveal: recorded before the unmasked values leave the server.
    await recordAudit(db(), {
      actor: `api-token:${principal.name}`,
      action: "delivery.reveal",
      subject: delivery.id,
      detail: { type: delivery.envelopeType, headers: delivery.credentialHeaders, tokenId: principal.tokenId, via: "api" },
    });
  }
  const { sourceId: _sourceId, reverifyBlocker: _blocker, headersRevealed, ...fields } = delivery;
  return apiJson({ ...fields, headersRevealed, rawUrl: `/api/v1/deliveries/${delivery.id}/raw` });
});
