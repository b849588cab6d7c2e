// GET /api/v1/targets/:id (viewer): the target (never its secret or header values)
//   with its 24-hour health.
// PATCH /api/v1/targets/:id (operator): any of the POST fields; `secret` rotates it and
//   is answered once.
// DELETE /api/v1/targets/:id (operator): soft delete; waiting sends are canceled.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { apiError, apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor, readJsonBody } from "~/dispatch/api-body.server";
import { deleteTarget } from "~/dispatch/delete-target.server";
import { currentAllowlist } from "~/dispatch/dispatch-config.server";
import { apiDispatchError } from "~/dispatch/route-errors.server";
import { TargetUpdateSchema } from "~/dispatch/target-input";
import { requireTarget, targetStats, toApiTarget } from "~/dispatch/target.server";
import { updateTarget } from "~/dispatch/update-target.server";

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  try {
    const row = await requireTarget(db(), String(params.id));
    const stats = await targetStats(db(), [row.id]);
    return apiJson({ ...toApiTarget(row), stats: stats.get(row.id) });
  } catch (error) {
    if (error instanceof Response) throw error;
    apiDispatchError(error);
  }
});

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  const principal = await requireApiToken(request, "operator");
  const id = String(params.id);
  const context = { actor: apiActor(principal), allowlist: currentAllowlist() };
  try {
    if (request.method === "PATCH") {
      const changes = await readJsonBody(request, TargetUpdateSchema);
      const updated = await updateTarget(db(), id, changes, context);
      return apiJson({ ...updated.target, ...(updated.secret ? { secret: updated.secret } : {}) });
    }
    if (request.method === "DELETE") {
      await deleteTarget(db(), id, context);
      return apiJson({ id, deleted: true });
    }
  } catch (error) {
    if (error instanceof Response) throw error;
    apiDispatchError(error);
  }
  throw apiError(405, "method_not_allowed", "Use GET, PATCH or DELETE on /api/v1/targets/:id.");
});
