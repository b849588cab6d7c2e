// Loads the events of one subscription (or one payer) and builds its billing timeline.
//
// NOTE: Clerk's payment attempt examples carry no subscription id, and items nested in a
// subscription have `subscription_id: null` (CLERK-EVENTS.md). So besides the indexed
// `subscriptionId` column, events are tied to a subscription by item id (`csub_item_…`,
// from standalone item events and the subscription's `items[]`), and, when the payer has
// exactly one subscription, by payer (`cpayer_…`), which the page marks as inferred.
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";
import { asArray, asObject, asString, type Json } from "~/lifecycle/lifecycle-event";
import { listScopeEvents, loadEventData, toLifecycleEvent } from "~/lifecycle/lifecycle-query.server";
import { queryRows } from "~/lifecycle/lifecycle-sql.server";
import { buildBillingTimeline, type BillingEventInput, type LinkReason, type LoadedBillingTimeline } from "./billing-timeline";

export type { LoadedBillingTimeline } from "./billing-timeline";

export const BILLING_RESOURCE_TYPES = ["subscription", "subscriptionItem", "paymentAttempt"] as const;
/** A subscription rarely has more than a few hundred events; past this the page says it stopped. */
export const MAX_TIMELINE_EVENTS = 5000;


/** Subscriptions the payer's events name (up to `limit`). */
export async function payerSubscriptionIds(handle: DatabaseHandle, payerId: string, limit = 20): Promise<string[]> {
  const rows = await queryRows<{ subscriptionId: string }>(
    handle,
    Prisma.sql`SELECT DISTINCT e."subscriptionId" AS "subscriptionId" FROM "Event" e
      WHERE e."payerId" = ${payerId} AND e."subscriptionId" IS NOT NULL LIMIT ${limit}`,
  );
  return rows.map((row) => row.subscriptionId);
}

function linkFor(
  resourceType: string | null,
  resourceId: string | null,
  data: Json | null,
  itemIds: Set<string>,
  soleSubscription: boolean,
): LinkReason | null {
  if (resourceType === "subscriptionItem" && resourceId && itemIds.has(resourceId)) return "item_id";
  if (resourceType === "paymentAttempt") {
    const items = asArray(data?.subscription_items).map((item) => asString(asObject(item)?.id));
    if (items.some((id) => id !== null && itemIds.has(id))) return "item_id";
  }
  return soleSubscription ? "payer" : null;
}

export async function loadSubscriptionTimeline(
  handle: DatabaseHandle,
  subscriptionId: string,
  options: { now?: number } = {},
): Promise<LoadedBillingTimeline> {
  const direct = await listScopeEvents(handle, { column: "subscriptionId", id: subscriptionId }, { limit: MAX_TIMELINE_EVENTS + 1 });
  const truncated = direct.length > MAX_TIMELINE_EVENTS;
  const rows = direct.slice(0, MAX_TIMELINE_EVENTS);
  const cache = new Map<string, Json | null>();
  const data = await loadEventData(handle, rows, cache);

  const itemIds = new Set<string>();
  const payerIds = new Set<string>();
  for (const row of rows) {
    if (row.resourceType === "subscriptionItem" && row.resourceId) itemIds.add(row.resourceId);
    if (row.payerId) payerIds.add(row.payerId);
    if (row.resourceType === "subscription") {
      for (const item of asArray(data.get(row.id)?.items)) {
        const id = asString(asObject(item)?.id);
        if (id) itemIds.add(id);
      }
    }
  }

  const events: BillingEventInput[] = rows.map((row) => ({ event: toLifecycleEvent(row), data: data.get(row.id) ?? null, linkedBy: "subscription_id" }));
  let unplacedPayerEvents = 0;
  for (const payerId of payerIds) {
    const [unlinked, subscriptions] = await Promise.all([
      listScopeEvents(handle, { column: "payerId", id: payerId }, {
        resourceTypes: ["subscriptionItem", "paymentAttempt"],
        onlyUnlinked: true,
        limit: MAX_TIMELINE_EVENTS,
      }),
      payerSubscriptionIds(handle, payerId, 2),
    ]);
    if (unlinked.length === 0) continue;
    const soleSubscription = subscriptions.length === 1 && subscriptions[0] === subscriptionId;
    const unlinkedData = await loadEventData(handle, unlinked, cache);
    for (const row of unlinked) {
      const rowData = unlinkedData.get(row.id) ?? null;
      const linkedBy = linkFor(row.resourceType, row.resourceId, rowData, itemIds, soleSubscription);
      if (linkedBy) events.push({ event: toLifecycleEvent(row), data: rowData, linkedBy });
      else unplacedPayerEvents++;
    }
  }

  return {
    ...buildBillingTimeline({ subject: { kind: "subscription", subscriptionId }, events, now: options.now ?? Date.now() }),
    truncated,
    unplacedPayerEvents,
  };
}

/** Every billing event of one payer (`cpayer_…`): all its subscriptions on one timeline. */
export async function loadPayerTimeline(handle: DatabaseHandle, payerId: string, options: { now?: number } = {}): Promise<LoadedBillingTimeline> {
  const rows = await listScopeEvents(handle, { column: "payerId", id: payerId }, {
    resourceTypes: BILLING_RESOURCE_TYPES,
    limit: MAX_TIMELINE_EVENTS + 1,
  });
  const kept = rows.slice(0, MAX_TIMELINE_EVENTS);
  const data = await loadEventData(handle, kept);
  const events: BillingEventInput[] = kept.map((row) => ({
    event: toLifecycleEvent(row),
    data: data.get(row.id) ?? null,
    linkedBy: row.subscriptionId ? "subscription_id" : "payer",
  }));
  return {
    ...buildBillingTimeline({ subject: { kind: "payer", payerId }, events, now: options.now ?? Date.now() }),
    truncated: rows.length > MAX_TIMELINE_EVENTS,
    unplacedPayerEvents: 0,
  };
}
