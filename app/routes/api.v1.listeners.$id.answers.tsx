// POST /api/v1/listeners/:id/answers: `hookline listen` reports what its local app
// answered for one event. Only the token that opened the listening stream may report.
// An answer to a replay (`replayId`) is stored as one of the event's attempts.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiError, apiJson, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { readJsonBody } from "~/dispatch/api-body.server";
import { reportListenerAnswer } from "~/stream/listeners.server";

const AnswerSchema = z
  .object({
    eventId: z.string().min(1).max(40),
    status: z.number().int().min(100).max(599).nullable(),
    ok: z.boolean(),
    durationMs: z.number().int().min(0).max(3_600_000),
    error: z.string().max(500).nullable().default(null),
    /** The first non-empty line of the local app's answer. */
    bodyLine: z.string().max(200).nullable().default(null),
    replayId: z.string().min(1).max(40).nullable().default(null),
  })
  .strict();

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "POST an answer.");
  const principal = await requireApiToken(request, "viewer");
  const answer = await readJsonBody(request, AnswerSchema);
  const outcome = await reportListenerAnswer(database(), params.id ?? "", `token:${principal.tokenId}`, answer);
  if (outcome === "not_found") return apiError(404, "not_found", "No such listener.");
  if (outcome === "forbidden") return apiError(403, "forbidden", "Only the token that opened this listener may report for it.");
  if (outcome === "not_in_replay") return apiError(409, "conflict", "That event is not part of that replay to this listener.");
  return apiJson({ recorded: true });
});
