// GET /api/v1/events/export?<the event list's filters>&format=ndjson|csv[&raw=1]:
// every matching event, streamed (app/export/event-export.server.ts). Viewers and up;
// `raw=1` (unmasked payload and the exact bytes as base64) needs an operator or admin
// and is recorded in the audit log.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiError, rejectUnknownParameters, valueOrInvalid, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { hasRole } from "~/auth/roles";
import { database } from "~/db/prisma.server";
import { EXPORT_PARAMETERS, parseExportRequest } from "~/export/export-request.server";
import { exportResponse } from "~/export/export-response.server";

export const loader = withApi(async ({ request, context }: LoaderFunctionArgs) => {
  const principal = await requireApiToken(request, "viewer");
  const params = new URL(request.url).searchParams;
  rejectUnknownParameters(params, EXPORT_PARAMETERS);
  const input = valueOrInvalid(parseExportRequest(params));
  if (input.raw && !hasRole(principal.role, "operator")) {
    throw apiError(403, "forbidden", `raw=1 needs the operator role; the token has ${principal.role}.`);
  }
  return exportResponse(database(), input, {
    request,
    context,
    actor: `api-token:${principal.name}`,
    audit: { via: "api", tokenId: principal.tokenId },
  });
});
