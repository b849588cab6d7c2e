// A Clerk Billing timeline (DESIGN.md "Billing timeline"): one subscription, or one
// payer, over time. Top-level status periods, one lane per subscription item with its
// status periods and free-trial-ending markers, payment attempts as marks, the state as
// of now, and the anomalies a support person should look at. Pure and browser-safe: the
// page draws it, the API returns it, billing-timeline.server.ts feeds it.
import {
  asArray,
  asBoolean,
  asObject,
  asString,
  asTimestampMs,
  sortByEventOrder,
  type EventWithData,
  type Json,
  type LifecycleEvent,
} from "~/lifecycle/lifecycle-event";
import {
  itemStatusFromEvent,
  paymentAmount,
  planName,
  readMoney,
  subscriptionStatusFromEvent,
  summarizeEvent,
  type MoneyAmount,
} from "~/lifecycle/event-summary";
import { eventRef, type EventRef } from "~/lifecycle/user-state";

/** Item statuses Clerk sends (CLERK-EVENTS.md), plus `expired` from the legacy type. */
export const ITEM_STATUSES = ["upcoming", "active", "canceled", "ended", "abandoned", "incomplete", "past_due", "expired"] as const;
export const SUBSCRIPTION_STATUSES = ["active", "past_due", "canceled", "ended", "abandoned", "incomplete", "upcoming", "expired"] as const;

/** How an event was tied to the subscription on the page. */
export type LinkReason = "subscription_id" | "item_id" | "payer";

export interface BillingEventInput extends EventWithData {
  linkedBy: LinkReason;
}

export interface StatusPeriod {
  status: string;
  start: number;
  /** null while it lasts (up to now). */
  end: number | null;
  startEvent: EventRef;
  /** Read from a subscription's copy of the item, not from an event about the item itself. */
  inferred: boolean;
}

export interface LaneMarker {
  kind: "free_trial_ending";
  at: number;
  event: EventRef;
  detail: string;
}

export interface StatusLane {
  key: string;
  kind: "subscription" | "item";
  label: string;
  sublabel: string;
  subscriptionId: string | null;
  itemId: string | null;
  periods: StatusPeriod[];
  markers: LaneMarker[];
  /** For item lanes: whether the subscription they belong to was ever seen. */
  subscriptionSeen: boolean;
}

export interface PaymentMark {
  attemptId: string;
  status: string;
  at: number;
  amount: MoneyAmount;
  chargeType: string | null;
  failedReason: string | null;
  event: EventRef;
  linkedBy: LinkReason;
}

export interface PaymentAttemptSummary {
  attemptId: string;
  status: string;
  amount: MoneyAmount;
  chargeType: string | null;
  failedReason: string | null;
  createdAt: number;
  settledAt: number | null;
  linkedBy: LinkReason;
  events: EventRef[];
}

export interface BillingAnomaly {
  kind: "past_due_unpaid" | "item_without_subscription" | "out_of_order";
  message: string;
  events: EventRef[];
}

export interface ItemState {
  itemId: string;
  plan: string | null;
  status: string;
  since: number;
  statusInferred: boolean;
  amount: MoneyAmount;
  interval: string | null;
  periodStart: number | null;
  periodEnd: number | null;
  isFreeTrial: boolean | null;
}

export interface BillingState {
  /** The top-level status; inferred from the items when no subscription event is stored. */
  status: string | null;
  statusSince: number | null;
  statusInferred: boolean;
  subscriptionSeen: boolean;
  /** The latest event placed on the timeline: "as of event X at T". */
  asOf: EventRef | null;
  items: ItemState[];
  latestPayment: PaymentAttemptSummary | null;
  inferred: string[];
}

export interface BillingPayer {
  payerId: string | null;
  userId: string | null;
  organizationId: string | null;
  name: string | null;
  email: string | null;
}

export interface BillingTimelineEvent extends LifecycleEvent {
  summary: string;
  linkedBy: LinkReason;
  /** It arrived after an event that comes later in envelope order. */
  arrivedLate: boolean;
}

export interface BillingTimeline {
  subject: { kind: "subscription"; subscriptionId: string } | { kind: "payer"; payerId: string };
  payer: BillingPayer | null;
  subscriptionIds: string[];
  range: { start: number; end: number } | null;
  subscriptionLanes: StatusLane[];
  itemLanes: StatusLane[];
  payments: PaymentMark[];
  attempts: PaymentAttemptSummary[];
  state: BillingState;
  anomalies: BillingAnomaly[];
  events: BillingTimelineEvent[];
}

/** A timeline as loaded for a page or the API. */
export interface LoadedBillingTimeline extends BillingTimeline {
  /** More events exist than the loader's cap; the oldest ones are shown. */
  truncated: boolean;
  /** Billing events of the same payer that could not be tied to this subscription. */
  unplacedPayerEvents: number;
}

interface StatusPoint {
  status: string;
  at: number;
  event: LifecycleEvent;
  inferred: boolean;
}

/** Consecutive points with the same status are one period; a change closes the period before it. */
export function periodsFrom(points: StatusPoint[]): StatusPeriod[] {
  const periods: StatusPeriod[] = [];
  for (const point of points) {
    const current = periods.at(-1);
    if (current && current.status === point.status) {
      // A stated status replaces an inferred one for the same stretch.
      if (current.inferred && !point.inferred) current.inferred = false;
      continue;
    }
    if (current) current.end = point.at;
    periods.push({ status: point.status, start: point.at, end: null, startEvent: eventRef(point.event), inferred: point.inferred });
  }
  return periods;
}

function payerOf(data: Json | null): BillingPayer | null {
  const payer = asObject(data?.payer);
  const payerId = asString(data?.payer_id) ?? asString(payer?.id);
  if (!payer && !payerId) return null;
  const name = [asString(payer?.first_name), asString(payer?.last_name)].filter(Boolean).join(" ") || asString(payer?.organization_name);
  return {
    payerId,
    userId: asString(payer?.user_id),
    organizationId: asString(payer?.organization_id),
    name: name || null,
    email: asString(payer?.email),
  };
}

/** A plan's price (`amount` in minor units, `currency`), when the item carries no Money object. */
function planPrice(plan: Json | null): MoneyAmount {
  const amount = typeof plan?.amount === "number" ? plan.amount : null;
  const currency = asString(plan?.currency);
  return { amount, currency, text: amount === null ? null : [(amount / 100).toFixed(2), currency].filter(Boolean).join(" ") };
}

function failedReasonOf(data: Json | null): string | null {
  const reason = asObject(data?.failed_reason);
  return [asString(reason?.code), asString(reason?.decline_code)].filter(Boolean).join(" / ") || null;
}

function shortId(id: string): string {
  return id.length > 18 ? `${id.slice(0, 14)}…${id.slice(-4)}` : id;
}

export function buildBillingTimeline(input: {
  subject: BillingTimeline["subject"];
  events: BillingEventInput[];
  now: number;
}): BillingTimeline {
  const ordered = sortByEventOrder(input.events);
  const late = arrivedLate(ordered.map((entry) => entry.event));

  // Subscriptions: their own events give the top-level status.
  const subscriptionPoints = new Map<string, StatusPoint[]>();
  // Items: standalone events first; a subscription's copy only for items with none.
  const itemPoints = new Map<string, StatusPoint[]>();
  const itemSnapshotPoints = new Map<string, StatusPoint[]>();
  const itemInfo = new Map<string, { plan: string | null; data: Json; subscriptionId: string | null; firstAt: number }>();
  const markers = new Map<string, LaneMarker[]>();
  const attempts = new Map<string, PaymentAttemptSummary>();
  const payments: PaymentMark[] = [];
  let payer: BillingPayer | null = null;

  const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);
  const rememberItem = (itemId: string, data: Json, subscriptionId: string | null, at: number) => {
    const known = itemInfo.get(itemId);
    itemInfo.set(itemId, {
      plan: planName(data) ?? known?.plan ?? null,
      data: { ...(known?.data ?? {}), ...data },
      subscriptionId: subscriptionId ?? known?.subscriptionId ?? null,
      firstAt: known ? Math.min(known.firstAt, at) : at,
    });
  };

  for (const { event, data, linkedBy } of ordered) {
    payer = payerOf(data) ?? payer;
    const at = event.timestamp;
    if (event.resourceType === "subscription") {
      const subscriptionId = event.resourceId ?? event.subscriptionId ?? event.id;
      const status = subscriptionStatusFromEvent(event.type, data);
      if (status) push(subscriptionPoints, subscriptionId, { status, at, event, inferred: false });
      else if (!subscriptionPoints.has(subscriptionId)) subscriptionPoints.set(subscriptionId, []);
      for (const nested of asArray(data?.items).map(asObject)) {
        const itemId = asString(nested?.id);
        if (!nested || !itemId) continue;
        rememberItem(itemId, nested, subscriptionId, at);
        const itemStatus = asString(nested.status);
        if (itemStatus) push(itemSnapshotPoints, itemId, { status: itemStatus, at, event, inferred: true });
      }
    } else if (event.resourceType === "subscriptionItem") {
      const itemId = event.resourceId ?? event.id;
      rememberItem(itemId, data ?? {}, event.subscriptionId, at);
      if (event.type === "subscriptionItem.freeTrialEnding") {
        const end = asTimestampMs(data?.period_end);
        push(markers, itemId, {
          kind: "free_trial_ending",
          at,
          event: eventRef(event),
          detail: end ? `Free trial ends ${new Date(end).toISOString().slice(0, 10)}` : "Free trial ending",
        });
        // The item keeps its status; only record one if the lane has none yet.
        if (!itemPoints.has(itemId) && asString(data?.status)) {
          push(itemPoints, itemId, { status: asString(data?.status)!, at, event, inferred: false });
        }
        continue;
      }
      const status = itemStatusFromEvent(event.type, data);
      if (status) push(itemPoints, itemId, { status, at, event, inferred: false });
    } else if (event.resourceType === "paymentAttempt") {
      const attemptId = event.resourceId ?? event.id;
      const status = asString(data?.status) ?? (event.type === "paymentAttempt.created" ? "pending" : "unknown");
      const amount = paymentAmount(data);
      const mark: PaymentMark = {
        attemptId,
        status,
        at,
        amount,
        chargeType: asString(data?.charge_type),
        failedReason: failedReasonOf(data),
        event: eventRef(event),
        linkedBy,
      };
      payments.push(mark);
      const known = attempts.get(attemptId);
      attempts.set(attemptId, {
        attemptId,
        status,
        amount: amount.text ? amount : (known?.amount ?? amount),
        chargeType: mark.chargeType ?? known?.chargeType ?? null,
        failedReason: mark.failedReason ?? known?.failedReason ?? null,
        createdAt: known?.createdAt ?? at,
        settledAt: status === "paid" || status === "failed" ? at : (known?.settledAt ?? null),
        linkedBy,
        events: [...(known?.events ?? []), eventRef(event)],
      });
    }
  }

  const seenSubscriptions = new Set(subscriptionPoints.keys());
  const subscriptionIds = new Set<string>(seenSubscriptions);
  for (const info of itemInfo.values()) if (info.subscriptionId) subscriptionIds.add(info.subscriptionId);
  if (input.subject.kind === "subscription") subscriptionIds.add(input.subject.subscriptionId);

  const subscriptionLanes: StatusLane[] = [...subscriptionIds].map((subscriptionId) => ({
    key: subscriptionId,
    kind: "subscription",
    label: "Subscription",
    sublabel: shortId(subscriptionId),
    subscriptionId,
    itemId: null,
    periods: periodsFrom(subscriptionPoints.get(subscriptionId) ?? []),
    markers: [],
    subscriptionSeen: seenSubscriptions.has(subscriptionId),
  }));

  const itemLanes: StatusLane[] = [...itemInfo.entries()]
    .sort((a, b) => a[1].firstAt - b[1].firstAt)
    .map(([itemId, info]) => {
      const own = itemPoints.get(itemId);
      const points = own?.length ? own : (itemSnapshotPoints.get(itemId) ?? []);
      const interval = asString(info.data.interval) ?? asString(info.data.plan_period);
      return {
        key: itemId,
        kind: "item" as const,
        label: [info.plan ?? "Item", interval ? `(${interval})` : null].filter(Boolean).join(" "),
        sublabel: shortId(itemId),
        subscriptionId: info.subscriptionId,
        itemId,
        periods: periodsFrom(points),
        markers: markers.get(itemId) ?? [],
        subscriptionSeen: info.subscriptionId ? seenSubscriptions.has(info.subscriptionId) : seenSubscriptions.size > 0,
      };
    });

  const attemptList = [...attempts.values()].sort((a, b) => a.createdAt - b.createdAt);
  const state = deriveState(subscriptionLanes, itemLanes, itemInfo, attemptList, ordered.at(-1)?.event ?? null, input);
  const events: BillingTimelineEvent[] = ordered.map(({ event, data, linkedBy }) => ({
    ...event,
    summary: summarizeEvent(event.type, data),
    linkedBy,
    arrivedLate: late.has(event.id),
  }));

  return {
    subject: input.subject,
    payer,
    subscriptionIds: [...subscriptionIds],
    range: timeRange(ordered.map((entry) => entry.event.timestamp), input.now),
    subscriptionLanes,
    itemLanes,
    payments,
    attempts: attemptList,
    state,
    anomalies: findAnomalies(subscriptionLanes, itemLanes, payments, events),
    events,
  };
}

/** Events that arrived after another event that comes later in envelope order. */
function arrivedLate(ordered: LifecycleEvent[]): Set<string> {
  const late = new Set<string>();
  let earliestLaterArrival = Number.POSITIVE_INFINITY;
  for (let i = ordered.length - 1; i >= 0; i--) {
    const received = Date.parse(ordered[i]!.receivedAt);
    if (received > earliestLaterArrival || ordered[i]!.outOfOrder) late.add(ordered[i]!.id);
    earliestLaterArrival = Math.min(earliestLaterArrival, received);
  }
  return late;
}

function timeRange(timestamps: number[], now: number): BillingTimeline["range"] {
  if (timestamps.length === 0) return null;
  const start = Math.min(...timestamps);
  const last = Math.max(...timestamps);
  const span = Math.max(last - start, 3_600_000);
  // Room after the last event, so the periods still running show as running; reach "now"
  // when it is close enough not to squash the history.
  const end = now > last && now - last <= span * 0.35 ? now + span * 0.03 : last + span * 0.06;
  return { start, end };
}

function deriveState(
  subscriptionLanes: StatusLane[],
  itemLanes: StatusLane[],
  itemInfo: Map<string, { plan: string | null; data: Json }>,
  attempts: PaymentAttemptSummary[],
  lastEvent: LifecycleEvent | null,
  input: { subject: BillingTimeline["subject"] },
): BillingState {
  const inferred: string[] = [];
  const subject = input.subject;
  const main =
    subject.kind === "subscription"
      ? subscriptionLanes.find((lane) => lane.subscriptionId === subject.subscriptionId)
      : subscriptionLanes.filter((lane) => lane.periods.length).sort((a, b) => (b.periods.at(-1)!.start ?? 0) - (a.periods.at(-1)!.start ?? 0))[0];
  const current = main?.periods.at(-1) ?? null;
  const items: ItemState[] = itemLanes
    .filter((lane) => lane.periods.length)
    .map((lane) => {
      const info = itemInfo.get(lane.itemId!);
      const data = info?.data ?? {};
      const period = lane.periods.at(-1)!;
      return {
        itemId: lane.itemId!,
        plan: info?.plan ?? null,
        status: period.status,
        since: period.start,
        statusInferred: period.inferred,
        amount: asObject(data.amount) ? readMoney(data.amount) : planPrice(asObject(data.plan)),
        interval: asString(data.interval) ?? asString(data.plan_period),
        periodStart: asTimestampMs(data.period_start),
        periodEnd: asTimestampMs(data.period_end),
        isFreeTrial: asBoolean(data.is_free_trial),
      };
    });
  let status = current?.status ?? null;
  let statusSince = current?.start ?? null;
  let statusInferred = false;
  const subscriptionSeen = subscriptionLanes.some((lane) => lane.subscriptionSeen);
  if (!current && items.length) {
    // NOTE: no subscription.* event is stored; the top level is inferred from its items.
    const byPriority = ["past_due", "active", "upcoming", "incomplete", "canceled", "ended", "abandoned", "expired"];
    const pick = [...items].sort((a, b) => byPriority.indexOf(a.status) - byPriority.indexOf(b.status))[0]!;
    status = pick.status;
    statusSince = pick.since;
    statusInferred = true;
    inferred.push("No subscription event is stored: the status is inferred from its items.");
  }
  if (items.some((item) => item.statusInferred)) {
    inferred.push("Some item statuses come from a subscription's copy of the item, not from an event about the item.");
  }
  if (attempts.some((attempt) => attempt.linkedBy === "payer")) {
    inferred.push("Some payment attempts carry no subscription or item id and are placed here by their payer.");
  }
  return {
    status,
    statusSince,
    statusInferred,
    subscriptionSeen,
    asOf: lastEvent ? eventRef(lastEvent) : null,
    items,
    latestPayment: [...attempts].sort((a, b) => (b.settledAt ?? b.createdAt) - (a.settledAt ?? a.createdAt))[0] ?? null,
    inferred,
  };
}

function findAnomalies(
  subscriptionLanes: StatusLane[],
  itemLanes: StatusLane[],
  payments: PaymentMark[],
  events: BillingTimelineEvent[],
): BillingAnomaly[] {
  const anomalies: BillingAnomaly[] = [];
  const paidAt = payments.filter((payment) => payment.status === "paid").map((payment) => payment.at);
  const pastDue = (lanes: StatusLane[]) =>
    lanes.flatMap((lane) => lane.periods.filter((period) => period.status === "past_due").map((period) => ({ lane, period })));
  const seenLanes = subscriptionLanes.filter((lane) => lane.subscriptionSeen);
  // Items stand in for the subscription only where it was never seen.
  const candidates = [...pastDue(seenLanes), ...pastDue(itemLanes.filter((lane) => !lane.subscriptionSeen))];
  for (const { lane, period } of candidates) {
    if (paidAt.some((at) => at > period.start)) continue;
    const when = new Date(period.start).toISOString().replace("T", " ").slice(0, 16);
    anomalies.push({
      kind: "past_due_unpaid",
      message: `${lane.kind === "subscription" ? "Subscription" : lane.label} went past due at ${when} UTC and no successful payment is stored after it.`,
      events: [period.startEvent],
    });
  }
  for (const lane of itemLanes) {
    if (lane.subscriptionSeen || !lane.periods.some((period) => period.status === "active")) continue;
    anomalies.push({
      kind: "item_without_subscription",
      message: `${lane.label} (${lane.sublabel}) is active, but its subscription${lane.subscriptionId ? ` ${lane.subscriptionId}` : ""} was never seen: no subscription event is stored.`,
      events: lane.periods.filter((period) => period.status === "active").map((period) => period.startEvent),
    });
  }
  const lateEvents = events.filter((event) => event.arrivedLate);
  if (lateEvents.length) {
    anomalies.push({
      kind: "out_of_order",
      message: `${lateEvents.length} event${lateEvents.length === 1 ? "" : "s"} arrived after a later event of this timeline; they are shown in envelope-time order.`,
      events: lateEvents.map((event) => eventRef(event)),
    });
  }
  return anomalies;
}
