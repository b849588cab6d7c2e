// GET /api/v1/replays/:id (viewer): { id, status, total, sent, failed, ... } with
// status one of queued, running, paused, done, canceled, failed (DESIGN.md).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { getJob } from "~/dispatch/dispatch-job.server";
import { apiDispatchError } from "~/dispatch/route-errors.server";

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  try {
    return apiJson(await getJob(db(), String(params.id)));
  } catch (error) {
    if (error instanceof Response) throw error;
    apiDispatchError(error);
  }
});
