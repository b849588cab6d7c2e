// A Clerk user's state, rebuilt from stored events: the profile as of the latest
// `user.*` event, the field history, the memberships held and the sessions still open.
// Pure functions over events with parsed payloads, so the server, the tests and the API
// share them; the queries that feed them are in user-lifecycle.server.ts.
import {
  asArray,
  asBoolean,
  asObject,
  asString,
  asTimestampMs,
  compareEventOrder,
  sortByEventOrder,
  stableJson,
  type EventWithData,
  type Json,
  type LifecycleEvent,
} from "./lifecycle-event";
import { displayName, primaryEmailOf, primaryPhoneOf } from "./event-summary";

/** How many of the latest `user.*` events the state and field history read. */
export const USER_HISTORY_LIMIT = 200;

export interface EventRef {
  id: string;
  type: string;
  /** Envelope timestamp, ms. */
  timestamp: number;
  receivedAt: string;
}

export function eventRef(event: LifecycleEvent): EventRef {
  return { id: event.id, type: event.type, timestamp: event.timestamp, receivedAt: event.receivedAt };
}

export interface UserProfile {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  primaryEmail: string | null;
  /** No `primary_email_address_id` in the payload: the first address is taken as primary. */
  primaryEmailInferred: boolean;
  emails: { address: string; verified: boolean; primary: boolean }[];
  primaryPhone: string | null;
  primaryPhoneInferred: boolean;
  phones: { number: string; verified: boolean; primary: boolean }[];
  imageUrl: string | null;
  hasImage: boolean | null;
  externalId: string | null;
  publicMetadata: unknown;
  privateMetadata: unknown;
  unsafeMetadata: unknown;
  twoFactorEnabled: boolean | null;
  totpEnabled: boolean | null;
  backupCodeEnabled: boolean | null;
  passwordEnabled: boolean | null;
  banned: boolean | null;
  locked: boolean | null;
  createdAt: number | null;
  updatedAt: number | null;
  lastSignInAt: number | null;
  lastActiveAt: number | null;
}

/** Where the profile came from: a user event, or (inferred) another event's copy of the user. */
export type ProfileSource = "user_event" | "session_payload" | "membership_payload" | "payer_payload";

export interface UserState {
  userId: string;
  /** At least one `user.*` event is stored. */
  known: boolean;
  deleted: boolean;
  deletedBy: EventRef | null;
  profile: UserProfile | null;
  profileSource: ProfileSource | null;
  /** The event the profile is read from: "as of event X at T". */
  asOf: EventRef | null;
  /** Plain sentences for every part of the state that is inferred rather than stated by an event. */
  inferred: string[];
}

function verified(entry: Json): boolean {
  return asString(asObject(entry.verification)?.status) === "verified";
}

export function readUserProfile(data: Json): UserProfile {
  const primaryEmailId = asString(data.primary_email_address_id);
  const primaryPhoneId = asString(data.primary_phone_number_id);
  // NOTE: without a primary id, primaryEmailOf/primaryPhoneOf take the first entry; the
  // lists say the same, and the profile says it is inferred (issue 13).
  const emails = asArray(data.email_addresses)
    .map(asObject)
    .filter((entry): entry is Json => entry !== null && asString(entry.email_address) !== null)
    .map((entry, index) => ({
      address: asString(entry.email_address)!,
      verified: verified(entry),
      primary: primaryEmailId ? asString(entry.id) === primaryEmailId : index === 0,
    }));
  const phones = asArray(data.phone_numbers)
    .map(asObject)
    .filter((entry): entry is Json => entry !== null && asString(entry.phone_number) !== null)
    .map((entry, index) => ({
      number: asString(entry.phone_number)!,
      verified: verified(entry),
      primary: primaryPhoneId ? asString(entry.id) === primaryPhoneId : index === 0,
    }));
  const primaryEmail = primaryEmailOf(data);
  const primaryPhone = primaryPhoneOf(data);
  return {
    name: displayName(data),
    firstName: asString(data.first_name),
    lastName: asString(data.last_name),
    username: asString(data.username),
    primaryEmail,
    primaryEmailInferred: primaryEmail !== null && !primaryEmailId,
    emails,
    primaryPhone,
    primaryPhoneInferred: primaryPhone !== null && !primaryPhoneId,
    phones,
    imageUrl: asString(data.image_url),
    hasImage: asBoolean(data.has_image),
    externalId: asString(data.external_id),
    publicMetadata: data.public_metadata ?? null,
    privateMetadata: data.private_metadata ?? null,
    unsafeMetadata: data.unsafe_metadata ?? null,
    twoFactorEnabled: asBoolean(data.two_factor_enabled),
    totpEnabled: asBoolean(data.totp_enabled),
    backupCodeEnabled: asBoolean(data.backup_code_enabled),
    passwordEnabled: asBoolean(data.password_enabled),
    banned: asBoolean(data.banned),
    locked: asBoolean(data.locked),
    createdAt: asTimestampMs(data.created_at),
    updatedAt: asTimestampMs(data.updated_at),
    lastSignInAt: asTimestampMs(data.last_sign_in_at),
    lastActiveAt: asTimestampMs(data.last_active_at),
  };
}

/** A partial profile from another resource's copy of the user (membership, billing payer). */
function partialProfile(fields: Partial<UserProfile>): UserProfile {
  return {
    name: null,
    firstName: null,
    lastName: null,
    username: null,
    primaryEmail: null,
    primaryEmailInferred: false,
    emails: [],
    primaryPhone: null,
    primaryPhoneInferred: false,
    phones: [],
    imageUrl: null,
    hasImage: null,
    externalId: null,
    publicMetadata: null,
    privateMetadata: null,
    unsafeMetadata: null,
    twoFactorEnabled: null,
    totpEnabled: null,
    backupCodeEnabled: null,
    passwordEnabled: null,
    banned: null,
    locked: null,
    createdAt: null,
    updatedAt: null,
    lastSignInAt: null,
    lastActiveAt: null,
    ...fields,
  };
}

export interface UserStateInput {
  userId: string;
  /** `user.*` events of this user (any order; the latest ones are enough). */
  userEvents: EventWithData[];
  /**
   * The latest events that carry a copy of the user, used only when no `user.*` event
   * is stored: sessions (which embed the full user), memberships and billing payers.
   */
  fallbacks?: EventWithData[];
}

/**
 * The user's state as of the latest `user.*` event in envelope order. A late-arriving
 * older event never wins, because arrival order plays no part. A `user.deleted` is final:
 * the profile shown is then the last one known.
 */
export function reconstructUserState(input: UserStateInput): UserState {
  const ordered = sortByEventOrder(input.userEvents);
  const inferred: string[] = [];
  const deletion = ordered.find((entry) => entry.event.type === "user.deleted") ?? null;
  const latestProfile = [...ordered].reverse().find((entry) => entry.event.type !== "user.deleted" && entry.data) ?? null;

  const state: UserState = {
    userId: input.userId,
    known: ordered.length > 0,
    deleted: deletion !== null,
    deletedBy: deletion ? eventRef(deletion.event) : null,
    profile: null,
    profileSource: null,
    asOf: null,
    inferred,
  };

  if (latestProfile) {
    state.profile = readUserProfile(latestProfile.data!);
    state.profileSource = "user_event";
    state.asOf = eventRef(latestProfile.event);
    if (state.profile.primaryEmailInferred) {
      inferred.push("The primary email is inferred: the event names no primary_email_address_id, so the first address is taken.");
    }
    if (state.profile.primaryPhoneInferred) {
      inferred.push("The primary phone is inferred: the event names no primary_phone_number_id, so the first number is taken.");
    }
    if (deletion && compareEventOrder(latestProfile.event, deletion.event) < 0) {
      inferred.push("The profile is the last one known before the account was deleted.");
    } else if (deletion) {
      inferred.push("A user event dated after the deletion was stored; the account is still shown as deleted.");
    }
    return state;
  }

  const fallback = inferFromCopies(input.fallbacks ?? [], input.userId);
  if (fallback) {
    state.profile = fallback.profile;
    state.profileSource = fallback.source;
    state.asOf = eventRef(fallback.event);
    inferred.push(fallback.note);
  } else if (!deletion) {
    inferred.push("No event carries this user's profile.");
  }
  if (deletion && !fallback) inferred.push("Only the deletion is stored; no earlier profile is known.");
  return state;
}

function inferFromCopies(
  events: EventWithData[],
  userId: string,
): { profile: UserProfile; source: ProfileSource; event: LifecycleEvent; note: string } | null {
  const newestFirst = sortByEventOrder(events).reverse();
  for (const { event, data } of newestFirst) {
    if (!data) continue;
    if (event.resourceType === "session") {
      const user = asObject(data.user);
      if (user && asString(user.id) === userId) {
        return {
          profile: readUserProfile(user),
          source: "session_payload",
          event,
          note: `No user.created or user.updated is stored: the profile is inferred from the copy of the user inside ${event.type}.`,
        };
      }
    }
  }
  for (const { event, data } of newestFirst) {
    if (!data) continue;
    if (event.resourceType === "organizationMembership") {
      const user = asObject(data.public_user_data);
      if (user) {
        return {
          profile: partialProfile({
            name: displayName(user),
            firstName: asString(user.first_name),
            lastName: asString(user.last_name),
            primaryEmail: asString(user.identifier)?.includes("@") ? asString(user.identifier) : null,
            imageUrl: asString(user.image_url),
            hasImage: asBoolean(user.has_image),
          }),
          source: "membership_payload",
          event,
          note: `No user event is stored: name and email are inferred from the membership's public user data in ${event.type}.`,
        };
      }
    }
    const payer = asObject(data.payer);
    if (payer && asString(payer.user_id) === userId) {
      return {
        profile: partialProfile({
          name: displayName(payer),
          firstName: asString(payer.first_name),
          lastName: asString(payer.last_name),
          primaryEmail: asString(payer.email),
          imageUrl: asString(payer.image_url),
        }),
        source: "payer_payload",
        event,
        note: `No user event is stored: name and email are inferred from the billing payer in ${event.type}.`,
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Field history

export interface FieldChange {
  /** `primaryEmail`, `username`, ...; one metadata key is `publicMetadata.plan`. */
  field: string;
  label: string;
  /** For a metadata key: the key, so a page can show `plan: free → business`. */
  key?: string;
  before: string | null;
  after: string | null;
  /** The value as first seen on user.created, not a change. */
  initial: boolean;
  event: EventRef;
}

const TRACKED_FIELDS: { field: string; label: string; read: (data: Json) => string | null }[] = [
  { field: "primaryEmail", label: "Primary email", read: primaryEmailOf },
  { field: "username", label: "Username", read: (data) => asString(data.username) },
  { field: "name", label: "Name", read: displayName },
  { field: "primaryPhone", label: "Primary phone", read: primaryPhoneOf },
];

/** Metadata is compared key by key: `plan: free → business`, not two JSON blobs. */
const METADATA_FIELDS: { field: string; label: string; read: (data: Json) => unknown }[] = [
  { field: "publicMetadata", label: "Public metadata", read: (data) => data.public_metadata },
  { field: "unsafeMetadata", label: "Unsafe metadata", read: (data) => data.unsafe_metadata },
];

function metadataValues(value: unknown): Map<string, string> {
  const object = asObject(value);
  const values = new Map<string, string>();
  if (!object) return values;
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined || item === null) continue;
    values.set(key, typeof item === "string" ? item : stableJson(item));
  }
  return values;
}

function metadataChanges(previous: Json | null, current: Json, event: LifecycleEvent, initial: boolean): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const tracked of METADATA_FIELDS) {
    const before = previous ? metadataValues(tracked.read(previous)) : new Map<string, string>();
    const after = metadataValues(tracked.read(current));
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const b = before.get(key) ?? null;
      const a = after.get(key) ?? null;
      if (b === a) continue;
      changes.push({ field: `${tracked.field}.${key}`, label: `${tracked.label} · ${key}`, key, before: b, after: a, initial, event: eventRef(event) });
    }
  }
  return changes;
}

/**
 * When the primary email, username, name, phone or a metadata key changed, oldest first:
 * each `user.*` event compared with the one before it in envelope order. Values first
 * seen on `user.created` are listed as `initial`.
 */
export function userFieldHistory(userEvents: EventWithData[]): FieldChange[] {
  const ordered = sortByEventOrder(userEvents).filter((entry) => entry.event.type !== "user.deleted" && entry.data);
  const changes: FieldChange[] = [];
  let previous: Json | null = null;
  for (const { event, data } of ordered) {
    const current = data!;
    for (const tracked of TRACKED_FIELDS) {
      const after = tracked.read(current);
      if (previous === null) {
        if (event.type === "user.created" && after !== null && after !== "{}") {
          changes.push({ field: tracked.field, label: tracked.label, before: null, after, initial: true, event: eventRef(event) });
        }
        continue;
      }
      const before = tracked.read(previous);
      if (before !== after) {
        changes.push({ field: tracked.field, label: tracked.label, before, after, initial: false, event: eventRef(event) });
      }
    }
    if (previous !== null || event.type === "user.created") changes.push(...metadataChanges(previous, current, event, previous === null));
    previous = current;
  }
  return changes;
}

// ---------------------------------------------------------------------------
// Memberships and sessions

export interface MembershipSummary {
  membershipId: string;
  organizationId: string | null;
  organizationName: string | null;
  userId: string | null;
  memberName: string | null;
  memberIdentifier: string | null;
  role: string | null;
  roleName: string | null;
  /** Envelope time of the first stored event of this membership. */
  firstSeenAt: number;
  /** The first stored event was not `.created`, so the join time is a lower bound. */
  joinInferred: boolean;
  current: boolean;
  leftAt: number | null;
  latest: EventRef;
}

export function summarizeMembership(
  latest: EventWithData,
  first: { timestamp: number; type: string },
  options: { organizationDeleted?: boolean } = {},
): MembershipSummary {
  const { event, data } = latest;
  const organization = asObject(data?.organization);
  const user = asObject(data?.public_user_data);
  const left = event.type === "organizationMembership.deleted";
  return {
    membershipId: event.resourceId ?? event.id,
    organizationId: event.organizationId ?? asString(organization?.id),
    organizationName: asString(organization?.name),
    userId: event.userId ?? asString(user?.user_id),
    memberName: displayName(user),
    memberIdentifier: asString(user?.identifier),
    role: asString(data?.role),
    roleName: asString(data?.role_name),
    firstSeenAt: first.timestamp,
    joinInferred: first.type !== "organizationMembership.created",
    current: !left && !options.organizationDeleted,
    leftAt: left ? event.timestamp : null,
    latest: eventRef(event),
  };
}

export interface SessionSummary {
  sessionId: string;
  /** The status the latest event states, or `expired` when inferred from `expire_at`. */
  status: string;
  active: boolean;
  /** True when the status is inferred (expired by time, or ended with the user's deletion). */
  statusInferred: boolean;
  clientId: string | null;
  device: string | null;
  createdAt: number | null;
  lastActiveAt: number | null;
  expireAt: number | null;
  latest: EventRef;
}

const SESSION_STATUS_BY_TYPE: Record<string, string> = {
  "session.created": "active",
  "session.pending": "pending",
  "session.ended": "ended",
  "session.removed": "removed",
  "session.revoked": "revoked",
};

/** The status a session event states, from its type (the payload only for `.updated` and new types). */
export function sessionStatusFromEvent(type: string, data: Json | null): string {
  return SESSION_STATUS_BY_TYPE[type] ?? asString(data?.status) ?? "active";
}

export const OPEN_SESSION_STATUSES = ["active", "pending"];

export function summarizeSession(latest: EventWithData, now: number, options: { userDeleted?: boolean } = {}): SessionSummary {
  const { event, data } = latest;
  const stated = sessionStatusFromEvent(event.type, data);
  const expireAt = asTimestampMs(data?.expire_at);
  let status = stated;
  let statusInferred = false;
  if (OPEN_SESSION_STATUSES.includes(stated) && expireAt !== null && expireAt <= now) {
    status = "expired";
    statusInferred = true;
  } else if (OPEN_SESSION_STATUSES.includes(stated) && options.userDeleted) {
    status = "ended";
    statusInferred = true;
  }
  const activity = asObject(data?.latest_activity);
  const device = activity
    ? [
        [asString(activity.browser_name), asString(activity.device_type)].filter(Boolean).join(" on "),
        [asString(activity.city), asString(activity.country)].filter(Boolean).join(", "),
      ]
        .filter(Boolean)
        .join(" · ") || null
    : null;
  return {
    sessionId: event.resourceId ?? event.id,
    status,
    active: OPEN_SESSION_STATUSES.includes(status),
    statusInferred,
    clientId: asString(data?.client_id),
    device,
    createdAt: asTimestampMs(data?.created_at),
    lastActiveAt: asTimestampMs(data?.last_active_at),
    expireAt,
    latest: eventRef(event),
  };
}
