// POST /api/v1/listeners/:id/answers: `hookline listen` reports what its local app
// answered for one event. Only the token that opened the listening stream may report.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiError, apiJson, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { readJsonBody } from "~/dispatch/api-body.server";
import { reportListenerAnswer } from "~/stream/listeners.server";

const AnswerSchema = z
  .object({
    eventId: z.string().min(1).max(40),
    status: z.number().int().min(100).max(599).nullable(),
    ok: z.boolean(),
    durationMs: z.number().int().min(0).max(3_600_000),
    error: z.string().max(500).nullable().default(null),
  })
  .strict();

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "POST an answer.");
  const principal = await requireApiToken(request, "viewer");
  const answer = await readJsonBody(request, AnswerSchema);
  const outcome = reportListenerAnswer(params.id ?? "", `token:${principal.tokenId}`, answer);
  if (outcome === "not_found") return apiError(404, "not_found", "No such listener on this server (it disconnected, or is on another instance).");
  if (outcome === "forbidden") return apiError(403, "forbidden", "Only the token that opened this listener may report for it.");
  return apiJson({ recorded: true });
});
