// GET /api/v1/notification-channels/:id (admin): the channel (no secret) and its delivery log.
// PATCH (admin): any of name, url, to, kinds, enabled, timeoutMs, secret ("" generates a
//   new one; answered once). DELETE (admin). Audited.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { apiError, apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { ChannelUpdateSchema, channelLog, deleteChannel, requireChannel, toApiChannel, updateChannel } from "~/alerts/notification-channels.server";
import { apiAlertError } from "~/alerts/route-errors.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor, readJsonBody } from "~/dispatch/api-body.server";
import { currentAllowlist } from "~/dispatch/dispatch-config.server";

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "admin");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  try {
    const row = await requireChannel(db(), String(params.id));
    return apiJson({ ...toApiChannel(row), log: await channelLog(db(), row.id) });
  } catch (error) {
    apiAlertError(error);
  }
});

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  const principal = await requireApiToken(request, "admin");
  const id = String(params.id);
  const actor = apiActor(principal);
  try {
    if (request.method === "PATCH") {
      const input = await readJsonBody(request, ChannelUpdateSchema);
      const updated = await updateChannel(db(), id, input, { actor, allowlist: currentAllowlist() });
      return apiJson({ ...updated.channel, ...(updated.secret ? { secret: updated.secret } : {}) });
    }
    if (request.method === "DELETE") {
      await deleteChannel(db(), id, { actor });
      return apiJson({ id, deleted: true });
    }
  } catch (error) {
    apiAlertError(error);
  }
  throw apiError(405, "method_not_allowed", "Use GET, PATCH or DELETE on /api/v1/notification-channels/:id.");
});
