// The header search box: a Clerk id, an email address, a svix-id, a person's name or a
// username in, the page that answers it out. One match goes straight there; several are
// listed, users with their name, primary email, signup date, deletion and event count.
// Ids are looked up in the indexed id columns (the event list's `resource` filter);
// emails, names and usernames in the full-text index, which the worker fills about a
// second after an event arrives and which holds no masked value (search-text.ts). A name
// match is confirmed against the name fields of user and membership payloads only, so
// words found elsewhere in a payload never make a match.
import { z } from "zod";

import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { listEvents, type EventRow } from "~/events/event-query.server";
import { allWordsCondition } from "~/events/search.server";
import { displayName } from "~/lifecycle/event-summary";
import { asArray, asObject, asString, type Json } from "~/lifecycle/lifecycle-event";
import { loadEventData, resourceEventRows } from "~/lifecycle/lifecycle-query.server";
import { readUserProfile } from "~/lifecycle/user-state";
import { queryRows } from "~/lifecycle/lifecycle-sql.server";

export const SearchQuerySchema = z.object({
  q: z.string().trim().max(300, "is too long (at most 300 characters)").default(""),
});

export type SearchMatchKind = "user" | "organization" | "subscription" | "payer" | "event";

export interface SearchMatch {
  kind: SearchMatchKind;
  id: string;
  href: string;
  label: string;
  /** Why it matched: "session sess_… belongs to this user", "12 events mention this email". */
  detail: string;
  /** For users: who they are, from their latest stored user event. */
  user?: UserCard;
}

/** What a support person needs to tell two users apart in a list of matches. */
export interface UserCard {
  name: string | null;
  username: string | null;
  primaryEmail: string | null;
  /** No `primary_email_address_id` in the payload: the first address is shown as primary. */
  primaryEmailInferred: boolean;
  /** `created_at` of the user (ms), or null when no user event is stored. */
  signedUpAt: number | null;
  deleted: boolean;
  /** Every stored event that names the user. */
  eventCount: number;
  /** At least one `user.*` event is stored (else the card comes from a membership's copy, or is empty). */
  known: boolean;
}

export interface SearchResult {
  query: string;
  /** What the query looked like. */
  interpretedAs: "empty" | "email" | "svix_id" | "id" | "name" | "text";
  /** Set when exactly one page answers the query. */
  redirect: string | null;
  matches: SearchMatch[];
  /** The event list filtered the same way, for "show me the events instead". */
  eventsHref: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID = /^[A-Za-z0-9_\-.:]+$/;
const SCAN = 200;

const enc = encodeURIComponent;
export const hrefFor = {
  user: (id: string) => `/users/${enc(id)}`,
  organization: (id: string) => `/organizations/${enc(id)}`,
  subscription: (id: string) => `/billing/subscriptions/${enc(id)}`,
  payer: (id: string) => `/billing/payers/${enc(id)}`,
  event: (id: string) => `/events/${enc(id)}`,
};

async function eventsMentioning(handle: DatabaseHandle, filter: { resource?: string; q?: string; type?: string[] }): Promise<EventRow[]> {
  const { rows } = await listEvents(handle, {
    filter: { type: filter.type ?? [], resource: filter.resource, q: filter.q },
    sort: "timestamp",
    dir: "desc",
    limit: SCAN,
  });
  return rows;
}

function count(rows: EventRow[], pick: (row: EventRow) => string | null): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const id = pick(row);
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function plural(n: number, word: string): string {
  return `${n}${n >= SCAN ? "+" : ""} ${word}${n === 1 ? "" : "s"}`;
}

function result(query: string, interpretedAs: SearchResult["interpretedAs"], matches: SearchMatch[], eventsHref: string | null): SearchResult {
  // One page answers it: go there.
  return { query, interpretedAs, redirect: matches.length === 1 ? matches[0]!.href : null, matches, eventsHref };
}

/** Shaped like an id (`sess_…`, `csub_item_…`), though a username can be too. */
const ID_PREFIX = /^[a-z]{2,10}_[A-Za-z0-9]/;
/** Ids Clerk mints (`user_2abc…`, `sess_…`): never a name or a username. */
const CLERK_ID = /^[a-z]+(_[a-z]+)?_[A-Za-z0-9]{16,}$/;

export async function resolveSearch(handle: DatabaseHandle, raw: string): Promise<SearchResult> {
  const query = raw.trim();
  if (!query) return { query, interpretedAs: "empty", redirect: null, matches: [], eventsHref: null };
  const found = EMAIL.test(query) ? await searchEmail(handle, query) : ID.test(query) ? await searchId(handle, query) : null;
  if (found?.matches.length || (found && (found.interpretedAs === "email" || CLERK_ID.test(query)))) return withUserCards(handle, found);
  // "Jane", "jane_m", "Jane Mensah": a first, last or full name, or a username.
  const byName = await searchName(handle, query);
  if (byName.matches.length) return withUserCards(handle, byName);
  // Nothing anywhere: answer as what it most looks like.
  if (found && ID_PREFIX.test(query)) return found;
  return byName;
}

// ---------------------------------------------------------------------------
// Names and usernames

const NAME_SCAN = 500;
const MAX_PEOPLE = 20;

function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function words(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The name fields a user or membership payload states about the person, and nothing else. */
function nameFields(resourceType: string | null, data: Json | null): { name: string | null; username: string | null } | null {
  if (!data) return null;
  const person = resourceType === "organizationMembership" ? asObject(data.public_user_data) : resourceType === "user" ? data : null;
  if (!person) return null;
  return { name: displayName(person), username: asString(person.username) };
}

/** Every query word starts a word of the name or the username ("jan" finds Jane; "jane doe" finds Doe, Jane). */
function nameMatches(query: string[], fields: { name: string | null; username: string | null }): "name" | "username" | null {
  const matchIn = (text: string | null) => {
    if (!text) return false;
    const have = words(text);
    return query.every((word) => have.some((candidate) => candidate.startsWith(word)));
  };
  if (matchIn(fields.name)) return "name";
  if (matchIn(fields.username) || (fields.username !== null && fold(fields.username) === fold(query.join(" ")))) return "username";
  return null;
}

async function searchName(handle: DatabaseHandle, query: string): Promise<SearchResult> {
  const queryWords = words(query).slice(0, 8);
  const eventsHref = `/events?q=${enc(query)}`;
  if (queryWords.length === 0 || queryWords.join("").length < 2) return result(query, "name", [], eventsHref);
  const rows = await queryRows<EventRow>(
    handle,
    Prisma.sql`SELECT e."id", e."type", e."resourceType", e."userId", e."timestampMs", e."firstDeliveryId" FROM "Event" e
      WHERE ${allWordsCondition(handle.provider, queryWords)}
        AND e."userId" IS NOT NULL AND (e."resourceType" || '') IN ('user', 'organizationMembership')
      ORDER BY e."timestampMs" DESC LIMIT ${NAME_SCAN}`,
  );
  const data = await loadEventData(handle, rows);
  const people = new Map<string, { how: "name" | "username"; value: string }>();
  for (const row of rows) {
    if (people.size >= MAX_PEOPLE) break;
    if (people.has(row.userId!)) continue;
    const fields = nameFields(row.resourceType, data.get(row.id) ?? null);
    const how = fields ? nameMatches(queryWords, fields) : null;
    if (how) people.set(row.userId!, { how, value: (how === "name" ? fields!.name : fields!.username)! });
  }
  const matches = [...people].map(([userId, { how, value }]): SearchMatch => ({
    kind: "user",
    id: userId,
    href: hrefFor.user(userId),
    label: userId,
    detail: how === "name" ? `Matched the name ${value}` : `Matched the username ${value}`,
  }));
  return result(query, "name", matches, eventsHref);
}

// ---------------------------------------------------------------------------
// User cards

/** Fills in who each matched user is, from their latest user event (a few indexed reads per user). */
async function withUserCards(handle: DatabaseHandle, found: SearchResult): Promise<SearchResult> {
  const userIds = found.matches.filter((match) => match.kind === "user").map((match) => match.id);
  if (userIds.length === 0) return found;
  const cards = await userCards(handle, userIds);
  const matches = found.matches.map((match) => {
    const user = match.kind === "user" ? cards.get(match.id) : undefined;
    return user ? { ...match, label: user.name ?? user.primaryEmail ?? user.username ?? match.id, user } : match;
  });
  return { ...found, matches };
}

export async function userCards(handle: DatabaseHandle, userIds: readonly string[]): Promise<Map<string, UserCard>> {
  const ids = [...new Set(userIds)].slice(0, MAX_PEOPLE);
  if (ids.length === 0) return new Map();
  const counts = await queryRows<{ userId: string; n: bigint | number }>(
    handle,
    Prisma.sql`SELECT e."userId" AS "userId", COUNT(*) AS "n" FROM "Event" e WHERE e."userId" IN (${Prisma.join(ids)}) GROUP BY e."userId"`,
  );
  const countOf = new Map(counts.map((row) => [row.userId, Number(row.n)]));
  const perUser = await Promise.all(
    ids.map(async (userId) => {
      const [profile, deletion] = await Promise.all([
        resourceEventRows(handle, "user", userId, { types: ["user.created", "user.updated"], limit: 1 }),
        resourceEventRows(handle, "user", userId, { types: ["user.deleted"], limit: 1 }),
      ]);
      return { userId, profileRow: profile[0] ?? null, deleted: deletion.length > 0 };
    }),
  );
  const data = await loadEventData(handle, perUser.flatMap((user) => (user.profileRow ? [user.profileRow] : [])));
  const cards = new Map<string, UserCard>();
  for (const { userId, profileRow, deleted } of perUser) {
    const payload = profileRow ? (data.get(profileRow.id) ?? null) : null;
    const profile = payload ? readUserProfile(payload) : null;
    cards.set(userId, {
      name: profile?.name ?? null,
      username: profile?.username ?? null,
      primaryEmail: profile?.primaryEmail ?? null,
      primaryEmailInferred: Boolean(profile?.primaryEmail) && !asString(payload?.primary_email_address_id),
      signedUpAt: profile?.createdAt ?? null,
      deleted,
      eventCount: countOf.get(userId) ?? 0,
      known: profileRow !== null || deleted,
    });
  }
  return cards;
}

async function searchEmail(handle: DatabaseHandle, email: string): Promise<SearchResult> {
  const rows = await eventsMentioning(handle, { q: email });
  const matches: SearchMatch[] = [];
  for (const [userId, n] of count(rows, (row) => row.userId)) {
    matches.push({ kind: "user", id: userId, href: hrefFor.user(userId), label: userId, detail: `${plural(n, "event")} of this user mention ${email}` });
  }
  // Invitations name an email before any user exists.
  if (matches.length === 0) {
    for (const [organizationId, n] of count(rows, (row) => row.organizationId)) {
      matches.push({
        kind: "organization",
        id: organizationId,
        href: hrefFor.organization(organizationId),
        label: organizationId,
        detail: `${plural(n, "event")} of this organization mention ${email} (invitations, members)`,
      });
    }
  }
  return result(email, "email", matches, `/events?q=${enc(email)}`);
}

async function searchId(handle: DatabaseHandle, id: string): Promise<SearchResult> {
  const eventsHref = `/events?resource=${enc(id)}`;
  if (id.startsWith("msg_")) {
    const rows = await eventsMentioning(handle, { resource: id });
    const events = rows.filter((row) => row.svixId === id);
    if (events.length) {
      return result(
        id,
        "svix_id",
        events.map((row) => ({ kind: "event", id: row.id, href: hrefFor.event(row.id), label: row.type, detail: `svix-id ${id} from source ${row.sourceSlug}` })),
        eventsHref,
      );
    }
  }

  // Prefixes that name a page of their own: one indexed column answers. NOTE: `csub_item_`
  // starts with `csub_`, so items are handled below, not here.
  const own = id.startsWith("csub_item_") ? null : PAGE_PREFIXES.find((p) => id.startsWith(p.prefix));
  if (own) {
    const n = await countInColumn(handle, own.column, id);
    if (n > 0) return one(id, { kind: own.kind, id, href: hrefFor[own.kind](id), label: id, detail: plural(n, "event") }, eventsHref);
    return result(id, "id", [], eventsHref);
  }

  const rows = await eventsMentioning(handle, { resource: id });
  if (id.startsWith("csub_item_")) return searchSubscriptionItem(handle, id, rows, eventsHref);
  if ((id.startsWith("pa_") || id.startsWith("cpa_")) && rows.length === 0) {
    // `cpa_` is a payment id, not indexed: look in the payload text.
    return searchPaymentAttempt(handle, id, await eventsMentioning(handle, { q: id, type: ["paymentAttempt.*"] }), eventsHref);
  }
  if (id.startsWith("pa_")) return searchPaymentAttempt(handle, id, rows, eventsHref);
  return fromColumns(id, rows, eventsHref);
}

const PAGE_PREFIXES = [
  { prefix: "user_", kind: "user", column: "userId" },
  { prefix: "org_", kind: "organization", column: "organizationId" },
  { prefix: "cpayer_", kind: "payer", column: "payerId" },
  { prefix: "csub_", kind: "subscription", column: "subscriptionId" },
] as const;

/** How many events name the id in this column, counted up to SCAN from the column's index. */
async function countInColumn(handle: DatabaseHandle, column: (typeof PAGE_PREFIXES)[number]["column"], id: string): Promise<number> {
  const [row] = await queryRows<{ n: bigint | number }>(
    handle,
    Prisma.sql`SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "Event" e WHERE ${Prisma.raw(`e."${column}"`)} = ${id} LIMIT ${SCAN}) x`,
  );
  return Number(row?.n ?? 0);
}

function one(query: string, match: SearchMatch, eventsHref: string): SearchResult {
  return result(query, "id", [match], eventsHref);
}

const USER_RESOURCES = new Set(["session", "organizationMembership", "email", "sms"]);
const ORGANIZATION_RESOURCES = new Set(["organizationInvitation", "organizationDomain"]);

/**
 * Any other id (sessions, memberships, invitations, domains, emails, SMS, types Clerk
 * adds later): the pages of the users, organizations and subscriptions its events name.
 * A session, membership, email or SMS goes to its user's page (which lists memberships
 * and links their organizations); an invitation or domain to its organization's.
 */
function fromColumns(id: string, rows: EventRow[], eventsHref: string): SearchResult {
  const own = rows.filter((row) => row.resourceId === id);
  const basis = own.length ? own : rows;
  const what = own[0]?.resourceType ?? null;
  const label = what ? `${what} event` : "event";
  const users = [...count(basis, (row) => row.userId)].map(([userId, n]): SearchMatch => ({
    kind: "user",
    id: userId,
    href: hrefFor.user(userId),
    label: userId,
    detail: `${plural(n, label)} name this user`,
  }));
  const organizations = [...count(basis, (row) => row.organizationId)].map(([organizationId, n]): SearchMatch => ({
    kind: "organization",
    id: organizationId,
    href: hrefFor.organization(organizationId),
    label: organizationId,
    detail: `${plural(n, label)} name this organization`,
  }));
  const subscriptions = [...count(basis, (row) => row.subscriptionId)].map(([subscriptionId, n]): SearchMatch => ({
    kind: "subscription",
    id: subscriptionId,
    href: hrefFor.subscription(subscriptionId),
    label: subscriptionId,
    detail: `${plural(n, label)} name this subscription`,
  }));
  if (what && USER_RESOURCES.has(what) && users.length) return result(id, "id", users, eventsHref);
  if (what && ORGANIZATION_RESOURCES.has(what) && organizations.length) return result(id, "id", organizations, eventsHref);
  return result(id, "id", [...users, ...organizations, ...subscriptions], eventsHref);
}

async function subscriptionForItem(handle: DatabaseHandle, itemId: string, rows: EventRow[]): Promise<string | null> {
  const direct = rows.find((row) => row.subscriptionId)?.subscriptionId;
  if (direct) return direct;
  // Items nested in a subscription have `subscription_id: null`; the subscription's payload names them.
  const containing = await eventsMentioning(handle, { q: itemId, type: ["subscription.*"] });
  return containing.find((row) => row.resourceType === "subscription")?.resourceId ?? null;
}

async function searchSubscriptionItem(handle: DatabaseHandle, itemId: string, rows: EventRow[], eventsHref: string): Promise<SearchResult> {
  const subscriptionId = await subscriptionForItem(handle, itemId, rows);
  if (subscriptionId) {
    return one(itemId, { kind: "subscription", id: subscriptionId, href: hrefFor.subscription(subscriptionId), label: subscriptionId, detail: `subscription item ${itemId} belongs to it` }, eventsHref);
  }
  const payerId = rows.find((row) => row.payerId)?.payerId;
  if (payerId) {
    return one(itemId, { kind: "payer", id: payerId, href: hrefFor.payer(payerId), label: payerId, detail: `subscription item ${itemId} is paid by it; its subscription is not stored` }, eventsHref);
  }
  return result(itemId, "id", [], eventsHref);
}

async function searchPaymentAttempt(handle: DatabaseHandle, id: string, rows: EventRow[], eventsHref: string): Promise<SearchResult> {
  const attempts = rows.filter((row) => row.resourceType === "paymentAttempt");
  const subscriptionId = attempts.find((row) => row.subscriptionId)?.subscriptionId;
  if (subscriptionId) {
    return one(id, { kind: "subscription", id: subscriptionId, href: hrefFor.subscription(subscriptionId), label: subscriptionId, detail: `payment ${id} was for it` }, eventsHref);
  }
  // NOTE: Clerk's attempts usually carry no subscription id; follow their items, else the payer.
  const latest = attempts[0];
  if (latest) {
    const data = (await loadEventData(handle, [latest])).get(latest.id) ?? null;
    for (const item of asArray(data?.subscription_items)) {
      const itemId = asString(asObject(item)?.id);
      if (!itemId) continue;
      const viaItem = await subscriptionForItem(handle, itemId, await eventsMentioning(handle, { resource: itemId }));
      if (viaItem) {
        return one(id, { kind: "subscription", id: viaItem, href: hrefFor.subscription(viaItem), label: viaItem, detail: `payment ${id} was for its item ${itemId}` }, eventsHref);
      }
    }
    if (latest.payerId) {
      return one(id, { kind: "payer", id: latest.payerId, href: hrefFor.payer(latest.payerId), label: latest.payerId, detail: `payment ${id} names no subscription; this is its payer` }, eventsHref);
    }
  }
  return result(id, "id", [], eventsHref);
}
