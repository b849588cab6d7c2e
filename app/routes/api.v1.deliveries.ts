// GET /api/v1/deliveries: every delivery that reached ingest, including those that
// failed verification, newest first. Filters `outcome`, `source`, `from`, `to`,
// `limit` (≤ 500), `cursor`; answers `{ deliveries, nextCursor }` (DESIGN.md).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, invalidParameter, rejectUnknownParameters, valueOrInvalid, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { InvalidDeliveryCursorError, listDeliveries } from "~/deliveries/deliveries.server";
import { parseDeliveryQuery } from "~/deliveries/delivery-filter";
import { db } from "~/db/prisma.server";

const PARAMETERS = ["outcome", "source", "from", "to", "limit", "cursor"] as const;

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const params = new URL(request.url).searchParams;
  rejectUnknownParameters(params, PARAMETERS);
  const query = valueOrInvalid(parseDeliveryQuery(params, { defaultOutcome: "all" }));
  try {
    return apiJson(await listDeliveries(db(), query, { withHeaders: true }));
  } catch (error) {
    if (error instanceof InvalidDeliveryCursorError) throw invalidParameter("cursor", error.message);
    throw error;
  }
});
