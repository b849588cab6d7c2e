// POST /api/v1/replays (operator): { targetId, eventIds? | filter? | retryFailedSince?,
//   mode? ("all" | "latest": each selected resource's latest event only), order?, maxPerSecond?, newSvixId?, onlyUndelivered?, includeNeverSent?, includeOutsideTypes? } → 201 with the
//   job (DESIGN.md). `filter` takes the event list's names: { type: [...], outcome, source,
//   resource, q, from, to }.
//   Or { listenerId, eventIds? | filter?, order? } → 202: the events go to a listening
//   `hookline listen` session (app/stream/listener-replay.server.ts); 404 for an unknown
//   listener, 409 for one that is no longer connected.
// GET /api/v1/replays (viewer): jobs newest first, `?before=<id>` for the next page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiError, apiJson, invalidParameter, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database, db } from "~/db/prisma.server";
import { apiActor, readJsonBody } from "~/dispatch/api-body.server";
import { replayEvents } from "~/dispatch/batch-replay.server";
import { getJob, listJobs } from "~/dispatch/dispatch-job.server";
import { MAX_EVENT_IDS, ReplayRequestSchema } from "~/dispatch/replay-input";
import { retryFailedSince } from "~/dispatch/retry-failed.server";
import { apiDispatchError } from "~/dispatch/route-errors.server";
import { JOB_ORDERS } from "~/dispatch/dispatch-status";
import { parseEventFilter } from "~/events/event-filter";
import { replayToListener } from "~/stream/listener-replay.server";

const ListQuery = z.object({
  before: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, "must be a job id from a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const params = new URL(request.url).searchParams;
  rejectUnknownParameters(params, ["before", "limit"]);
  const query = ListQuery.parse(Object.fromEntries(params));
  const page = await listJobs(db(), query);
  return apiJson({ replays: page.jobs, nextBefore: page.nextBefore });
});

/** A replay to a listening laptop: no rate, no retries, no new svix-ids (the laptop is there now). */
const ListenerReplaySchema = z
  .object({
    listenerId: z.string({ invalid_type_error: "must be a listener id" }).trim().min(1, "is required").max(40),
    eventIds: z
      .array(z.string().trim().min(1).max(100), { invalid_type_error: "must be an array of event ids" })
      .min(1, "must name at least one event")
      .max(MAX_EVENT_IDS, `at most ${MAX_EVENT_IDS} ids; use a filter for more`)
      .optional(),
    filter: z.record(z.unknown(), { invalid_type_error: "must be an object like { \"type\": [\"user.*\"] }" }).optional(),
    order: z.enum(JOB_ORDERS, { message: `must be one of ${JOB_ORDERS.join(", ")}` }).default("timestamp"),
  })
  .strict();

export const action = withApi(async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") throw apiError(405, "method_not_allowed", "Use POST to start a replay.");
  const principal = await requireApiToken(request, "operator");
  if (request.headers.get("content-type")?.includes("json")) {
    const raw = (await request
      .clone()
      .json()
      .catch(() => null)) as Record<string, unknown> | null;
    if (raw && typeof raw === "object" && "listenerId" in raw) return replayToListenerAction(request, principal);
  }
  const body = await readJsonBody(request, ReplayRequestSchema);
  const chosen = [body.eventIds && "eventIds", body.filter && "filter", body.retryFailedSince && "retryFailedSince"].filter(Boolean);
  if (body.mode === "latest" && (body.eventIds || body.retryFailedSince || body.onlyUndelivered)) {
    throw invalidParameter("mode", "Mode `latest` takes a `filter` (or none, for every resource), not `eventIds`, `retryFailedSince` or `onlyUndelivered`.");
  }
  // Mode "latest" without a filter rebuilds every resource.
  if (chosen.length !== 1 && !(body.mode === "latest" && chosen.length === 0)) {
    throw invalidParameter(
      chosen[1] ?? "eventIds",
      chosen.length ? `Give only one of \`eventIds\`, \`filter\` or \`retryFailedSince\`.` : "Give `eventIds`, a `filter` or `retryFailedSince` to choose the events.",
    );
  }
  let filter;
  if (body.filter) {
    const parsed = parseEventFilter(body.filter);
    if (!parsed.ok) throw invalidParameter(`filter.${parsed.parameter}`, parsed.message.replace(/`([^`]+)`/, "`filter.$1`"));
    filter = parsed.value;
  }
  const actor = apiActor(principal);
  try {
    const job = body.retryFailedSince
      ? await retryFailedSince(database(), { targetId: body.targetId, since: body.retryFailedSince, maxPerSecond: body.maxPerSecond, actor })
      : await replayEvents(database(), {
          targetId: body.targetId,
          eventIds: body.eventIds ?? null,
          filter: filter ?? null,
          order: body.order,
          mode: body.mode,
          maxPerSecond: body.maxPerSecond,
          newSvixId: body.newSvixId,
          onlyUndelivered: body.onlyUndelivered,
          includeNeverSent: body.includeNeverSent,
          includeOutsideTypes: body.includeOutsideTypes,
          actor,
        });
    return apiJson(await getJob(db(), job.id), { status: 201 });
  } catch (error) {
    if (error instanceof Response) throw error;
    apiDispatchError(error);
  }
});

async function replayToListenerAction(request: Request, principal: Parameters<typeof apiActor>[0]) {
  const body = await readJsonBody(request, ListenerReplaySchema);
  if (body.eventIds && body.filter) throw invalidParameter("filter", "Give either `eventIds` or `filter`, not both.");
  if (!body.eventIds && !body.filter) throw invalidParameter("eventIds", "Give `eventIds` or a `filter` to choose the events.");
  let filter;
  if (body.filter) {
    const parsed = parseEventFilter(body.filter);
    if (!parsed.ok) throw invalidParameter(`filter.${parsed.parameter}`, parsed.message.replace(/`([^`]+)`/, "`filter.$1`"));
    filter = parsed.value;
  }
  try {
    const replay = await replayToListener(database(), {
      listenerId: body.listenerId,
      eventIds: body.eventIds ?? null,
      filter: filter ?? null,
      order: body.order,
      actor: apiActor(principal),
    });
    return apiJson(replay, { status: 202 });
  } catch (error) {
    if (error instanceof Response) throw error;
    apiDispatchError(error);
  }
}
