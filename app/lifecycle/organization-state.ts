// An organization's state rebuilt from stored events: its profile as of the latest
// `organization.*` event, members over time, invitations, domains, and what each
// `organization.updated` changed. Pure functions; organization-lifecycle.server.ts
// feeds them. Browser-safe.
import diff from "microdiff";

import {
  asBoolean,
  asNumber,
  asObject,
  asString,
  asTimestampMs,
  compareEventOrder,
  sortByEventOrder,
  type EventWithData,
  type Json,
} from "./lifecycle-event";
import { eventRef, type EventRef } from "./user-state";

export interface OrganizationProfile {
  name: string | null;
  slug: string | null;
  imageUrl: string | null;
  hasImage: boolean | null;
  membersCount: number | null;
  pendingInvitationsCount: number | null;
  maxAllowedMemberships: number | null;
  adminDeleteEnabled: boolean | null;
  publicMetadata: unknown;
  privateMetadata: unknown;
  createdBy: string | null;
  createdAt: number | null;
  updatedAt: number | null;
}

export interface OrganizationState {
  organizationId: string;
  known: boolean;
  deleted: boolean;
  deletedBy: EventRef | null;
  profile: OrganizationProfile | null;
  asOf: EventRef | null;
  /** `members_count` as Clerk last reported it, and in which event (membership events embed the organization). */
  reportedMembersCount: { count: number; event: EventRef } | null;
  inferred: string[];
}

export function readOrganizationProfile(data: Json): OrganizationProfile {
  return {
    name: asString(data.name),
    slug: asString(data.slug),
    imageUrl: asString(data.image_url),
    hasImage: asBoolean(data.has_image),
    membersCount: asNumber(data.members_count),
    pendingInvitationsCount: asNumber(data.pending_invitations_count),
    maxAllowedMemberships: asNumber(data.max_allowed_memberships),
    adminDeleteEnabled: asBoolean(data.admin_delete_enabled),
    publicMetadata: data.public_metadata ?? null,
    privateMetadata: data.private_metadata ?? null,
    createdBy: asString(data.created_by),
    createdAt: asTimestampMs(data.created_at),
    updatedAt: asTimestampMs(data.updated_at),
  };
}

/**
 * The organization as of its latest `organization.*` event (envelope order). When none
 * is stored, the copy embedded in membership events stands in, and the state says so.
 */
export function reconstructOrganizationState(input: {
  organizationId: string;
  organizationEvents: EventWithData[];
  /** The latest membership event, whose `organization` may be newer than any organization event. */
  latestMembershipEvent?: EventWithData | null;
}): OrganizationState {
  const ordered = sortByEventOrder(input.organizationEvents);
  const deletion = ordered.find((entry) => entry.event.type === "organization.deleted") ?? null;
  const latest = [...ordered].reverse().find((entry) => entry.event.type !== "organization.deleted" && entry.data) ?? null;
  const inferred: string[] = [];
  const membership = input.latestMembershipEvent ?? null;
  const embedded = asObject(membership?.data?.organization);

  let profile: OrganizationProfile | null = null;
  let asOf: EventRef | null = null;
  if (latest) {
    profile = readOrganizationProfile(latest.data!);
    asOf = eventRef(latest.event);
    if (deletion && compareEventOrder(latest.event, deletion.event) < 0) {
      inferred.push("The details are the last ones known before the organization was deleted.");
    }
  } else if (membership && embedded) {
    profile = readOrganizationProfile(embedded);
    asOf = eventRef(membership.event);
    inferred.push(`No organization.created or organization.updated is stored: the details are inferred from the organization inside ${membership.event.type}.`);
  } else if (!deletion) {
    inferred.push("No event carries this organization's details.");
  }

  let reportedMembersCount: OrganizationState["reportedMembersCount"] = null;
  if (latest && asNumber(latest.data!.members_count) !== null) {
    reportedMembersCount = { count: asNumber(latest.data!.members_count)!, event: eventRef(latest.event) };
  }
  if (membership && embedded && asNumber(embedded.members_count) !== null) {
    if (!latest || compareEventOrder(membership.event, latest.event) > 0) {
      reportedMembersCount = { count: asNumber(embedded.members_count)!, event: eventRef(membership.event) };
    }
  }

  return {
    organizationId: input.organizationId,
    known: ordered.length > 0,
    deleted: deletion !== null,
    deletedBy: deletion ? eventRef(deletion.event) : null,
    profile,
    asOf,
    reportedMembersCount,
    inferred,
  };
}

// ---------------------------------------------------------------------------
// Members over time

export interface MemberChange {
  membershipId: string;
  userId: string | null;
  member: string | null;
  /** joined | role_changed | updated | left */
  change: "joined" | "role_changed" | "updated" | "left";
  roleBefore: string | null;
  role: string | null;
  /** For role changes whose previous event is not in the window: the role before is unknown. */
  beforeUnknown: boolean;
  event: EventRef;
}

function memberLabel(data: Json | null): string | null {
  const user = asObject(data?.public_user_data);
  if (!user) return null;
  const name = [asString(user.first_name), asString(user.last_name)].filter(Boolean).join(" ");
  const identifier = asString(user.identifier);
  return name && identifier ? `${name} (${identifier})` : name || identifier;
}

/** Joined / role changed / left, oldest first, from membership events (any order). */
export function memberChanges(membershipEvents: EventWithData[]): MemberChange[] {
  const roles = new Map<string, string | null>();
  const changes: MemberChange[] = [];
  for (const { event, data } of sortByEventOrder(membershipEvents)) {
    const id = event.resourceId ?? event.id;
    const role = asString(data?.role);
    const known = roles.has(id);
    const before = roles.get(id) ?? null;
    const action = event.type.slice(event.type.lastIndexOf(".") + 1);
    let change: MemberChange["change"] = "updated";
    if (action === "created") change = "joined";
    else if (action === "deleted") change = "left";
    else if (!known || before !== role) change = "role_changed";
    changes.push({
      membershipId: id,
      userId: event.userId,
      member: memberLabel(data),
      change,
      roleBefore: change === "role_changed" ? before : null,
      role,
      beforeUnknown: change === "role_changed" && !known,
      event: eventRef(event),
    });
    roles.set(id, role);
  }
  return changes;
}

// ---------------------------------------------------------------------------
// Invitations and domains

export interface InvitationSummary {
  invitationId: string;
  email: string | null;
  role: string | null;
  /** pending | accepted | revoked | expired (expired is inferred from expires_at) */
  status: string;
  statusInferred: boolean;
  acceptedBy: string | null;
  firstSeenAt: number;
  latest: EventRef;
}

const INVITATION_STATUS_BY_TYPE: Record<string, string> = {
  "organizationInvitation.created": "pending",
  "organizationInvitation.accepted": "accepted",
  "organizationInvitation.revoked": "revoked",
};

export function summarizeInvitation(latest: EventWithData, firstSeenAt: number, now: number): InvitationSummary {
  const { event, data } = latest;
  let status = INVITATION_STATUS_BY_TYPE[event.type] ?? asString(data?.status) ?? "pending";
  let statusInferred = false;
  const expiresAt = asTimestampMs(data?.expires_at);
  if (status === "pending" && expiresAt !== null && expiresAt <= now) {
    status = "expired";
    statusInferred = true;
  }
  return {
    invitationId: event.resourceId ?? event.id,
    email: asString(data?.email_address),
    role: asString(data?.role_name) ?? asString(data?.role),
    status,
    statusInferred,
    acceptedBy: event.type === "organizationInvitation.accepted" ? (asString(data?.user_id) ?? event.userId) : null,
    firstSeenAt,
    latest: eventRef(event),
  };
}

export interface DomainSummary {
  domainId: string;
  name: string | null;
  enrollmentMode: string | null;
  verification: string | null;
  deleted: boolean;
  latest: EventRef;
}

/** A domain's details come from its latest non-deleted event; a tombstone only marks it removed. */
export function summarizeDomain(events: EventWithData[]): DomainSummary | null {
  const ordered = sortByEventOrder(events);
  const last = ordered.at(-1);
  if (!last) return null;
  const details = [...ordered].reverse().find((entry) => entry.event.type !== "organizationDomain.deleted" && entry.data);
  return {
    domainId: last.event.resourceId ?? last.event.id,
    name: asString(details?.data?.name),
    enrollmentMode: asString(details?.data?.enrollment_mode),
    verification: asString(asObject(details?.data?.verification)?.status),
    deleted: ordered.some((entry) => entry.event.type === "organizationDomain.deleted"),
    latest: eventRef(last.event),
  };
}

// ---------------------------------------------------------------------------
// What each organization.updated changed

export interface FieldDiff {
  path: string;
  kind: "added" | "removed" | "changed";
  before: string | null;
  after: string | null;
}

/** Fields that change on every update and say nothing (DESIGN.md: "noise fields"). */
export const NOISE_FIELDS = new Set(["updated_at"]);
const MAX_VALUE_CHARS = 200;

function show(value: unknown): string | null {
  if (value === undefined) return null;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** Changes by JSON path between two `data` objects, noise fields left out. */
export function diffData(before: Json, after: Json): FieldDiff[] {
  return diff(before, after)
    .filter((change) => !NOISE_FIELDS.has(String(change.path[0])))
    .map((change) => ({
      path: change.path.join("."),
      kind: change.type === "CREATE" ? "added" : change.type === "REMOVE" ? "removed" : "changed",
      before: change.type === "CREATE" ? null : show(change.oldValue),
      after: change.type === "REMOVE" ? null : show(change.value),
    }));
}

export interface OrganizationUpdate {
  event: EventRef;
  /** The earlier event it is compared with; null when no earlier state is stored. */
  comparedWith: EventRef | null;
  changes: FieldDiff[];
}

/** Each `organization.updated`, newest first, against the organization event before it. */
export function organizationUpdates(organizationEvents: EventWithData[]): OrganizationUpdate[] {
  const ordered = sortByEventOrder(organizationEvents).filter((entry) => entry.event.type !== "organization.deleted");
  const updates: OrganizationUpdate[] = [];
  ordered.forEach((entry, index) => {
    if (entry.event.type !== "organization.updated") return;
    const previous = index > 0 ? ordered[index - 1]! : null;
    updates.push({
      event: eventRef(entry.event),
      comparedWith: previous ? eventRef(previous.event) : null,
      changes: previous?.data && entry.data ? diffData(previous.data, entry.data) : [],
    });
  });
  return updates.reverse();
}
