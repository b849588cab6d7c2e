// POST /api/v1/listeners/:id/replay (operator): { eventId } → sends that stored event to a
// listening `hookline listen` session again, on whichever instance it is connected; its
// local answer is stored with the event's attempts. The same as POST /api/v1/replays
// with { listenerId, eventIds: [eventId] }.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiError, apiJson, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { apiActor, readJsonBody } from "~/dispatch/api-body.server";
import { apiDispatchError } from "~/dispatch/route-errors.server";
import { replayToListener } from "~/stream/listener-replay.server";

const ReplaySchema = z.object({ eventId: z.string().trim().min(1).max(40) }).strict();

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "POST { eventId }.");
  const principal = await requireApiToken(request, "operator");
  const { eventId } = await readJsonBody(request, ReplaySchema);
  try {
    const replay = await replayToListener(database(), { listenerId: params.id ?? "", eventIds: [eventId], actor: apiActor(principal) });
    return apiJson({ sent: true, listenerId: replay.listenerId, eventId, replayId: replay.id }, { status: 202 });
  } catch (error) {
    apiDispatchError(error);
  }
});
