// POST /api/v1/issues/:id/acknowledge | /resolve | /mute ({ until? }, ISO 8601; null
// unmutes; default 24 h) (operator) → the issue. Audited.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiError, apiJson, withApi } from "~/api/responses.server";
import { acknowledgeIssue } from "~/alerts/acknowledge-issue.server";
import { toApiIssue } from "~/alerts/issues.server";
import { muteIssue } from "~/alerts/mute-issue.server";
import { resolveIssue } from "~/alerts/resolve-issue.server";
import { apiAlertError } from "~/alerts/route-errors.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor } from "~/dispatch/api-body.server";

const MuteBody = z.object({ until: z.string().datetime({ offset: true }).nullable().optional() }).strict();

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  throw apiError(405, "method_not_allowed", "Use POST for acknowledge, resolve and mute.");
});

async function optionalJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw apiError(400, "invalid_body", "The body is not valid JSON.");
  }
}

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") throw apiError(405, "method_not_allowed", "Use POST for acknowledge, resolve and mute.");
  const principal = await requireApiToken(request, "operator");
  const id = String(params.id);
  const actor = apiActor(principal);
  try {
    switch (params.action) {
      case "acknowledge":
        return apiJson(toApiIssue(await acknowledgeIssue(db(), id, actor)));
      case "resolve":
        return apiJson(toApiIssue(await resolveIssue(db(), id, actor)));
      case "mute": {
        const body = MuteBody.safeParse(await optionalJson(request));
        if (!body.success) throw apiError(400, "invalid_body", "Invalid `until`: give an ISO 8601 time, or null to unmute.", { parameter: "until" });
        const until = body.data.until === undefined ? undefined : body.data.until === null ? null : new Date(body.data.until);
        return apiJson(toApiIssue(await muteIssue(db(), id, actor, until)));
      }
      default:
        throw apiError(404, "not_found", `Unknown action "${params.action}": use acknowledge, resolve or mute.`);
    }
  } catch (error) {
    apiAlertError(error);
  }
});
