// GET /api/v1/issues/:id (viewer): the issue with its `occurrences` (per minute),
// `samples` (deliveries, attempts or events) and `changes` (its history).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { issueDetail } from "~/alerts/issues.server";
import { apiAlertError } from "~/alerts/route-errors.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  try {
    return apiJson((await issueDetail(db(), String(params.id))).issue);
  } catch (error) {
    apiAlertError(error);
  }
});
