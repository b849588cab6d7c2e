// Everything the user page and `GET /api/v1/users/:userId/timeline` show, from the
// indexed `userId` column: state, field history, memberships, open sessions, billing,
// and one page of the timeline. Work is bounded by what is shown, not by how many events
// the user has: one timeline page, the latest `user.*` events, the latest event per
// membership/session/subscription.
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventRow } from "~/events/event-query.server";
import { subscriptionStatusFromEvent } from "./event-summary";
import type { Json } from "./lifecycle-event";
import {
  countByResourceType,
  deletionRows,
  eventsCreatedBy,
  latestPerResourceRecent,
  listTimelinePage,
  loadEventData,
  resourceEventRows,
  toLifecycleEvent,
  type TimelineScope,
} from "./lifecycle-query.server";
import { OTHER_CATEGORY, USER_CATEGORIES, type TimelineCategory } from "./timeline-categories";
import { toTimelineEntry, type TimelineEntry } from "./timeline";
import type { TimelineQuery } from "./timeline-query";
import {
  eventRef,
  reconstructUserState,
  USER_HISTORY_LIMIT,
  summarizeMembership,
  summarizeSession,
  userFieldHistory,
  type EventRef,
  type FieldChange,
  type MembershipSummary,
  type SessionSummary,
  type UserState,
} from "./user-state";

const RELATED_LIMIT = 5000;
/** Open sessions are looked for among this many of the user's latest session events. */
export const SESSION_WINDOW = 1000;
const TERMINAL_SESSION_TYPES = ["session.ended", "session.removed", "session.revoked"];

export interface UserSubscriptionSummary {
  subscriptionId: string;
  status: string | null;
  latest: EventRef;
}

export interface UserLifecycleState extends UserState {
  memberships: MembershipSummary[];
  /** Sessions whose latest event leaves them open (active or pending), newest first. */
  activeSessions: SessionSummary[];
  subscriptions: UserSubscriptionSummary[];
}

export interface TimelinePage {
  events: TimelineEntry[];
  nextCursor: string | null;
  /** Events per category key, over the whole scope (not just this page). */
  counts: Record<string, number>;
  total: number;
}

export interface CreatedOrganization {
  organizationId: string;
  name: string | null;
  event: EventRef;
}

export interface UserLifecycle {
  userId: string;
  /** Organizations whose `organization.created` names this user as `created_by`; they are in the timeline too. */
  createdOrganizations: CreatedOrganization[];
  state: UserLifecycleState;
  fieldHistory: { changes: FieldChange[]; truncated: boolean; eventsRead: number };
  timeline: TimelinePage;
}

export function categoryFilter(categories: readonly TimelineCategory[], key: string | null) {
  if (!key) return { resourceTypes: null, excludeResourceTypes: [] as string[] };
  if (key === OTHER_CATEGORY) return { resourceTypes: null, excludeResourceTypes: categories.flatMap((c) => [...c.resourceTypes]) };
  const category = categories.find((candidate) => candidate.key === key);
  return { resourceTypes: category ? category.resourceTypes : [], excludeResourceTypes: [] as string[] };
}

export function countsByCategory(categories: readonly TimelineCategory[], byType: Map<string | null, number>) {
  const counts: Record<string, number> = Object.fromEntries([...categories.map((c) => [c.key, 0]), [OTHER_CATEGORY, 0]]);
  let total = 0;
  for (const [resourceType, count] of byType) {
    const key = categories.find((c) => resourceType !== null && c.resourceTypes.includes(resourceType))?.key ?? OTHER_CATEGORY;
    counts[key] = (counts[key] ?? 0) + count;
    total += count;
  }
  return { counts, total };
}

export async function loadUserLifecycle(
  handle: DatabaseHandle,
  userId: string,
  query: TimelineQuery,
  options: { now?: number } = {},
): Promise<UserLifecycle> {
  const now = options.now ?? Date.now();
  const scope: TimelineScope = { column: "userId", id: userId };
  // NOTE: `created_by` is not the subject of organization.created (the event's userId is
  // empty), so these join the user's timeline by id.
  const createdRows = await eventsCreatedBy(handle, userId, ["organization.created"]);
  const timelineScope: TimelineScope = { ...scope, alsoEventIds: createdRows.map((row) => row.id) };
  const [page, userRows, held, recentSessions, byType] = await Promise.all([
    listTimelinePage(handle, timelineScope, { ...categoryFilter(USER_CATEGORIES, query.category), ...query }),
    resourceEventRows(handle, "user", userId, { limit: USER_HISTORY_LIMIT + 1 }),
    // Memberships and subscriptions are few: every one of them, exactly.
    latestPerResourceRecent(handle, scope, ["organizationMembership", "subscription"], { limit: RELATED_LIMIT }),
    // A user may have thousands of sessions, nearly all long closed: an open one has an
    // event among the latest SESSION_WINDOW session events.
    latestPerResourceRecent(handle, scope, ["session"], { limit: SESSION_WINDOW, excludeLatestTypes: TERMINAL_SESSION_TYPES }),
    countByResourceType(handle, timelineScope, { q: query.q }),
  ]);
  const historyRows = userRows.slice(0, USER_HISTORY_LIMIT);
  const memberships = held.filter((r) => r.row.resourceType === "organizationMembership");
  const subscriptions = held.filter((r) => r.row.resourceType === "subscription");
  const sessions = recentSessions;
  const related = [...held, ...sessions];

  const deletionsPromise = deletionRows(handle, [
    userId,
    ...page.rows.map((row) => row.resourceId).filter((id): id is string => id !== null),
    ...memberships.map((m) => m.row.organizationId).filter((id): id is string => id !== null),
  ]);
  const cache = new Map<string, Json | null>();
  const needsPayload: EventRow[] = [
    ...page.rows,
    ...createdRows,
    ...historyRows.filter((row) => row.type !== "user.deleted"),
    ...related.map((r) => r.row).filter((row) => row.resourceType !== "subscription" || /\.(created|updated)$/.test(row.type)),
  ];
  const [data, deletionEventRows] = await Promise.all([loadEventData(handle, needsPayload, cache), deletionsPromise]);
  const withData = (row: EventRow) => ({ event: toLifecycleEvent(row), data: data.get(row.id) ?? null });

  const userEvents = historyRows.map(withData);
  const state = reconstructUserState({
    userId,
    userEvents,
    fallbacks: historyRows.length === 0 ? related.map((r) => withData(r.row)) : [],
  });
  const changes = userFieldHistory(userEvents);
  const changesByEvent = new Map<string, FieldChange[]>();
  for (const change of changes) changesByEvent.set(change.event.id, [...(changesByEvent.get(change.event.id) ?? []), change]);

  const deletions = deletionEventRows.map(toLifecycleEvent);
  const deletedOrganizations = new Set(deletions.filter((d) => d.type === "organization.deleted").map((d) => d.resourceId));

  const { counts, total } = countsByCategory(USER_CATEGORIES, byType);
  const created = new Set(createdRows.map((row) => row.id));
  const createdOrganizations = createdRows.map((row) => ({
    organizationId: row.resourceId ?? "",
    name: typeof data.get(row.id)?.name === "string" ? (data.get(row.id)!.name as string) : null,
    event: eventRef(toLifecycleEvent(row)),
  }));
  return {
    userId,
    createdOrganizations,
    state: {
      ...state,
      memberships: memberships.map((m) =>
        summarizeMembership(withData(m.row), { timestamp: m.firstTimestampMs, type: m.firstType }, {
          organizationDeleted: deletedOrganizations.has(m.row.organizationId),
        }),
      ),
      activeSessions: sessions
        .map((s) => summarizeSession(withData(s.row), now, { userDeleted: state.deleted }))
        .filter((session) => session.active),
      subscriptions: subscriptions.map((s) => ({
        subscriptionId: s.row.resourceId!,
        status: subscriptionStatusFromEvent(s.row.type, data.get(s.row.id) ?? null),
        latest: eventRef(toLifecycleEvent(s.row)),
      })),
    },
    fieldHistory: { changes, truncated: userRows.length > USER_HISTORY_LIMIT, eventsRead: historyRows.length },
    timeline: {
      events: page.rows.map((row) => {
        const entry = toTimelineEntry(withData(row), { categories: USER_CATEGORIES, deletions, subjectId: userId, changesByEvent });
        if (!created.has(row.id)) return entry;
        const name = data.get(row.id)?.name;
        return { ...entry, summary: `Created organization ${typeof name === "string" && name ? name : (row.resourceId ?? "")}`.trim(), createdBySubject: true };
      }),
      nextCursor: page.nextCursor,
      counts,
      total,
    },
  };
}
