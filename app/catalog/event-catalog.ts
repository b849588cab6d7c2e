// The Clerk webhook event catalog, and where each event's resource ids live.
// Shared by ingest, the UI, the CLI and the tests, so it stays framework-free and
// browser-safe: no Remix, Prisma or node: imports.
//
// Sources (see ../shared/CLERK-EVENTS.md and ../shared/seeds/):
// - the AsyncAPI 2.6 spec in seeds/001_… (39 message types; `inAsyncApi: true`);
// - the clerk/skills catalog in seeds/003_… (adds organizationDomain.*, session.pending,
//   session.updated, invitation.*, waitlistEntry.*);
// - CLERK-EVENTS.md, the union of @clerk/backend's WebhookEvent union, Clerk's OpenAPI
//   webhooks spec, the docs and the skills (adds subscriptionItem.created/.expired).

/** How sure we are that Clerk sends this type today. */
export type EventConfidence = "confirmed" | "partial" | "legacy";

export interface EventTypeInfo {
  type: string;
  /** The camelCase part of the name before the last dot: `organizationMembership`. */
  resourceType: string;
  description: string;
  /** One of the 39 messages of the AsyncAPI spec in the seeds. */
  inAsyncApi: boolean;
  confidence: EventConfidence;
}

/** The envelope Clerk posts. `event_attributes` is optional in Clerk's own sources. */
export interface ClerkEnvelope {
  data: Record<string, unknown>;
  object: "event";
  type: string;
  timestamp: number;
  instance_id: string;
}

function event(
  type: string,
  description: string,
  inAsyncApi: boolean,
  confidence: EventConfidence = "confirmed",
): EventTypeInfo {
  return { type, resourceType: resourceTypeOf(type), description, inAsyncApi, confidence };
}

// Ordered by resource, then by lifecycle; eventTypeGroups() keeps this order.
export const EVENT_CATALOG: readonly EventTypeInfo[] = Object.freeze([
  event("user.created", "A new user registered in the app or was created via the Dashboard or Backend API.", true),
  event("user.updated", "User information was updated via Clerk components, the Dashboard, or Backend API.", true),
  event("user.deleted", "A user deleted their account, or the account was removed via the Dashboard or Backend API.", true),

  event("session.created", "A new session was created for a user.", true),
  event(
    "session.pending",
    "A session was created but waits on a task (for example, choosing an organization) before it becomes active. In Clerk's OpenAPI webhooks spec and skills catalog, not in the @clerk/backend types.",
    false,
    "partial",
  ),
  event(
    "session.updated",
    "A session changed. Listed only in Clerk's skills catalog; no official Clerk source documents it.",
    false,
    "partial",
  ),
  event("session.ended", "A session ended (for example, the user signed out).", true),
  event("session.removed", "A session was removed.", true),
  event("session.revoked", "A session was revoked by an admin or via the Backend API.", true),

  event("organization.created", "An organization was created.", true),
  event("organization.updated", "An organization was updated.", true),
  event("organization.deleted", "An organization was deleted.", true),

  event("organizationDomain.created", "A domain was added to an organization (verified domains enable auto-enrollment).", false),
  event("organizationDomain.updated", "An organization domain was updated, for example verified or its enrollment mode changed.", false),
  event("organizationDomain.deleted", "A domain was removed from an organization.", false),

  event("organizationMembership.created", "A user was added as a member of an organization.", true),
  event("organizationMembership.updated", "An organization membership was updated (for example, role change).", true),
  event("organizationMembership.deleted", "A user was removed from or left an organization.", true),

  event("organizationInvitation.created", "An organization invitation was created.", true),
  event("organizationInvitation.accepted", "A recipient accepted an organization invitation.", true),
  event("organizationInvitation.revoked", "An organization invitation was revoked.", true),

  event("role.created", "A custom role was created in the instance.", true),
  event("role.updated", "A custom role was updated.", true),
  event("role.deleted", "A custom role was deleted.", true),

  event("permission.created", "A custom permission was created in the instance.", true),
  event("permission.updated", "A custom permission was updated.", true),
  event("permission.deleted", "A custom permission was deleted.", true),

  event(
    "email.created",
    "An email message that Clerk would deliver has been created (sent when Clerk email delivery is disabled so the customer can deliver it).",
    true,
  ),
  event(
    "sms.created",
    "An SMS message that Clerk would deliver has been created (sent when Clerk SMS delivery is disabled so the customer can deliver it).",
    true,
  ),

  event(
    "invitation.created",
    "An instance invitation was created. Listed only in Clerk's skills catalog; payload assumed to be the Invitation object.",
    false,
    "partial",
  ),
  event(
    "invitation.accepted",
    "An instance invitation was accepted. Listed only in Clerk's skills catalog; payload assumed to be the Invitation object.",
    false,
    "partial",
  ),
  event(
    "invitation.revoked",
    "An instance invitation was revoked. Listed only in Clerk's skills catalog; payload assumed to be the Invitation object.",
    false,
    "partial",
  ),

  event("waitlistEntry.created", "Someone joined the waitlist.", false),
  event("waitlistEntry.updated", "A waitlist entry changed, for example it was invited or rejected.", false),

  event("subscription.created", "A top-level Subscription was created for a payer.", true),
  event("subscription.updated", "The top-level Subscription was updated (non-status change).", true),
  event("subscription.active", "The top-level Subscription transitioned to active.", true),
  event("subscription.pastDue", "The top-level Subscription is past due.", true),

  event(
    "subscriptionItem.created",
    "A Subscription Item was created. Still in the @clerk/backend types, but removed from Clerk's OpenAPI webhooks spec and absent from the billing docs.",
    false,
    "legacy",
  ),
  event("subscriptionItem.updated", "A Subscription Item was updated (non-status change).", true),
  event("subscriptionItem.active", "A Subscription Item was set to active.", true),
  event("subscriptionItem.canceled", "A Subscription Item was canceled.", true),
  event("subscriptionItem.upcoming", "A Subscription Item was scheduled as upcoming for the next billing period.", true),
  event("subscriptionItem.ended", "A Subscription Item has ended.", true),
  event("subscriptionItem.abandoned", "A Subscription Item was abandoned.", true),
  event("subscriptionItem.incomplete", "A Subscription Item is incomplete (checkout started, payment not yet processed).", true),
  event("subscriptionItem.pastDue", "A Subscription Item is past due after a failed recurring charge.", true),
  event(
    "subscriptionItem.freeTrialEnding",
    "A Subscription Item free trial is ending soon (sent three days before, or immediately for shorter trials).",
    true,
  ),
  event(
    "subscriptionItem.expired",
    "A Subscription Item expired. Only in Clerk's skills billing reference, not in the types, the OpenAPI spec or the docs, so doubtful.",
    false,
    "partial",
  ),

  event("paymentAttempt.created", "A payment attempt was created with pending status.", true),
  event("paymentAttempt.updated", "A payment attempt transitioned to paid or failed status.", true),
]);

const CATALOG_BY_TYPE: ReadonlyMap<string, EventTypeInfo> = new Map(EVENT_CATALOG.map((info) => [info.type, info]));

export function isKnownEventType(type: string): boolean {
  return CATALOG_BY_TYPE.has(type);
}

export function eventTypeInfo(type: string): EventTypeInfo | undefined {
  return CATALOG_BY_TYPE.get(type);
}

/**
 * The resource an event is about: the part of its name before the last dot.
 * Works for types Clerk adds later (`foo.bar` → `foo`), so unknown types still group.
 */
export function resourceTypeOf(type: string): string {
  if (typeof type !== "string") return "";
  const dot = type.lastIndexOf(".");
  return dot === -1 ? type : type.slice(0, dot);
}

/** Catalog types grouped by resource, in catalog order (users first, billing last). */
export function eventTypeGroups(): { resourceType: string; types: string[] }[] {
  const groups: { resourceType: string; types: string[] }[] = [];
  for (const info of EVENT_CATALOG) {
    const last = groups[groups.length - 1];
    if (last && last.resourceType === info.resourceType) last.types.push(info.type);
    else groups.push({ resourceType: info.resourceType, types: [info.type] });
  }
  return groups;
}

/**
 * Splits a type filter into exact names and `user.*` style prefixes. A lone `*` means
 * every type (an empty prefix). Blank entries are dropped and duplicates removed.
 */
export function expandTypePatterns(patterns: string[]): { exact: string[]; prefixes: string[] } {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const raw of patterns) {
    const pattern = raw.trim();
    if (!pattern) continue;
    if (pattern === "*") prefixes.add("");
    else if (pattern.endsWith(".*")) prefixes.add(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return { exact: [...exact], prefixes: [...prefixes] };
}

/** Whether a type passes a filter built from expandTypePatterns(). An empty filter passes everything. */
export function typeMatchesPatterns(type: string, patterns: string[]): boolean {
  const { exact, prefixes } = expandTypePatterns(patterns);
  if (exact.length === 0 && prefixes.length === 0) return true;
  return exact.includes(type) || prefixes.some((prefix) => type.startsWith(prefix));
}

// ---------------------------------------------------------------------------
// Resource ids

export interface ResourceRefs {
  resourceType: string | null;
  resourceId: string | null;
  userId: string | null;
  organizationId: string | null;
  subscriptionId: string | null;
  payerId: string | null;
}

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

// Clerk's billing payer carries `organization_id: ""` for user payers and `user_id: ""`
// for org payers (OpenAPI examples), so an empty string means "absent", not an id.
function idAt(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function firstIdInArray(items: unknown, key: string): string | null {
  if (!Array.isArray(items)) return null;
  for (const item of items) {
    const id = idAt(asObject(item)?.[key]);
    if (id) return id;
  }
  return null;
}

const BILLING_RESOURCES = new Set(["subscription", "subscriptionItem", "paymentAttempt"]);

/**
 * The ids an event is about, read from its `data` (DESIGN.md "Resource ids").
 * Never throws: anything that is not where Clerk puts it, or not a non-empty string, is null.
 * Rules are keyed by resource type, so a new `user.*` type Clerk adds later is still read
 * as a user event.
 */
export function extractResourceRefs(type: string, data: unknown): ResourceRefs {
  const resourceType = typeof type === "string" && type.length > 0 ? resourceTypeOf(type) : null;
  const refs: ResourceRefs = {
    resourceType,
    resourceId: null,
    userId: null,
    organizationId: null,
    subscriptionId: null,
    payerId: null,
  };
  const body = asObject(data);
  if (!body) return refs;
  refs.resourceId = idAt(body.id);

  switch (resourceType) {
    case "user":
      refs.userId = refs.resourceId;
      break;
    case "session":
      // NOTE: `last_active_organization_id` is the org the session had selected, not a
      // membership event, so it is deliberately not recorded as the event's organization.
      refs.userId = idAt(body.user_id);
      break;
    case "organization":
      refs.organizationId = refs.resourceId;
      break;
    case "organizationMembership":
      refs.userId = idAt(asObject(body.public_user_data)?.user_id);
      refs.organizationId = idAt(asObject(body.organization)?.id);
      break;
    case "organizationInvitation":
      // `user_id` appears only once the invitation is accepted.
      refs.userId = idAt(body.user_id);
      refs.organizationId = idAt(body.organization_id);
      break;
    case "organizationDomain":
      refs.organizationId = idAt(body.organization_id);
      break;
    case "email":
    case "sms":
      refs.userId = idAt(body.user_id);
      break;
    case "role":
    case "permission":
    case "invitation":
    case "waitlistEntry":
      break;
    default:
      if (resourceType && BILLING_RESOURCES.has(resourceType)) readBillingRefs(resourceType, body, refs);
      else readUnknownRefs(body, refs);
  }
  return refs;
}

// NOTE: `payer_id` is the `cpayer_` payer record, never a user. The user or organization
// that pays is on the embedded payer (CLERK-EVENTS.md, "The payer").
function readBillingRefs(resourceType: string, body: JsonObject, refs: ResourceRefs) {
  const payer = asObject(body.payer);
  refs.userId = idAt(payer?.user_id);
  refs.organizationId = idAt(payer?.organization_id);
  refs.payerId = idAt(body.payer_id) ?? idAt(payer?.id);
  if (resourceType === "subscription") {
    refs.subscriptionId = refs.resourceId;
  } else if (resourceType === "subscriptionItem") {
    refs.subscriptionId = idAt(body.subscription_id);
  } else {
    // Clerk's payment attempt examples carry no subscription id at all; its item schema
    // allows an optional `subscription_id`, so use it when an item has one.
    refs.subscriptionId = idAt(body.subscription_id) ?? firstIdInArray(body.subscription_items, "subscription_id");
  }
}

// Types Clerk adds later: read the conventional field names, nothing cleverer.
function readUnknownRefs(body: JsonObject, refs: ResourceRefs) {
  refs.userId = idAt(body.user_id);
  refs.organizationId = idAt(body.organization_id);
}
