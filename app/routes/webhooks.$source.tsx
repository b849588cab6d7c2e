// POST /webhooks/:source — the ingest resource route. The production server mounts
// the same ingestDelivery() ahead of Remix (app/server/app.server.ts); this route
// serves `npm run dev` and HOOKLINE_INGEST_VIA_REMIX=1.
import { json, type ActionFunctionArgs } from "@remix-run/node";

import { ingestDelivery } from "~/ingest/ingest.server";
import { answerFor, readWebBody, unavailableAnswer } from "~/ingest/http.server";
import { runtime } from "~/server/runtime.server";

export async function loader() {
  return json(
    { error: "method_not_allowed", detail: "Webhook deliveries are POST requests." },
    { status: 405, headers: { Allow: "POST" } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return loader();
  const requestId = request.headers.get("x-request-id");
  const { ingest } = await runtime();
  const read = await readWebBody(request.body, ingest.maxBodyBytes);
  const startedAt = performance.now();
  try {
    const result = await ingestDelivery(ingest, {
      sourceSlug: params.source ?? "",
      body: read.body,
      size: read.size,
      tooLarge: read.tooLarge,
      headers: [...request.headers.entries()],
      remoteAddr: typeof context.remoteAddr === "string" ? context.remoteAddr : null,
      requestId,
    });
    const { status, body } = answerFor(result, startedAt);
    return json(body, { status });
  } catch (error) {
    const { status, body } = unavailableAnswer(error, requestId, startedAt);
    return json(body, { status });
  }
}
