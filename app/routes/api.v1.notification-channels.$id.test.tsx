// POST /api/v1/notification-channels/:id/test (admin): sends a `test` notification now
// → 200 { ok, status, error, durationMs, response } with the answer seen. Audited.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { apiError, apiJson, withApi } from "~/api/responses.server";
import { alertOptionsFromEnv } from "~/alerts/alerts-worker.server";
import { apiAlertError } from "~/alerts/route-errors.server";
import { sendTestNotification } from "~/alerts/send-test-notification.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor } from "~/dispatch/api-body.server";

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "admin");
  throw apiError(405, "method_not_allowed", "Use POST to send a test notification.");
});

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") throw apiError(405, "method_not_allowed", "Use POST to send a test notification.");
  const principal = await requireApiToken(request, "admin");
  const { sender } = alertOptionsFromEnv();
  try {
    return apiJson(await sendTestNotification(db(), String(params.id), { actor: apiActor(principal), allowlist: sender.allowlist, smtp: sender.smtp }));
  } catch (error) {
    apiAlertError(error);
  }
});
