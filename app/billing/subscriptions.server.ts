// The subscription list (`/billing`): every subscription id the events name, most
// recently active first, with its status as of its latest subscription event. Ids come
// from the indexed `subscriptionId` column (so subscriptions known only from their items
// are listed too, with status "unknown"); statuses are read only for the rows shown.
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { asArray, asObject, asString, type Json } from "~/lifecycle/lifecycle-event";
import { planName, subscriptionStatusFromEvent } from "~/lifecycle/event-summary";
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
const BATCH = 200;

interface Candidate {
  subscriptionId: string;
  lastMs: bigint | number;
  eventCount: bigint | number;
}

async function candidates(handle: DatabaseHandle, offset: number, limit: number): Promise<Candidate[]> {
  // Served from the (subscriptionId, timestampMs) index alone.
  return queryRows<Candidate>(
    handle,
    Prisma.sql`SELECT e."subscriptionId" AS "subscriptionId", MAX(e."timestampMs") AS "lastMs", COUNT(*) AS "eventCount"
      FROM "Event" e WHERE e."subscriptionId" IS NOT NULL
      GROUP BY e."subscriptionId"
      ORDER BY "lastMs" DESC, "subscriptionId" DESC
      LIMIT ${limit} OFFSET ${offset}`,
  );
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
  const [subscriptions, items] = await Promise.all([
    latestPerResource(handle, null, ["subscription"], { resourceIds: ids, limit: ids.length }),
    latestPerResource(handle, { column: "subscriptionId", id: ids }, ["subscriptionItem"], { limit: ids.length * 20 }),
  ]);
  const needsPayload = [...subscriptions, ...items].map((r) => r.row);
  const data = await loadEventData(handle, needsPayload);
  const bySubscription = new Map<string, LatestResourceRow>(subscriptions.map((r) => [r.row.resourceId!, r]));
  const itemsBySubscription = new Map<string, LatestResourceRow[]>();
  for (const item of items) {
    const key = item.row.subscriptionId!;
    itemsBySubscription.set(key, [...(itemsBySubscription.get(key) ?? []), item]);
  }
  return batch.map((candidate) => {
    const latest = bySubscription.get(candidate.subscriptionId);
    const latestData = latest ? (data.get(latest.row.id) ?? null) : null;
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
      status: (latest && subscriptionStatusFromEvent(latest.row.type, latestData)) ?? "unknown",
      lastEventAt: Number(candidate.lastMs),
      eventCount: Number(candidate.eventCount),
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

export async function listSubscriptions(
  handle: DatabaseHandle,
  query: SubscriptionListQuery,
): Promise<{ subscriptions: SubscriptionListItem[]; hasMore: boolean; scanned: number; scanLimited: boolean }> {
  if (!query.status) {
    const batch = await candidates(handle, (query.page - 1) * PAGE_SIZE, PAGE_SIZE + 1);
    return { subscriptions: await describeBatch(handle, batch.slice(0, PAGE_SIZE)), hasMore: batch.length > PAGE_SIZE, scanned: batch.length, scanLimited: false };
  }
  // The status lives in payloads, so filtering reads the latest subscription event of
  // each candidate, a batch at a time, until the page is full.
  const wanted = (query.page - 1) * PAGE_SIZE;
  const matches: SubscriptionListItem[] = [];
  let offset = 0;
  let exhausted = false;
  while (matches.length <= wanted + PAGE_SIZE && offset < STATUS_SCAN_LIMIT) {
    const batch = await candidates(handle, offset, BATCH);
    offset += batch.length;
    matches.push(...(await describeBatch(handle, batch)).filter((item) => item.status === query.status));
    if (batch.length < BATCH) {
      exhausted = true;
      break;
    }
  }
  return {
    subscriptions: matches.slice(wanted, wanted + PAGE_SIZE),
    hasMore: matches.length > wanted + PAGE_SIZE,
    scanned: offset,
    scanLimited: !exhausted && offset >= STATUS_SCAN_LIMIT,
  };
}
