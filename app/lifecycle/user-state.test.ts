import { describe, expect, it } from "vitest";

import { shuffledWithDuplicates, userSequence, type SequenceEnvelope } from "../../tests/support/lifecycle-sequences";
import { extractResourceRefs } from "~/catalog/event-catalog";
import type { EventWithData, LifecycleEvent } from "./lifecycle-event";
import { memberChanges } from "./organization-state";
import { summarizeEvent } from "./event-summary";
import { reconstructUserState, summarizeMembership, summarizeSession, userFieldHistory } from "./user-state";

/** Stored events: one per envelope; `arrival[k]` is the envelope index that arrived k-th. */
function stored(envelopes: SequenceEnvelope[], arrival: number[] = envelopes.map((_, i) => i)): EventWithData[] {
  return envelopes.map((envelope, index) => {
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
      ...extractResourceRefs(envelope.type, envelope.data),
      deliveryCount: 1,
      outOfOrder: false,
      verifiedOutsideTolerance: false,
    };
    return { event, data: envelope.data };
  });
}

const sequence = userSequence();
const users = (events: EventWithData[]) => events.filter((e) => e.event.type.startsWith("user."));

describe("user state", () => {
  it("follows signup → email change → deletion, keeping the last known profile", () => {
    const state = reconstructUserState({ userId: sequence.userId, userEvents: users(stored(sequence.envelopes)) });
    expect(state).toMatchObject({ known: true, deleted: true, profileSource: "user_event" });
    expect(state.deletedBy?.type).toBe("user.deleted");
    expect(state.asOf?.type).toBe("user.updated");
    expect(state.profile).toMatchObject({ primaryEmail: sequence.workEmail, username: "jdoe", name: "Jane Doe", twoFactorEnabled: false });
    expect(state.profile?.emails.map((e) => [e.address, e.primary])).toEqual([
      [sequence.personalEmail, false],
      [sequence.workEmail, true],
    ]);
  });

  it("is the same whatever order the events arrived in; a late older event never wins", () => {
    const inOrder = reconstructUserState({ userId: sequence.userId, userEvents: users(stored(sequence.envelopes)) });
    const arrival = [...new Set(shuffledWithDuplicates(sequence.envelopes, 11).map((d) => d.index))];
    const shuffled = users(stored(sequence.envelopes, arrival)).reverse();
    const strip = (value: unknown) => JSON.parse(JSON.stringify(value, (k, v) => (k === "receivedAt" ? undefined : v)));
    expect(strip(reconstructUserState({ userId: sequence.userId, userEvents: shuffled }))).toEqual(strip(inOrder));

    // Only user.created then user.updated, but the update arrives first: the update still wins.
    const [created, , updated] = stored(sequence.envelopes, [2, 0, 1]);
    const state = reconstructUserState({ userId: sequence.userId, userEvents: [updated!, created!] });
    expect(state.profile?.primaryEmail).toBe(sequence.workEmail);
    expect(state.deleted).toBe(false);
  });

  it("lists field changes oldest first, with initial values from user.created", () => {
    const changes = userFieldHistory(users(stored(sequence.envelopes)).reverse());
    expect(changes.filter((c) => c.initial).map((c) => [c.label, c.after])).toEqual([
      ["Primary email", sequence.personalEmail],
      ["Name", "Jane Doe"],
    ]);
    expect(changes.filter((c) => !c.initial).map((c) => [c.label, c.before, c.after, c.event.type])).toEqual([
      ["Primary email", sequence.personalEmail, sequence.workEmail, "user.updated"],
      ["Username", null, "jdoe", "user.updated"],
    ]);
  });

  it("says so when the profile is inferred, or unknown", () => {
    const all = stored(sequence.envelopes);
    const fromMembership = reconstructUserState({ userId: sequence.userId, userEvents: [], fallbacks: all.filter((e) => e.event.resourceType === "organizationMembership") });
    expect(fromMembership).toMatchObject({ known: false, profileSource: "membership_payload" });
    expect(fromMembership.profile?.name).toBe("Jane Doe");
    expect(fromMembership.inferred[0]).toMatch(/inferred from the membership's public user data/);

    const nothing = reconstructUserState({ userId: sequence.userId, userEvents: [] });
    expect(nothing.profile).toBeNull();
    expect(nothing.inferred).toEqual(["No event carries this user's profile."]);
  });
});

describe("memberships and sessions", () => {
  const all = stored(sequence.envelopes);
  const membership = all.filter((e) => e.event.resourceType === "organizationMembership");

  it("a membership's latest event gives its role and whether it is held", () => {
    const [created, updated, deleted] = membership;
    expect(summarizeMembership(updated!, { timestamp: created!.event.timestamp, type: created!.event.type })).toMatchObject({
      role: "org:admin",
      current: true,
      joinInferred: false,
      organizationName: "Acme Robotics",
    });
    expect(summarizeMembership(deleted!, { timestamp: created!.event.timestamp, type: created!.event.type })).toMatchObject({ current: false, leftAt: deleted!.event.timestamp });
    expect(summarizeMembership(updated!, { timestamp: updated!.event.timestamp, type: updated!.event.type }).joinInferred).toBe(true);
  });

  it("members over time: joined, role changed (before → after), left", () => {
    const changes = memberChanges([...membership].reverse());
    expect(changes.map((c) => [c.change, c.roleBefore, c.role])).toEqual([
      ["joined", null, "org:member"],
      ["role_changed", "org:member", "org:admin"],
      ["left", null, "org:admin"],
    ]);
  });

  it("a session is active until an event ends it or its expire_at passes (inferred)", () => {
    const created = all.find((e) => e.event.type === "session.created")!;
    const ended = all.find((e) => e.event.type === "session.ended")!;
    expect(summarizeSession(created, created.event.timestamp + 1000)).toMatchObject({ status: "active", active: true, statusInferred: false });
    expect(summarizeSession(ended, ended.event.timestamp)).toMatchObject({ status: "ended", active: false });
    expect(summarizeSession(created, created.event.timestamp + 8 * 86_400_000)).toMatchObject({ status: "expired", active: false, statusInferred: true });
    expect(summarizeSession(created, created.event.timestamp, { userDeleted: true })).toMatchObject({ status: "ended", statusInferred: true });
  });

  it("summaries read like sentences and never include message bodies", () => {
    expect(summarizeEvent("organizationMembership.created", membership[0]!.data)).toBe("Joined Acme Robotics as Member");
    expect(summarizeEvent("organizationMembership.deleted", membership[2]!.data)).toBe("Left Acme Robotics");
    expect(summarizeEvent("session.created", all[1]!.data)).toBe("Signed in · Firefox on Macintosh · Lisbon, PT");
    const email = { to_email_address: "jane@acme.example", slug: "verification_code", subject: "493817 is your code", body: "<b>493817</b>" };
    expect(summarizeEvent("email.created", email)).toBe("Email to jane@acme.example (verification_code)");
    expect(summarizeEvent("paymentAttempt.updated", { status: "failed", totals: { grand_total: { amount: 2000, amount_formatted: "$20.00", currency: "USD" } }, failed_reason: { code: "card_declined" } })).toBe(
      "Payment failed · $20.00 USD (card_declined)",
    );
    expect(summarizeEvent("somethingNew.happened", null)).toBe("somethingNew.happened");
  });
});
