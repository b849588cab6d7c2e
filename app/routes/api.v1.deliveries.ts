// GET /api/v1/deliveries: every delivery that reached ingest, including those that
// failed verification, newest first. Filters `outcome`, `source`, `from`, `to`,
// `limit` (≤ 500), `cursor`; answers `{ deliveries, nextCursor }` (DESIGN.md).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, invalidParameter, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { InvalidDeliveryCursorError, listDeliveries } from "~/deliveries/deliveries.server";
import { parseDeliveryQuery } from "~/deliveries/delivery-filter";
import { db } from "~/db/prisma.server";

const PARAMETERS = ["outcome", "source", "from", "to", "limit", "cursor"] as const;

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const params = new URL(request.url).searchParams;
  for (const name of params.keys()) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      throw invalidParameter(name, `Unknown parameter \`${name}\`. This endpoint takes: ${PARAMETERS.join(", ")}.`);
    }
  }
  const parsed = parseDeliveryQuery(params, { defaultOutcome: "all" });
  if (!parsed.ok) throw invalidParameter(parsed.parameter, parsed.message);
  try {
    return apiJson(await listDeliveries(db(), parsed.value, { withHeaders: true }));
  } catch (error) {
    if (error instanceof InvalidDeliveryCursorError) throw invalidParameter("cursor", error.message);
    throw error;
  }
});
