// The subscription list (`/billing`): every subscription id the events name, most
// recently active first, with its status as of its latest subscription event. Ids come
// from the indexed `subscriptionId` column (so subscriptions known only from their items
// are listed too, with status "unknown"); statuses are read only for the rows shown.
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { asArray, asObject, asString, type Json } from "~/lifecycle/lifecycle-event";
import { planName, subscriptionStatusFromEvent } from "~/lifecycle/event-summary";
import { resolveTypePatterns } from "~/events/event-query.server";
import { latestPerResource, loadEventData, type LatestResourceRow } from "~/lifecycle/lifecycle-query.server";
import { queryRows } from "~/lifecycle/lifecycle-sql.server";
import { STATUS_SCAN_LIMIT, type SubscriptionListQuery } from "./subscription-list-query";

export interface SubscriptionListItem {
  subscriptionId: string;
  status: string;
  lastEventAt: number;
  eventCount: number;
  payer: { payerId: string | null; userId: string | null; organizationId: string | null; name: string | null; email: string | null } | null;
  plans: { name: string; status: string | null }[];
}

const PAGE_SIZE = 50;
const WALK_CHUNK = 1000;

export class InvalidSubscriptionCursorError extends Error {
  constructor() {
    super("Invalid `cursor`: use the link to the next page.");
  }
}

interface WalkPosition {
  timestampMs: bigint;
  id: string;
}

function encodeCursor(position: WalkPosition): string {
  return Buffer.from(JSON.stringify([String(position.timestampMs), position.id])).toString("base64url");
}

function decodeCursor(value: string): WalkPosition {
  try {
    const [t, id] = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof t === "string" && /^\d{1,16}$/.test(t) && typeof id === "string" && id.length <= 40) return { timestampMs: BigInt(t), id };
  } catch {
    // fall through
  }
  throw new InvalidSubscriptionCursorError();
}

/**
 * Billing events newest first from `after` (exclusive). NOTE: one walk of the
 * (type, timestampMs, id) index per stored billing type, merged: the global time index
 * would also step over every non-billing event (at a million events, thousands of them
 * before the first billing one), and a single IN list makes both databases sort. The
 * position is a row value (see keysetCondition): a seek into each type's range.
 */
async function walk(
  handle: DatabaseHandle,
  types: string[],
  after: WalkPosition | null,
): Promise<{ subscriptionId: string | null; timestampMs: bigint | number; id: string }[]> {
  if (types.length === 0) return [];
  const from = after
    ? Prisma.sql`AND (e."timestampMs", e."id") < (${after.timestampMs}, ${after.id})`
    : Prisma.empty;
  const perType = types.map(
    (type, index) =>
      Prisma.sql`SELECT * FROM (SELECT e."id" AS "id", e."timestampMs" AS "timestampMs" FROM "Event" e
        WHERE e."type" = ${type} ${from} ORDER BY e."timestampMs" DESC, e."id" DESC LIMIT ${WALK_CHUNK}) ${Prisma.raw(`t${index}`)}`,
  );
  const top = await queryRows<{ id: string; timestampMs: bigint | number }>(
    handle,
    Prisma.sql`SELECT w."id" AS "id", w."timestampMs" AS "timestampMs" FROM (${Prisma.join(perType, " UNION ALL ")}) w
      ORDER BY w."timestampMs" DESC, w."id" DESC LIMIT ${WALK_CHUNK}`,
  );
  if (top.length === 0) return [];
  // Looked up after the merge: inside it, SQLite would look up every branch's rows.
  const owners = await queryRows<{ id: string; subscriptionId: string | null }>(
    handle,
    Prisma.sql`SELECT e."id" AS "id", e."subscriptionId" AS "subscriptionId" FROM "Event" e WHERE e."id" IN (${Prisma.join(top.map((row) => row.id))})`,
  );
  const ownerOf = new Map(owners.map((row) => [row.id, row.subscriptionId]));
  return top.map((row) => ({ ...row, subscriptionId: ownerOf.get(row.id) ?? null }));
}

async function billingTypes(handle: DatabaseHandle): Promise<string[]> {
  const { type } = await resolveTypePatterns(handle, { type: ["subscription.*", "subscriptionItem.*", "paymentAttempt.*"] });
  return (type ?? []).filter((t) => !t.endsWith(".*"));
}

/** Each subscription's latest event time and event count, from the (subscriptionId, timestampMs) index. */
async function activity(handle: DatabaseHandle, ids: string[]): Promise<Map<string, { lastMs: number; eventCount: number }>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ subscriptionId: string; lastMs: bigint | number; eventCount: bigint | number }>(
    handle,
    Prisma.sql`SELECT e."subscriptionId" AS "subscriptionId", MAX(e."timestampMs") AS "lastMs", COUNT(*) AS "eventCount"
      FROM "Event" e WHERE e."subscriptionId" IN (${Prisma.join(ids)}) GROUP BY e."subscriptionId"`,
  );
  return new Map(rows.map((row) => [row.subscriptionId, { lastMs: Number(row.lastMs), eventCount: Number(row.eventCount) }]));
}

/** Status as of each subscription's latest subscription event ("unknown" when there is none). */
async function statuses(handle: DatabaseHandle, ids: string[]): Promise<Map<string, { status: string; latest: LatestResourceRow | null; data: Json | null }>> {
  const latest = await latestPerResource(handle, null, ["subscription"], { resourceIds: ids, limit: ids.length });
  // The status is in the type for .active/.pastDue; only .created/.updated need the payload.
  const data = await loadEventData(handle, latest.map((r) => r.row).filter((row) => /\.(created|updated)$/.test(row.type) || !/\.(active|pastDue)$/.test(row.type)));
  const result = new Map<string, { status: string; latest: LatestResourceRow | null; data: Json | null }>();
  for (const id of ids) result.set(id, { status: "unknown", latest: null, data: null });
  for (const r of latest) {
    const rowData = data.get(r.row.id) ?? null;
    result.set(r.row.resourceId!, { status: subscriptionStatusFromEvent(r.row.type, rowData) ?? "unknown", latest: r, data: rowData });
  }
  return result;
}

interface Candidate {
  subscriptionId: string;
  lastMs: number;
  eventCount: number;
  /** Where the walk met its latest event: the next page starts after the last one shown. */
  position: WalkPosition;
}

function payerFrom(data: Json | null): SubscriptionListItem["payer"] {
  const payer = asObject(data?.payer);
  if (!payer && !asString(data?.payer_id)) return null;
  const name = [asString(payer?.first_name), asString(payer?.last_name)].filter(Boolean).join(" ") || asString(payer?.organization_name);
  return {
    payerId: asString(data?.payer_id) ?? asString(payer?.id),
    userId: asString(payer?.user_id),
    organizationId: asString(payer?.organization_id),
    name: name || null,
    email: asString(payer?.email),
  };
}

async function describeBatch(handle: DatabaseHandle, batch: Candidate[]): Promise<SubscriptionListItem[]> {
  const ids = batch.map((c) => c.subscriptionId);
  const [known, items] = await Promise.all([
    statuses(handle, ids),
    latestPerResource(handle, { column: "subscriptionId", id: ids }, ["subscriptionItem"], { limit: ids.length * 20 }),
  ]);
  const data = await loadEventData(handle, items.map((r) => r.row));
  const itemsBySubscription = new Map<string, LatestResourceRow[]>();
  for (const item of items) {
    const key = item.row.subscriptionId!;
    itemsBySubscription.set(key, [...(itemsBySubscription.get(key) ?? []), item]);
  }
  return batch.map((candidate) => {
    const { status, data: latestData } = known.get(candidate.subscriptionId)!;
    const ownItems = itemsBySubscription.get(candidate.subscriptionId) ?? [];
    const plans = ownItems.length
      ? ownItems.map((item) => {
          const itemData = data.get(item.row.id) ?? null;
          return { name: planName(itemData) ?? "Item", status: itemStatus(item.row.type, itemData) };
        })
      : asArray(latestData?.items).map((nested) => {
          const item = asObject(nested);
          return { name: planName(item) ?? "Item", status: asString(item?.status) };
        });
    const anyData = latestData ?? (ownItems[0] ? (data.get(ownItems[0].row.id) ?? null) : null);
    return {
      subscriptionId: candidate.subscriptionId,
      status,
      lastEventAt: candidate.lastMs,
      eventCount: candidate.eventCount,
      payer: payerFrom(anyData),
      plans,
    };
  });
}

function itemStatus(type: string, data: Json | null): string | null {
  const action = type.slice(type.lastIndexOf(".") + 1);
  if (action === "freeTrialEnding" || action === "updated" || action === "created") return asString(data?.status);
  return action === "pastDue" ? "past_due" : action;
}

/**
 * One page of subscriptions, most recently active first. Walks billing events newest
 * first and keeps each subscription where the walk meets its latest event, so a page
 * costs a few index walks however many subscriptions exist. With a status filter the
 * walk looks at up to STATUS_SCAN_LIMIT subscriptions per page and says where it stopped.
 */
export async function listSubscriptions(
  handle: DatabaseHandle,
  query: SubscriptionListQuery,
): Promise<{ subscriptions: SubscriptionListItem[]; nextCursor: string | null; examined: number; scanLimited: boolean }> {
  let position = query.cursor ? decodeCursor(query.cursor) : null;
  const types = await billingTypes(handle);
  const met = new Set<string>();
  const page: Candidate[] = [];
  let examined = 0;
  let exhausted = false;
  let lastExamined: WalkPosition | null = null;
  while (page.length < PAGE_SIZE && examined < STATUS_SCAN_LIMIT) {
    const rows = await walk(handle, types, position);
    if (rows.length === 0) {
      exhausted = true;
      break;
    }
    position = { timestampMs: BigInt(rows.at(-1)!.timestampMs), id: rows.at(-1)!.id };
    const firstSeen: Candidate[] = [];
    for (const row of rows) {
      // Payment attempts often name no subscription (Clerk's examples): they cannot list one.
      if (row.subscriptionId === null || met.has(row.subscriptionId)) continue;
      met.add(row.subscriptionId);
      firstSeen.push({ subscriptionId: row.subscriptionId, lastMs: Number(row.timestampMs), eventCount: 0, position: { timestampMs: BigInt(row.timestampMs), id: row.id } });
    }
    const stats = await activity(handle, firstSeen.map((c) => c.subscriptionId));
    // A subscription whose latest event is newer than where the walk met it was on an earlier page.
    const fresh = firstSeen.filter((c) => (stats.get(c.subscriptionId)?.lastMs ?? 0) <= c.lastMs);
    for (const c of fresh) c.eventCount = stats.get(c.subscriptionId)?.eventCount ?? 0;
    const wanted = query.status ? await statuses(handle, fresh.map((c) => c.subscriptionId)) : null;
    for (const candidate of fresh) {
      if (page.length >= PAGE_SIZE || examined >= STATUS_SCAN_LIMIT) break;
      examined++;
      lastExamined = candidate.position;
      if (!wanted || wanted.get(candidate.subscriptionId)?.status === query.status) page.push(candidate);
    }
    if (rows.length < WALK_CHUNK && page.length < PAGE_SIZE && examined < STATUS_SCAN_LIMIT) {
      exhausted = true;
      break;
    }
  }
  const resume = page.length >= PAGE_SIZE ? page.at(-1)!.position : lastExamined;
  return {
    subscriptions: await describeBatch(handle, page),
    nextCursor: exhausted && page.length < PAGE_SIZE ? null : resume ? encodeCursor(resume) : null,
    examined,
    scanLimited: !exhausted && page.length < PAGE_SIZE,
  };
}
