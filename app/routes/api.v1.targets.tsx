// GET /api/v1/targets (viewer): every target with its 24-hour health.
// POST /api/v1/targets (operator): { name, url, secret?, eventTypes?, autoForward?, enabled?,
//   timeoutMs?, maxPerSecond?, concurrency?, headers? } → 201 with the target and its
//   `secret`, the only time the secret is ever returned.
// PATCH /api/v1/targets (operator): { id, ...changes }, the same as PATCH /api/v1/targets/:id.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiError, apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor, readJsonBody } from "~/dispatch/api-body.server";
import { createTarget } from "~/dispatch/create-target.server";
import { currentAllowlist } from "~/dispatch/dispatch-config.server";
import { apiDispatchError } from "~/dispatch/route-errors.server";
import { TargetCreateSchema, TargetUpdateSchema } from "~/dispatch/target-input";
import { listTargets, targetStats, toApiTarget } from "~/dispatch/target.server";
import { updateTarget } from "~/dispatch/update-target.server";

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  const rows = await listTargets(db());
  const stats = await targetStats(db(), rows.map((r) => r.id));
  return apiJson({ targets: rows.map((row) => ({ ...toApiTarget(row), stats: stats.get(row.id) })) });
});

const PatchWithId = TargetUpdateSchema.extend({ id: z.string({ required_error: "is required" }).min(1, "is required") });

export const action = withApi(async ({ request }: ActionFunctionArgs) => {
  const principal = await requireApiToken(request, "operator");
  const context = { actor: apiActor(principal), allowlist: currentAllowlist() };
  try {
    if (request.method === "POST") {
      const input = await readJsonBody(request, TargetCreateSchema);
      const created = await createTarget(db(), input, context);
      return apiJson({ ...created.target, secret: created.secret }, { status: 201 });
    }
    if (request.method === "PATCH") {
      const { id, ...changes } = await readJsonBody(request, PatchWithId);
      const updated = await updateTarget(db(), id, changes, context);
      return apiJson({ ...updated.target, ...(updated.secret ? { secret: updated.secret } : {}) });
    }
  } catch (error) {
    if (error instanceof Response) throw error;
    apiDispatchError(error);
  }
  throw apiError(405, "method_not_allowed", "Use GET, POST or PATCH on /api/v1/targets.");
});
