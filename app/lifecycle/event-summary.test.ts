// One line per catalog type, as the event list's Summary column and the timelines show
// it (issue 13, A). Each type is summarised from the CLI's realistic sample payload
// (app/catalog/samples.ts), so the line a person reads is checked for every type Clerk
// sends, and a new catalog type without a summary fails here.
import { describe, expect, it } from "vitest";

import { eventTypeGroups } from "~/catalog/event-catalog";
import { createSampleContext, sampleEnvelope } from "~/catalog/samples";
import { summarizeEvent } from "./event-summary";

const EXPECTED: Record<string, string> = {
  "user.created": "Signed up: Jane Mensah · jane.mensah68@example.com",
  "user.updated": "Profile updated: Jane Mensah · jane.mensah68@example.com",
  "user.deleted": "Account deleted",
  "session.created": "Signed in · Chrome on Macintosh · Nairobi, KE",
  "session.pending": "Session pending (waiting on a task) · Chrome on Macintosh · Nairobi, KE",
  "session.updated": "Session updated",
  "session.ended": "Signed out (session ended)",
  "session.removed": "Session removed",
  "session.revoked": "Session revoked",
  "organization.created": "Organization created: Acme Robotics",
  "organization.updated": "Organization updated: Acme Robotics",
  "organization.deleted": "Organization deleted",
  "organizationDomain.created": "Domain acme-robotics.example added",
  "organizationDomain.updated": "Domain acme-robotics.example updated (verification verified)",
  "organizationDomain.deleted": "Domain removed",
  "organizationMembership.created": "Joined Acme Robotics as Member",
  "organizationMembership.updated": "Membership in Acme Robotics updated: role Member",
  "organizationMembership.deleted": "Left Acme Robotics",
  "organizationInvitation.created": "Invited jane.mensah68@example.com as Member",
  "organizationInvitation.accepted": "jane.mensah68@example.com accepted the invitation",
  "organizationInvitation.revoked": "Invitation for jane.mensah68@example.com revoked",
  "role.created": "Role Billing manager (org:billing_manager) created",
  "role.updated": "Role Billing manager (org:billing_manager) updated",
  "role.deleted": "Role deleted",
  "permission.created": "Permission Read invoices (org:invoices:read) created",
  "permission.updated": "Permission Read invoices (org:invoices:read) updated",
  "permission.deleted": "Permission deleted",
  "email.created": "Email to jane.mensah68@example.com (verification_code)",
  "sms.created": "SMS to +12065550187 (verification_code)",
  "invitation.created": "Invited jane.mensah68@example.com to sign up",
  "invitation.accepted": "jane.mensah68@example.com accepted the sign-up invitation",
  "invitation.revoked": "Sign-up invitation for jane.mensah68@example.com revoked",
  "waitlistEntry.created": "jane.mensah68@example.com joined the waitlist",
  "waitlistEntry.updated": "Waitlist entry for jane.mensah68@example.com: invited",
  "subscription.created": "Subscription created (active)",
  "subscription.updated": "Subscription updated (active)",
  "subscription.active": "Subscription active",
  "subscription.pastDue": "Subscription past due",
  "subscriptionItem.created": "Pro: active",
  "subscriptionItem.updated": "Pro: active",
  "subscriptionItem.active": "Pro: active",
  "subscriptionItem.canceled": "Pro: canceled",
  "subscriptionItem.upcoming": "Pro: upcoming",
  "subscriptionItem.ended": "Pro: ended",
  "subscriptionItem.abandoned": "Pro: abandoned",
  "subscriptionItem.incomplete": "Pro: incomplete",
  "subscriptionItem.pastDue": "Pro: past due",
  "subscriptionItem.freeTrialEnding": "Pro: free trial ending (2026-02-14)",
  "subscriptionItem.expired": "Pro: expired",
  "paymentAttempt.created": "Payment pending · $20.00 USD",
  "paymentAttempt.updated": "Payment paid · $20.00 USD",
};

const catalogTypes = eventTypeGroups().flatMap((group) => group.types);

describe("summarizeEvent", () => {
  it("has an expectation for every catalog type", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...catalogTypes].sort());
  });

  // A fresh context per type: each sample is the same whatever order the tests run in.
  it.each(catalogTypes)("%s", (type) => {
    const envelope = sampleEnvelope(type, createSampleContext({ seed: 7, now: Date.UTC(2026, 0, 15) }));
    const summary = summarizeEvent(type, envelope.data as Record<string, unknown>);
    expect(summary).not.toBe(type);
    expect(summary).toBe(EXPECTED[type]);
  });

  it("says why a payment failed", () => {
    const data = { status: "failed", totals: { grand_total: { amount: 2000, amount_formatted: "20.00", currency: "USD", currency_symbol: "$" } }, failed_reason: { code: "card_declined", decline_code: "insufficient_funds" } };
    expect(summarizeEvent("paymentAttempt.updated", data)).toBe("Payment failed · 20.00 USD (card_declined / insufficient_funds)");
  });

  it("falls back to the type for a type it does not know, and copes with a deleted stub", () => {
    expect(summarizeEvent("billing.somethingNew", { id: "x" })).toBe("billing.somethingNew");
    expect(summarizeEvent("user.deleted", { id: "user_1", object: "user", deleted: true })).toBe("Account deleted");
    expect(summarizeEvent("role.updated", null)).toBe("Role updated");
  });
});
