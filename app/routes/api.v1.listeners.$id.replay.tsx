// POST /api/v1/listeners/:id/replay (operator): { eventId } → sends that stored event to a
// listening `hookline listen` session again; its local answer comes back on /listeners.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiError, apiJson, withApi } from "~/api/responses.server";
import { recordAudit } from "~/audit/audit.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { readJsonBody } from "~/dispatch/api-body.server";
import { replayToListener } from "~/stream/listeners.server";

const ReplaySchema = z.object({ eventId: z.string().trim().min(1).max(40) }).strict();

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "POST { eventId }.");
  const principal = await requireApiToken(request, "operator");
  const { eventId } = await readJsonBody(request, ReplaySchema);
  const outcome = await replayToListener(database(), params.id ?? "", eventId);
  if (outcome === "no_listener") return apiError(404, "not_found", "No such listener on this server (it disconnected, or is on another instance).");
  if (outcome === "no_event") return apiError(404, "not_found", "No such event.");
  if (outcome === "not_delivered") return apiError(409, "conflict", "The listener is too far behind; try again.");
  await recordAudit(database().db, { actor: `token:${principal.name}`, action: "event.replay_to_listener", subject: eventId, detail: { listenerId: params.id } });
  return apiJson({ sent: true, listenerId: params.id, eventId }, { status: 202 });
});
