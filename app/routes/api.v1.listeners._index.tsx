// GET /api/v1/listeners (viewer): the live `hookline listen` sessions on every instance,
// with their filter and the last answer their local app gave
// (app/stream/listeners.server.ts; rows refreshed by the instance holding each one).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { INSTANCE, listListeners } from "~/stream/listeners.server";

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  return apiJson({ listeners: await listListeners(database()), instance: INSTANCE });
});
