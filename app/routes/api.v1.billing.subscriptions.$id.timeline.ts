// GET /api/v1/billing/subscriptions/:id/timeline — one subscription over time: the state
// as of now, top-level status periods, one lane per item, payment attempts, anomalies,
// and the events in envelope-time order (same fields as the event list, plus `summary`,
// `linkedBy` and `arrivedLate`). Viewers and up.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, invalidParameter, notFound, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { loadSubscriptionTimeline } from "~/billing/billing-timeline.server";
import { database } from "~/db/prisma.server";
import { ResourceIdSchema } from "~/lifecycle/timeline-query";

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const id = ResourceIdSchema.safeParse(params.id);
  if (!id.success) throw invalidParameter("id", `Invalid subscription \`id\`: ${id.error.issues[0]!.message}`);
  const timeline = await loadSubscriptionTimeline(database(), id.data);
  if (timeline.events.length === 0) throw notFound(`No stored billing event mentions the subscription ${id.data}.`);
  const { state, events, subscriptionLanes, itemLanes, payments, attempts, anomalies, payer, range, truncated, unplacedPayerEvents } = timeline;
  return apiJson({
    subscriptionId: id.data,
    state,
    events,
    statuses: subscriptionLanes[0]?.periods ?? [],
    items: itemLanes,
    payments,
    attempts,
    anomalies,
    payer,
    range,
    truncated,
    unplacedPayerEvents,
  });
});
