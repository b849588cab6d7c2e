// GET /api/v1/notification-channels (admin): channels, never their secrets.
// POST (admin): { name, type: "webhook" | "slack" | "email", url?, to?, kinds?, secret?,
//   enabled?, timeoutMs? } → 201 with `id`, and `secret` once for a webhook channel.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { apiError, apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { ChannelCreateSchema, createChannel, listChannels, toApiChannel } from "~/alerts/notification-channels.server";
import { apiAlertError } from "~/alerts/route-errors.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor, readJsonBody } from "~/dispatch/api-body.server";
import { currentAllowlist } from "~/dispatch/dispatch-config.server";

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "admin");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  return apiJson({ channels: (await listChannels(db())).map(toApiChannel) });
});

export const action = withApi(async ({ request }: ActionFunctionArgs) => {
  const principal = await requireApiToken(request, "admin");
  if (request.method !== "POST") throw apiError(405, "method_not_allowed", "Use GET or POST on /api/v1/notification-channels.");
  const input = await readJsonBody(request, ChannelCreateSchema);
  try {
    const created = await createChannel(db(), input, { actor: apiActor(principal), allowlist: currentAllowlist() });
    return apiJson({ ...created.channel, ...(created.secret ? { secret: created.secret } : {}) }, { status: 201 });
  } catch (error) {
    apiAlertError(error);
  }
});
