// GET /api/v1/listeners (viewer): the `hookline listen` sessions connected to this
// server process, with their filter and the last answer their local app gave
// (app/stream/listeners.server.ts; in memory, per instance).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { INSTANCE, listListeners, toApiListener } from "~/stream/listeners.server";

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  return apiJson({ listeners: listListeners().map(toApiListener), instance: INSTANCE });
});
