// POST /api/v1/replays/:id/pause | /resume | /cancel (operator) → the job as it is now.
// 409 when the job's state does not allow it (e.g. resuming a finished job).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { apiError, apiJson, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor } from "~/dispatch/api-body.server";
import { cancelJob, pauseJob, resumeJob } from "~/dispatch/control-job.server";
import { getJob } from "~/dispatch/dispatch-job.server";
import { apiDispatchError } from "~/dispatch/route-errors.server";

const COMMANDS = { pause: pauseJob, resume: resumeJob, cancel: cancelJob } as const;

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  throw apiError(405, "method_not_allowed", "Use POST for pause, resume and cancel.");
});

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") throw apiError(405, "method_not_allowed", "Use POST for pause, resume and cancel.");
  const principal = await requireApiToken(request, "operator");
  const command = COMMANDS[String(params.command) as keyof typeof COMMANDS];
  if (!command) throw apiError(404, "not_found", `Unknown command "${params.command}": use pause, resume or cancel.`);
  try {
    await command(db(), String(params.id), { actor: apiActor(principal) });
    return apiJson(await getJob(db(), String(params.id)));
  } catch (error) {
    if (error instanceof Response) throw error;
    apiDispatchError(error);
  }
});
