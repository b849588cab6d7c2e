// Everything the organization page and `GET /api/v1/organizations/:orgId/timeline` show,
// from the indexed `organizationId` column. Bounded like the user page: one timeline
// page, the latest organization events, the latest event per membership, invitation
// and domain, and the latest membership events for "members over time".
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventRow } from "~/events/event-query.server";
import type { Json } from "./lifecycle-event";
import {
  countByResourceType,
  deletionRows,
  latestPerResource,
  listTimelinePage,
  loadEventData,
  resourceEventRows,
  toLifecycleEvent,
  type TimelineScope,
} from "./lifecycle-query.server";
import {
  memberChanges,
  organizationUpdates,
  reconstructOrganizationState,
  summarizeDomain,
  summarizeInvitation,
  type DomainSummary,
  type InvitationSummary,
  type MemberChange,
  type OrganizationState,
  type OrganizationUpdate,
} from "./organization-state";
import { ORGANIZATION_CATEGORIES } from "./timeline-categories";
import { toTimelineEntry } from "./timeline";
import type { TimelineQuery } from "./timeline-query";
import { categoryFilter, countsByCategory, type TimelinePage } from "./user-lifecycle.server";
import { summarizeMembership, type MembershipSummary } from "./user-state";

const ORGANIZATION_EVENTS_LIMIT = 51;
const MEMBER_HISTORY_LIMIT = 200;
const RELATED_LIMIT = 1000;

export interface OrganizationLifecycleState extends OrganizationState {
  /** Memberships whose latest event is not a deletion: derived from events, so inferred. */
  members: MembershipSummary[];
  formerMembers: MembershipSummary[];
  invitations: InvitationSummary[];
  domains: DomainSummary[];
}

export interface OrganizationLifecycle {
  organizationId: string;
  state: OrganizationLifecycleState;
  memberHistory: { changes: MemberChange[]; truncated: boolean };
  updates: OrganizationUpdate[];
  timeline: TimelinePage;
}

export async function loadOrganizationLifecycle(
  handle: DatabaseHandle,
  organizationId: string,
  query: TimelineQuery,
  options: { now?: number } = {},
): Promise<OrganizationLifecycle> {
  const now = options.now ?? Date.now();
  const scope: TimelineScope = { column: "organizationId", id: organizationId };
  const [page, organizationRows, related, memberRows, byType] = await Promise.all([
    listTimelinePage(handle, scope, { ...categoryFilter(ORGANIZATION_CATEGORIES, query.category), ...query }),
    resourceEventRows(handle, "organization", organizationId, { limit: ORGANIZATION_EVENTS_LIMIT }),
    latestPerResource(handle, scope, ["organizationMembership", "organizationInvitation", "organizationDomain"], { limit: RELATED_LIMIT }),
    listTimelinePage(handle, scope, {
      resourceTypes: ["organizationMembership"],
      sort: "timestamp",
      dir: "desc",
      limit: MEMBER_HISTORY_LIMIT,
    }),
    countByResourceType(handle, scope),
  ]);
  const domains = related.filter((r) => r.row.resourceType === "organizationDomain");
  // Domain tombstones carry only the domain id, so they are found by id, not by organization.
  const deletionEventRows = await deletionRows(handle, [
    organizationId,
    ...page.rows.map((row) => row.resourceId).filter((id): id is string => id !== null),
    ...domains.map((d) => d.row.resourceId!),
  ]);
  const cache = new Map<string, Json | null>();
  const needsPayload: EventRow[] = [
    ...page.rows,
    ...organizationRows.filter((row) => row.type !== "organization.deleted"),
    ...related.map((r) => r.row),
    ...memberRows.rows,
  ];
  const data = await loadEventData(handle, needsPayload, cache);
  const withData = (row: EventRow) => ({ event: toLifecycleEvent(row), data: data.get(row.id) ?? null });

  const organizationEvents = organizationRows.map(withData);
  const latestMembership = memberRows.rows[0] ? withData(memberRows.rows[0]) : null;
  const state = reconstructOrganizationState({ organizationId, organizationEvents, latestMembershipEvent: latestMembership });
  const deletions = deletionEventRows.map(toLifecycleEvent);

  const memberships = related
    .filter((r) => r.row.resourceType === "organizationMembership")
    .map((m) => summarizeMembership(withData(m.row), { timestamp: m.firstTimestampMs, type: m.firstType }, { organizationDeleted: state.deleted }));
  const invitations = related
    .filter((r) => r.row.resourceType === "organizationInvitation")
    .map((r) => summarizeInvitation(withData(r.row), r.firstTimestampMs, now));
  const domainSummaries = domains
    .map((d) =>
      summarizeDomain([withData(d.row), ...deletions.filter((x) => x.resourceId === d.row.resourceId).map((event) => ({ event, data: null }))]),
    )
    .filter((d): d is DomainSummary => d !== null);

  const { counts, total } = countsByCategory(ORGANIZATION_CATEGORIES, byType);
  return {
    organizationId,
    state: {
      ...state,
      members: memberships.filter((m) => m.current),
      formerMembers: memberships.filter((m) => !m.current),
      invitations,
      domains: domainSummaries,
    },
    memberHistory: { changes: memberChanges(memberRows.rows.map(withData)).reverse(), truncated: memberRows.nextCursor !== null },
    updates: organizationUpdates(organizationEvents),
    timeline: {
      events: page.rows.map((row) => toTimelineEntry(withData(row), { categories: ORGANIZATION_CATEGORIES, deletions, subjectId: organizationId })),
      nextCursor: page.nextCursor,
      counts,
      total,
    },
  };
}
