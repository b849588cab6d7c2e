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
    expect(await resolveSearch(database, "two words")).toMatchObject({ interpretedAs: "name", matches: [], eventsHref: "/events?q=two%20words" });
    expect((await resolveSearch(database, "   ")).interpretedAs).toBe("empty");
  });

  describe("by name and username", () => {
    const t = Date.UTC(2026, 10, 20, 9);
    const user = (id: string, first: string, last: string, extra: Record<string, unknown> = {}) => ({
      object: "event",
      type: "user.created",
      timestamp: t,
      instance_id: "ins_x",
      data: {
        id,
        object: "user",
        first_name: first,
        last_name: last,
        created_at: t,
        email_addresses: [{ id: `idn_${id}`, email_address: `${id}@example.org` }],
        primary_email_address_id: `idn_${id}`,
        ...extra,
      },
    });

    beforeAll(async () => {
      const deps: IngestDependencies = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
      await ingestSigned(deps, SECRET, user("user_marta_k", "Marta", "Kowalska", { username: "mkowal_88", public_metadata: { plan: "quokka" } }));
      await ingestSigned(deps, SECRET, user("user_marta_n", "Marta", "Nowak", { primary_email_address_id: null }));
      await ingestSigned(deps, SECRET, { object: "event", type: "user.deleted", timestamp: t + 1000, instance_id: "ins_x", data: { id: "user_marta_n", object: "user", deleted: true } });
      await ingestSigned(deps, SECRET, { object: "event", type: "session.created", timestamp: t + 2000, instance_id: "ins_x", data: { id: "sess_marta_k", object: "session", user_id: "user_marta_k" } });
      // Words that appear only in a masked email body, or in the email's recipient's other fields.
      await ingestSigned(deps, SECRET, {
        object: "event",
        type: "email.created",
        timestamp: t + 3000,
        instance_id: "ins_x",
        data: { id: "ema_marta", object: "email", user_id: "user_marta_k", to_email_address: "user_marta_k@example.org", body: "Hello Zyxwvut, your code is 482913", subject: "Zyxwvut code", slug: "verification_code" },
      });
      while ((await indexPendingEvents(database, 500)) > 0);
    });

    it("lists every user with a first name, with who they are", async () => {
      const found = await resolveSearch(database, "marta");
      expect(found.interpretedAs).toBe("name");
      expect(found.redirect).toBeNull();
      const byId = Object.fromEntries(found.matches.map((m) => [m.id, m]));
      expect(Object.keys(byId).sort()).toEqual(["user_marta_k", "user_marta_n"]);
      expect(byId.user_marta_k).toMatchObject({
        kind: "user",
        label: "Marta Kowalska",
        href: "/users/user_marta_k",
        user: { name: "Marta Kowalska", username: "mkowal_88", primaryEmail: "user_marta_k@example.org", primaryEmailInferred: false, signedUpAt: t, deleted: false, eventCount: 3 },
      });
      // No primary_email_address_id: the first address, marked as inferred.
      expect(byId.user_marta_n!.user).toMatchObject({ name: "Marta Nowak", primaryEmail: "user_marta_n@example.org", primaryEmailInferred: true, deleted: true, eventCount: 2 });
    });

    it("goes straight to the one user with a full name, a last name, a name prefix or a username", async () => {
      for (const q of ["Marta Kowalska", "kowalska marta", "KOWALSKA", "kowal", "mkowal_88", "mkowal"]) {
        expect(await go(q), q).toBe("/users/user_marta_k");
      }
      expect(await go("Nowak")).toBe("/users/user_marta_n");
    });

    it("never matches on other payload words, nor on masked values", async () => {
      for (const q of ["quokka", "Zyxwvut", "482913", "verification"]) {
        const found = await resolveSearch(database, q);
        expect(found.matches, q).toEqual([]);
      }
    });

    it("puts the same user card on id and email matches", async () => {
      const shared = await resolveSearch(database, "shared.inbox@example.com");
      expect(shared.matches.every((m) => m.user && m.user.primaryEmail === "shared.inbox@example.com" && m.user.eventCount === 1)).toBe(true);
    });
  });
});
