// GET /api/v1/replays/:id (viewer): { id, status, total, sent, failed, ... } with
// status one of queued, running, paused, done, canceled, failed (DESIGN.md). A replay
// to a listener answers { id, kind, listenerId, status: running | done | failed, total,
// sent, failed, ... } (app/stream/listener-replay.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database, db } from "~/db/prisma.server";
import { getJob } from "~/dispatch/dispatch-job.server";
import { DispatchNotFoundError } from "~/dispatch/dispatch-errors";
import { apiDispatchError } from "~/dispatch/route-errors.server";
import { getListenerReplay } from "~/stream/listener-replay.server";

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  try {
    return apiJson(await getJob(db(), String(params.id)));
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof DispatchNotFoundError) {
      const replay = await getListenerReplay(database(), String(params.id));
      if (replay) return apiJson(replay);
    }
    apiDispatchError(error);
  }
});
