import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { newSecret } from "../../tests/support/svix";
import { buildSampleStory } from "~/catalog/samples";
import { indexPendingEvents } from "~/events/search.server";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { resolveSearch } from "./id-search.server";

const SECRET = newSecret();
const story = buildSampleStory({ seed: 5, now: Date.UTC(2026, 10, 23, 12) });
const find = (type: string) => story.find((e) => e.type === type)!;
const data = (type: string) => find(type).data as Record<string, any>;

describe.each(PROVIDERS)("header search (%s)", (provider) => {
  let database: TestDatabase;
  const userId = data("user.created").id as string;
  const orgId = data("organization.created").id as string;
  const subscriptionId = data("subscription.created").id as string;
  const payerId = data("subscription.created").payer_id as string;
  const svixId = "msg_search_test_0001";

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    const deps: IngestDependencies = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    for (const [index, envelope] of story.entries()) await ingestSigned(deps, SECRET, envelope, index === 0 ? { msgId: svixId } : {});
    // A second user who shares an address with nobody, and one who shares Jane's work domain address.
    const shared = "shared.inbox@example.com";
    for (const id of ["user_shared_a", "user_shared_b"]) {
      await ingestSigned(deps, SECRET, { object: "event", type: "user.created", timestamp: Date.now(), instance_id: "ins_x", data: { id, object: "user", email_addresses: [{ id: `idn_${id}`, email_address: shared }], primary_email_address_id: `idn_${id}` } });
    }
    while ((await indexPendingEvents(database, 500)) > 0);
  });
  afterAll(() => database?.drop());

  const go = async (q: string) => (await resolveSearch(database, q)).redirect;

  it("goes straight to the page of a user, organization, subscription or payer id", async () => {
    expect(await go(userId)).toBe(`/users/${userId}`);
    expect(await go(orgId)).toBe(`/organizations/${orgId}`);
    expect(await go(subscriptionId)).toBe(`/billing/subscriptions/${subscriptionId}`);
    expect(await go(payerId)).toBe(`/billing/payers/${payerId}`);
  });

  it("sends sessions, memberships, emails to the user; invitations and domains to the organization", async () => {
    expect(await go(data("session.created").id)).toBe(`/users/${userId}`);
    expect(await go(data("organizationMembership.created").id)).toBe(`/users/${userId}`);
    expect(await go(data("email.created").id)).toBe(`/users/${userId}`);
    expect(await go(data("organizationInvitation.accepted").id)).toBe(`/organizations/${orgId}`);
    expect(await go(data("organizationDomain.created").id)).toBe(`/organizations/${orgId}`);
  });

  it("sends subscription items and payment attempts to their subscription", async () => {
    expect(await go(data("subscriptionItem.active").id)).toBe(`/billing/subscriptions/${subscriptionId}`);
    const attempt = data("paymentAttempt.created");
    expect(await go(attempt.id)).toBe(`/billing/subscriptions/${subscriptionId}`);
    expect(await go(attempt.payment_id)).toBe(`/billing/subscriptions/${subscriptionId}`);
  });

  it("opens the event for a svix-id", async () => {
    expect(await go(svixId)).toMatch(/^\/events\/[0-9A-Z]{26}$/);
  });

  it("finds the user by email address, and lists the users when several share it", async () => {
    const personal = data("user.created").email_addresses[0].email_address as string;
    expect(await go(personal)).toBe(`/users/${userId}`);
    const shared = await resolveSearch(database, "shared.inbox@example.com");
    expect(shared.redirect).toBeNull();
    expect(shared.matches.map((m) => m.id).sort()).toEqual(["user_shared_a", "user_shared_b"]);
    expect(shared.interpretedAs).toBe("email");
  });

  it("says plainly when nothing matches", async () => {
    const none = await resolveSearch(database, "user_doesnotexist");
    expect(none).toMatchObject({ redirect: null, matches: [], eventsHref: "/events?resource=user_doesnotexist" });
    expect((await resolveSearch(database, "two words")).interpretedAs).toBe("text");
    expect((await resolveSearch(database, "   ")).interpretedAs).toBe("empty");
  });
});
