import { describe, expect, it } from "vitest";

import { shuffledWithDuplicates, subscriptionSequence, type SequenceEnvelope } from "../../tests/support/lifecycle-sequences";
import { extractResourceRefs } from "~/catalog/event-catalog";
import type { LifecycleEvent } from "~/lifecycle/lifecycle-event";
import { buildBillingTimeline, periodsFrom, type BillingEventInput, type BillingTimeline } from "./billing-timeline";

/** Events as stored: one per envelope, received in `arrival` order (index = arrival position). */
function stored(envelopes: SequenceEnvelope[], arrival: number[] = envelopes.map((_, i) => i)): BillingEventInput[] {
  return envelopes.map((envelope, index) => {
    const refs = extractResourceRefs(envelope.type, envelope.data);
    const event: LifecycleEvent = {
      id: `evt_${index}`,
      svixId: `msg_${index}`,
      type: envelope.type,
      knownType: true,
      timestamp: envelope.timestamp,
      svixTimestamp: null,
      receivedAt: new Date(Date.UTC(2027, 0, 1) + arrival.indexOf(index) * 1000).toISOString(),
      source: "clerk",
      instanceId: null,
      ...refs,
      deliveryCount: 1,
      outOfOrder: false,
      verifiedOutsideTolerance: false,
    };
    return { event, data: envelope.data, linkedBy: refs.subscriptionId ? "subscription_id" : "item_id" };
  });
}

function lanesOf(timeline: BillingTimeline) {
  return {
    subscription: timeline.subscriptionLanes.map((lane) => lane.periods.map((p) => [p.status, p.start, p.end])),
    items: timeline.itemLanes.map((lane) => [lane.label, lane.periods.map((p) => [p.status, p.start, p.end]), lane.markers.length]),
    payments: timeline.payments.map((p) => [p.attemptId, p.status, p.at, p.amount.text]),
    // Arrival times differ by construction; everything a person reads must not.
    state: JSON.parse(JSON.stringify(timeline.state, (key, value) => (key === "receivedAt" ? undefined : value))),
    events: timeline.events.map((e) => [e.svixId, e.summary]),
  };
}

describe("billing timeline", () => {
  const sequence = subscriptionSequence();
  const NOW = sequence.envelopes.at(-1)!.timestamp + 3600_000;

  it("follows created → item active → payment failed → past due → paid → active → canceled → ended", () => {
    const timeline = buildBillingTimeline({ subject: { kind: "subscription", subscriptionId: sequence.subscriptionId }, events: stored(sequence.envelopes), now: NOW });
    const [created, , , failed, , pastDue, , paid, , active, canceled, ended] = sequence.envelopes.map((e) => e.timestamp);

    expect(timeline.subscriptionLanes).toHaveLength(1);
    expect(timeline.subscriptionLanes[0]!.periods.map((p) => [p.status, p.start, p.end])).toEqual([
      ["active", created, pastDue],
      ["past_due", pastDue, active],
      ["active", active, null],
    ]);
    expect(timeline.itemLanes).toHaveLength(1);
    expect(timeline.itemLanes[0]!.label).toBe("Pro (month)");
    expect(timeline.itemLanes[0]!.periods.map((p) => p.status)).toEqual(["active", "past_due", "active", "canceled", "ended"]);
    expect(timeline.itemLanes[0]!.periods.at(-1)).toMatchObject({ start: ended, end: null, inferred: false });
    expect(timeline.itemLanes[0]!.periods[3]).toMatchObject({ start: canceled, end: ended });

    expect(timeline.payments.map((p) => [p.status, p.amount.text])).toEqual([
      ["pending", "$20.00 USD"],
      ["failed", "$20.00 USD"],
      ["pending", "$20.00 USD"],
      ["paid", "$20.00 USD"],
    ]);
    expect(timeline.attempts.map((a) => [a.attemptId, a.status, a.failedReason])).toEqual([
      [sequence.attemptIds[0], "failed", "card_declined / insufficient_funds"],
      [sequence.attemptIds[1], "paid", null],
    ]);
    expect(timeline.payments.find((p) => p.status === "failed")!.at).toBe(failed);
    expect(timeline.payments.find((p) => p.status === "paid")!.at).toBe(paid);

    expect(timeline.state).toMatchObject({ status: "active", statusSince: active, statusInferred: false, subscriptionSeen: true });
    expect(timeline.state.items).toEqual([expect.objectContaining({ itemId: sequence.itemId, status: "ended", since: ended, plan: "Pro" })]);
    expect(timeline.state.latestPayment?.status).toBe("paid");
    expect(timeline.payer).toMatchObject({ payerId: sequence.payerId, userId: sequence.userId });
    // Paid after the past-due, delivered in order: nothing to flag.
    expect(timeline.anomalies).toEqual([]);
  });

  it("is the same when deliveries arrive shuffled and duplicated, and flags the late arrivals", () => {
    const inOrder = buildBillingTimeline({ subject: { kind: "subscription", subscriptionId: sequence.subscriptionId }, events: stored(sequence.envelopes), now: NOW });
    // Duplicates are one event per svix-id in storage; the arrival order is what changes.
    const arrival = [...new Set(shuffledWithDuplicates(sequence.envelopes).map((d) => d.index))];
    const shuffled = buildBillingTimeline({
      subject: { kind: "subscription", subscriptionId: sequence.subscriptionId },
      events: stored(sequence.envelopes, arrival).reverse(),
      now: NOW,
    });
    expect(lanesOf(shuffled)).toEqual(lanesOf(inOrder));
    expect(shuffled.anomalies.map((a) => a.kind)).toEqual(["out_of_order"]);
    expect(shuffled.events.some((e) => e.arrivedLate)).toBe(true);
  });

  it("flags a past due with no later successful payment", () => {
    const withoutRecovery = sequence.envelopes.filter((e) => !(e.type === "paymentAttempt.updated" && e.data.status === "paid"));
    const timeline = buildBillingTimeline({ subject: { kind: "subscription", subscriptionId: sequence.subscriptionId }, events: stored(withoutRecovery), now: NOW });
    const anomaly = timeline.anomalies.find((a) => a.kind === "past_due_unpaid");
    expect(anomaly?.message).toMatch(/Subscription went past due at .* and no successful payment is stored after it/);
    expect(anomaly?.events[0]!.type).toBe("subscription.pastDue");
  });

  it("flags an active item whose subscription was never seen, and infers the status from items", () => {
    const itemsOnly = sequence.envelopes.filter((e) => e.type.startsWith("subscriptionItem.") && e.type !== "subscriptionItem.canceled" && e.type !== "subscriptionItem.ended");
    const timeline = buildBillingTimeline({ subject: { kind: "subscription", subscriptionId: sequence.subscriptionId }, events: stored(itemsOnly), now: NOW });
    expect(timeline.state).toMatchObject({ status: "active", statusInferred: true, subscriptionSeen: false });
    expect(timeline.state.inferred[0]).toMatch(/inferred from its items/);
    expect(timeline.anomalies.map((a) => a.kind)).toContain("item_without_subscription");
    expect(timeline.subscriptionLanes[0]).toMatchObject({ subscriptionId: sequence.subscriptionId, subscriptionSeen: false, periods: [] });
  });

  it("places a free-trial-ending marker without changing the item's status", () => {
    const trialEnding: SequenceEnvelope = {
      ...sequence.envelopes[1]!,
      type: "subscriptionItem.freeTrialEnding",
      timestamp: sequence.envelopes[1]!.timestamp + 86_400_000,
      data: { ...sequence.envelopes[1]!.data, is_free_trial: true },
    };
    const events = [...sequence.envelopes.slice(0, 2), trialEnding];
    const timeline = buildBillingTimeline({ subject: { kind: "subscription", subscriptionId: sequence.subscriptionId }, events: stored(events), now: NOW });
    expect(timeline.itemLanes[0]!.periods.map((p) => p.status)).toEqual(["active"]);
    expect(timeline.itemLanes[0]!.markers).toEqual([expect.objectContaining({ kind: "free_trial_ending", at: trialEnding.timestamp })]);
    expect(timeline.itemLanes[0]!.markers[0]!.detail).toMatch(/^Free trial ends \d{4}-\d{2}-\d{2}$/);
  });

  it("merges repeated statuses into one period", () => {
    const event = stored(sequence.envelopes)[0]!.event;
    const periods = periodsFrom([
      { status: "active", at: 1, event, inferred: true },
      { status: "active", at: 2, event, inferred: false },
      { status: "past_due", at: 3, event, inferred: false },
    ]);
    expect(periods.map((p) => [p.status, p.start, p.end, p.inferred])).toEqual([
      ["active", 1, 3, false],
      ["past_due", 3, null, false],
    ]);
  });
});
