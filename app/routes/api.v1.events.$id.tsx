// GET /api/v1/events/:id — one event: its fields, parsed payload (codes and message
// bodies masked), every delivery of its svix-id with headers and outcome, the diff of
// a `*.updated` event against the previous state, its dispatch attempts, and the local
// answers of laptops (`hookline listen`) it was replayed to (`listenerAttempts`).
// Credential headers of its deliveries are masked too. `?reveal=true` unmasks both for
// operators and admins, and is recorded in the audit log.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiJson, notFound, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { recordAudit } from "~/audit/audit.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { loadEventDetail } from "~/events/event-detail.server";
import { typeHasSecrets } from "~/events/redaction";
import { listenerAttemptsOf } from "~/stream/listeners.server";

const Query = z.object({
  reveal: z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .optional()
    .transform((value) => value === "true" || value === "1"),
});

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  const principal = await requireApiToken(request, "viewer");
  const search = new URL(request.url).searchParams;
  rejectUnknownParameters(search, ["reveal"]);
  const { reveal } = Query.parse(Object.fromEntries(search));
  if (reveal) await requireApiToken(request, "operator");

  const id = params.id ?? "";
  const handle = database();
  const detail = /^[0-9A-Za-z_-]{1,64}$/.test(id) ? await loadEventDetail(handle, id, { role: principal.role, reveal }) : null;
  if (!detail) throw notFound(`No event with id ${JSON.stringify(id.slice(0, 64))}.`);

  if (reveal && (typeHasSecrets(detail.event.type) || detail.deliveries.some((d) => d.credentialHeaders.length > 0))) {
    // NOTE: recorded after the lookup (so unknown ids leave no entry) but before the
    // unmasked payload leaves the server.
    await recordAudit(handle.db, {
      actor: `api-token:${principal.name}`,
      action: "event.reveal",
      subject: detail.event.id,
      detail: {
        type: detail.event.type,
        svixId: detail.event.svixId,
        tokenId: principal.tokenId,
        via: "api",
        headers: [...new Set(detail.deliveries.flatMap((d) => d.credentialHeaders))],
      },
    });
  }
  return apiJson({
    event: detail.event,
    payload: detail.payload,
    masked: detail.maskedPaths,
    deliveries: detail.deliveries,
    diff: detail.diff,
    dispatches: detail.dispatches,
    listenerAttempts: await listenerAttemptsOf(handle, detail.event.id),
  });
});
