// /events/export: the /events page's Export, for a signed-in account: the same stream
// and rules as GET /api/v1/events/export (raw=1 for operators and admins, audited).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth/session.server";
import { database } from "~/db/prisma.server";
import { parseExportRequest } from "~/export/export-request.server";
import { exportResponse } from "~/export/export-response.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const raw = params.get("raw") === "1" || params.get("raw") === "true";
  const account = await requireUser(request, raw ? "operator" : "viewer");
  // The page's own parameters (`range` presets, live mode) are not part of the filter.
  for (const name of ["range", "live", "limit", "cursor"]) params.delete(name);
  const input = parseExportRequest(params);
  if (!input.ok) throw new Response(input.message, { status: 400 });
  return exportResponse(database(), input.value, { request, context, actor: account.email, audit: { via: "web" } });
}
