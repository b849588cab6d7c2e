// GET /api/v1/users/:userId/timeline — the user's reconstructed state and events in
// envelope-time order (DESIGN.md "HTTP surface"), a page at a time. Viewers and up.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, invalidParameter, notFound, rejectUnknownParameters, valueOrInvalid, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { InvalidTimelineCursorError } from "~/lifecycle/lifecycle-query.server";
import { USER_CATEGORIES } from "~/lifecycle/timeline-categories";
import { parseTimelineQuery, ResourceIdSchema } from "~/lifecycle/timeline-query";
import { loadUserLifecycle } from "~/lifecycle/user-lifecycle.server";

const PARAMETERS = ["category", "sort", "dir", "limit", "cursor"] as const;

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const userId = ResourceIdSchema.safeParse(params.userId);
  if (!userId.success) throw invalidParameter("userId", `Invalid \`userId\`: ${userId.error.issues[0]!.message}`);
  const search = new URL(request.url).searchParams;
  rejectUnknownParameters(search, PARAMETERS);
  const query = valueOrInvalid(parseTimelineQuery(search, { categories: USER_CATEGORIES, defaultDir: "asc", defaultLimit: 100 }));
  let lifecycle;
  try {
    lifecycle = await loadUserLifecycle(database(), userId.data, query);
  } catch (error) {
    if (error instanceof InvalidTimelineCursorError) throw invalidParameter("cursor", error.message);
    throw error;
  }
  if (lifecycle.timeline.total === 0) throw notFound(`No stored event mentions the user ${userId.data}.`);
  return apiJson({
    userId: lifecycle.userId,
    state: lifecycle.state,
    events: lifecycle.timeline.events,
    nextCursor: lifecycle.timeline.nextCursor,
    total: lifecycle.timeline.total,
    counts: lifecycle.timeline.counts,
    fieldHistory: lifecycle.fieldHistory,
  });
});
