// GET /api/v1/organizations/:orgId/timeline — the organization's reconstructed state
// (members, invitations, domains) and events in envelope-time order, a page at a time.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, invalidParameter, notFound, rejectUnknownParameters, valueOrInvalid, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { InvalidTimelineCursorError } from "~/lifecycle/lifecycle-query.server";
import { loadOrganizationLifecycle } from "~/lifecycle/organization-lifecycle.server";
import { ORGANIZATION_CATEGORIES } from "~/lifecycle/timeline-categories";
import { parseTimelineQuery, ResourceIdSchema } from "~/lifecycle/timeline-query";

const PARAMETERS = ["category", "sort", "dir", "limit", "cursor"] as const;

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const orgId = ResourceIdSchema.safeParse(params.orgId);
  if (!orgId.success) throw invalidParameter("orgId", `Invalid \`orgId\`: ${orgId.error.issues[0]!.message}`);
  const search = new URL(request.url).searchParams;
  rejectUnknownParameters(search, PARAMETERS);
  const query = valueOrInvalid(parseTimelineQuery(search, { categories: ORGANIZATION_CATEGORIES, defaultDir: "asc", defaultLimit: 100 }));
  let lifecycle;
  try {
    lifecycle = await loadOrganizationLifecycle(database(), orgId.data, query);
  } catch (error) {
    if (error instanceof InvalidTimelineCursorError) throw invalidParameter("cursor", error.message);
    throw error;
  }
  if (lifecycle.timeline.total === 0) throw notFound(`No stored event mentions the organization ${orgId.data}.`);
  return apiJson({
    organizationId: lifecycle.organizationId,
    state: lifecycle.state,
    events: lifecycle.timeline.events,
    nextCursor: lifecycle.timeline.nextCursor,
    total: lifecycle.timeline.total,
    counts: lifecycle.timeline.counts,
    memberHistory: lifecycle.memberHistory,
    updates: lifecycle.updates,
  });
});
