import { describe, expect, it } from "vitest";

import {
  EVENT_CATALOG,
  eventTypeGroups,
  expandTypePatterns,
  extractResourceRefs,
  isKnownEventType,
  resourceTypeOf,
  typeMatchesPatterns,
  type ResourceRefs,
} from "./event-catalog";

// The 39 messages of the AsyncAPI spec in ../shared/seeds/001_…, in the seed's order.
const ASYNCAPI_TYPES = [
  "user.created", "user.updated", "user.deleted",
  "session.created", "session.ended", "session.removed", "session.revoked",
  "organization.created", "organization.updated", "organization.deleted",
  "organizationMembership.created", "organizationMembership.updated", "organizationMembership.deleted",
  "organizationInvitation.created", "organizationInvitation.accepted", "organizationInvitation.revoked",
  "role.created", "role.updated", "role.deleted",
  "permission.created", "permission.updated", "permission.deleted",
  "email.created", "sms.created",
  "subscription.created", "subscription.updated", "subscription.active", "subscription.pastDue",
  "subscriptionItem.updated", "subscriptionItem.active", "subscriptionItem.canceled", "subscriptionItem.upcoming",
  "subscriptionItem.ended", "subscriptionItem.abandoned", "subscriptionItem.incomplete", "subscriptionItem.pastDue",
  "subscriptionItem.freeTrialEnding",
  "paymentAttempt.created", "paymentAttempt.updated",
];

// Listed in seeds/003_… or CLERK-EVENTS.md but not in the AsyncAPI spec.
const OTHER_TYPES = [
  "organizationDomain.created", "organizationDomain.updated", "organizationDomain.deleted",
  "session.pending", "session.updated",
  "invitation.created", "invitation.accepted", "invitation.revoked",
  "waitlistEntry.created", "waitlistEntry.updated",
  "subscriptionItem.created", "subscriptionItem.expired",
];

const NO_REFS: ResourceRefs = {
  resourceType: null,
  resourceId: null,
  userId: null,
  organizationId: null,
  subscriptionId: null,
  payerId: null,
};

function refs(partial: Partial<ResourceRefs>): ResourceRefs {
  return { ...NO_REFS, ...partial };
}

const USER = "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const OTHER_USER = "user_2h8op3Isl1QR7tKu5FGNfaLKEoU";
const ORG = "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const SUB = "csub_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const ITEM = "csub_item_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const PAYER = "cpayer_2g7np7Hrk0SN6kj5EDMLDaKNL0S";

const userPayer = {
  object: "commerce_payer",
  id: PAYER,
  user_id: USER,
  first_name: "Test",
  last_name: "User",
  email: "test@example.com",
  organization_id: "",
  organization_name: "",
  image_url: "https://img.clerk.com/xxxxxx",
};
const orgPayer = { ...userPayer, user_id: "", first_name: "", last_name: "", organization_id: ORG, organization_name: "Acme" };

describe("EVENT_CATALOG", () => {
  it("holds the 39 AsyncAPI types plus the 12 from the skills catalog and CLERK-EVENTS.md, once each", () => {
    const types = EVENT_CATALOG.map((info) => info.type);
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual([...ASYNCAPI_TYPES, ...OTHER_TYPES].sort());
    expect(types).toHaveLength(51);
  });

  it("marks exactly the seed's AsyncAPI messages as inAsyncApi", () => {
    const inAsyncApi = EVENT_CATALOG.filter((info) => info.inAsyncApi).map((info) => info.type);
    expect(inAsyncApi).toEqual(ASYNCAPI_TYPES);
  });

  it("records how well sourced each type is", () => {
    const confidence = Object.fromEntries(EVENT_CATALOG.map((info) => [info.type, info.confidence]));
    expect(confidence["subscriptionItem.created"]).toBe("legacy");
    for (const type of ["session.pending", "session.updated", "invitation.created", "subscriptionItem.expired"]) {
      expect(confidence[type]).toBe("partial");
    }
    for (const type of ASYNCAPI_TYPES) expect(confidence[type]).toBe("confirmed");
    expect(confidence["organizationDomain.created"]).toBe("confirmed");
    expect(confidence["waitlistEntry.updated"]).toBe("confirmed");
  });

  it("gives every type a description and its camelCase resource", () => {
    for (const info of EVENT_CATALOG) {
      expect(info.description.length).toBeGreaterThan(10);
      expect(info.resourceType).toBe(info.type.split(".")[0]);
    }
  });
});

describe("isKnownEventType / resourceTypeOf", () => {
  it("knows catalog types only", () => {
    expect(isKnownEventType("organizationMembership.deleted")).toBe(true);
    expect(isKnownEventType("session.pending")).toBe(true);
    expect(isKnownEventType("subscription.canceled")).toBe(false);
    expect(isKnownEventType("user.Created")).toBe(false);
    expect(isKnownEventType("")).toBe(false);
    expect(isKnownEventType("constructor")).toBe(false);
  });

  it("takes the part before the last dot, also for types Clerk adds later", () => {
    expect(resourceTypeOf("subscriptionItem.freeTrialEnding")).toBe("subscriptionItem");
    expect(resourceTypeOf("foo.bar")).toBe("foo");
    expect(resourceTypeOf("a.b.c")).toBe("a.b");
    expect(resourceTypeOf("nodot")).toBe("nodot");
  });
});

describe("eventTypeGroups", () => {
  it("groups every catalog type under its resource, users first and payment attempts last", () => {
    const groups = eventTypeGroups();
    expect(groups.flatMap((group) => group.types).sort()).toEqual(EVENT_CATALOG.map((info) => info.type).sort());
    expect(new Set(groups.map((group) => group.resourceType)).size).toBe(groups.length);
    for (const group of groups) {
      for (const type of group.types) expect(type.startsWith(`${group.resourceType}.`)).toBe(true);
    }
    expect(groups[0]).toEqual({ resourceType: "user", types: ["user.created", "user.updated", "user.deleted"] });
    expect(groups.at(-1)?.resourceType).toBe("paymentAttempt");
    expect(groups.find((group) => group.resourceType === "subscriptionItem")?.types).toHaveLength(11);
  });

  it("returns a fresh copy each time", () => {
    eventTypeGroups()[0].types.push("user.mutated");
    expect(eventTypeGroups()[0].types).not.toContain("user.mutated");
  });
});

describe("expandTypePatterns / typeMatchesPatterns", () => {
  it("turns user.* into a prefix and keeps exact types, without blanks or duplicates", () => {
    expect(expandTypePatterns(["user.*", " session.created ", "", "user.*", "subscriptionItem.*"])).toEqual({
      exact: ["session.created"],
      prefixes: ["user.", "subscriptionItem."],
    });
    expect(expandTypePatterns(["*"])).toEqual({ exact: [], prefixes: [""] });
  });

  it("matches on the whole resource name, not a longer one", () => {
    expect(typeMatchesPatterns("subscription.active", ["subscription.*"])).toBe(true);
    expect(typeMatchesPatterns("subscriptionItem.active", ["subscription.*"])).toBe(false);
    expect(typeMatchesPatterns("session.ended", ["user.*", "session.ended"])).toBe(true);
    expect(typeMatchesPatterns("session.created", ["user.*", "session.ended"])).toBe(false);
    expect(typeMatchesPatterns("anything.at_all", [])).toBe(true);
  });
});

describe("extractResourceRefs", () => {
  const cases: { name: string; type: string; data: unknown; expected: ResourceRefs }[] = [
    {
      name: "user.created: the user is the resource",
      type: "user.created",
      data: { object: "user", id: USER, primary_email_address_id: "idn_1", email_addresses: [] },
      expected: refs({ resourceType: "user", resourceId: USER, userId: USER }),
    },
    {
      name: "user.deleted tombstone",
      type: "user.deleted",
      data: { object: "user", id: USER, deleted: true, external_id: "ex_1" },
      expected: refs({ resourceType: "user", resourceId: USER, userId: USER }),
    },
    {
      name: "session: user_id, and the selected org is not recorded as the event's org",
      type: "session.created",
      data: { object: "session", id: "sess_1", user_id: USER, client_id: "client_1", last_active_organization_id: ORG },
      expected: refs({ resourceType: "session", resourceId: "sess_1", userId: USER }),
    },
    {
      name: "session.pending",
      type: "session.pending",
      data: { object: "session", id: "sess_2", user_id: USER, status: "pending" },
      expected: refs({ resourceType: "session", resourceId: "sess_2", userId: USER }),
    },
    {
      name: "organization: created_by is the creator, not the subject",
      type: "organization.created",
      data: { object: "organization", id: ORG, created_by: OTHER_USER },
      expected: refs({ resourceType: "organization", resourceId: ORG, organizationId: ORG }),
    },
    {
      name: "organization.deleted tombstone",
      type: "organization.deleted",
      data: { object: "organization", id: ORG, slug: "acme", deleted: true },
      expected: refs({ resourceType: "organization", resourceId: ORG, organizationId: ORG }),
    },
    {
      name: "organizationDomain: organization_id",
      type: "organizationDomain.updated",
      data: { object: "organization_domain", id: "orgdmn_1", organization_id: ORG, name: "acme.com" },
      expected: refs({ resourceType: "organizationDomain", resourceId: "orgdmn_1", organizationId: ORG }),
    },
    {
      name: "organizationDomain.deleted tombstone has no org",
      type: "organizationDomain.deleted",
      data: { object: "organization_domain", id: "orgdm_1", deleted: true },
      expected: refs({ resourceType: "organizationDomain", resourceId: "orgdm_1" }),
    },
    {
      name: "organizationMembership: public_user_data.user_id and organization.id",
      type: "organizationMembership.created",
      data: {
        object: "organization_membership",
        id: "orgmem_1",
        organization: { object: "organization", id: ORG, created_by: OTHER_USER },
        public_user_data: { user_id: USER, identifier: "jane@acme.com" },
      },
      expected: refs({ resourceType: "organizationMembership", resourceId: "orgmem_1", userId: USER, organizationId: ORG }),
    },
    {
      name: "organizationMembership.deleted carries the full membership",
      type: "organizationMembership.deleted",
      data: {
        object: "organization_membership",
        id: "orgmem_1",
        organization: { id: ORG },
        public_user_data: { user_id: USER },
      },
      expected: refs({ resourceType: "organizationMembership", resourceId: "orgmem_1", userId: USER, organizationId: ORG }),
    },
    {
      name: "organizationInvitation.created: no user yet",
      type: "organizationInvitation.created",
      data: { object: "organization_invitation", id: "orginv_1", organization_id: ORG, inviter_id: OTHER_USER },
      expected: refs({ resourceType: "organizationInvitation", resourceId: "orginv_1", organizationId: ORG }),
    },
    {
      name: "organizationInvitation.accepted adds user_id",
      type: "organizationInvitation.accepted",
      data: { object: "organization_invitation", id: "orginv_1", organization_id: ORG, user_id: USER, status: "accepted" },
      expected: refs({ resourceType: "organizationInvitation", resourceId: "orginv_1", userId: USER, organizationId: ORG }),
    },
    {
      name: "role",
      type: "role.updated",
      data: { object: "role", id: "role_1", permissions: [{ id: "perm_1" }] },
      expected: refs({ resourceType: "role", resourceId: "role_1" }),
    },
    {
      name: "role.deleted tombstone with slug: null",
      type: "role.deleted",
      data: { object: "role", id: "role_1", slug: null, deleted: true },
      expected: refs({ resourceType: "role", resourceId: "role_1" }),
    },
    {
      name: "permission.deleted tombstone",
      type: "permission.deleted",
      data: { object: "permission", id: "perm_1", deleted: true },
      expected: refs({ resourceType: "permission", resourceId: "perm_1" }),
    },
    {
      name: "email: user_id",
      type: "email.created",
      data: { object: "email", id: "ema_1", user_id: USER, email_address_id: "idn_1", data: { otp_code: "123456" } },
      expected: refs({ resourceType: "email", resourceId: "ema_1", userId: USER }),
    },
    {
      name: "email before sign-up: user_id null",
      type: "email.created",
      data: { object: "email", id: "ema_2", user_id: null },
      expected: refs({ resourceType: "email", resourceId: "ema_2" }),
    },
    {
      name: "sms: user_id",
      type: "sms.created",
      data: { object: "sms_message", id: "sms_1", user_id: USER, phone_number_id: "idn_2" },
      expected: refs({ resourceType: "sms", resourceId: "sms_1", userId: USER }),
    },
    {
      name: "waitlistEntry: identified by email only",
      type: "waitlistEntry.updated",
      data: { object: "waitlist_entry", id: "wle_1", email_address: "a@b.co", invitation: { id: "inv_1" } },
      expected: refs({ resourceType: "waitlistEntry", resourceId: "wle_1" }),
    },
    {
      name: "invitation",
      type: "invitation.accepted",
      data: { object: "invitation", id: "inv_1", email_address: "a@b.co" },
      expected: refs({ resourceType: "invitation", resourceId: "inv_1" }),
    },
    {
      name: "subscription with a user payer: payer_id is the payer record, the user is payer.user_id",
      type: "subscription.created",
      data: { object: "commerce_subscription", id: SUB, payer_id: PAYER, payer: userPayer, items: [{ id: ITEM }] },
      expected: refs({ resourceType: "subscription", resourceId: SUB, userId: USER, subscriptionId: SUB, payerId: PAYER }),
    },
    {
      name: "subscription with an org payer: empty user_id is no user",
      type: "subscription.pastDue",
      data: { object: "commerce_subscription", id: SUB, payer_id: PAYER, payer: orgPayer },
      expected: refs({ resourceType: "subscription", resourceId: SUB, organizationId: ORG, subscriptionId: SUB, payerId: PAYER }),
    },
    {
      name: "subscriptionItem: subscription_id, payer id from the embedded payer",
      type: "subscriptionItem.active",
      data: { object: "commerce_subscription_item", id: ITEM, subscription_id: SUB, payer: userPayer },
      expected: refs({
        resourceType: "subscriptionItem",
        resourceId: ITEM,
        userId: USER,
        subscriptionId: SUB,
        payerId: PAYER,
      }),
    },
    {
      name: "subscriptionItem for an org payer, without a subscription id",
      type: "subscriptionItem.freeTrialEnding",
      data: { object: "subscription_item", id: ITEM, subscription_id: null, payer: orgPayer },
      expected: refs({ resourceType: "subscriptionItem", resourceId: ITEM, organizationId: ORG, payerId: PAYER }),
    },
    {
      name: "subscriptionItem: payer_id wins over payer.id",
      type: "subscriptionItem.updated",
      data: { id: ITEM, payer_id: "cpayer_explicit", payer: userPayer },
      expected: refs({
        resourceType: "subscriptionItem",
        resourceId: ITEM,
        userId: USER,
        payerId: "cpayer_explicit",
      }),
    },
    {
      name: "paymentAttempt as in Clerk's example: no subscription id anywhere",
      type: "paymentAttempt.created",
      data: { id: "pa_1", payment_id: "cpa_1", payer: userPayer, subscription_items: [{ id: ITEM, status: "active" }] },
      expected: refs({ resourceType: "paymentAttempt", resourceId: "pa_1", userId: USER, payerId: PAYER }),
    },
    {
      name: "paymentAttempt whose items name their subscription",
      type: "paymentAttempt.updated",
      data: {
        id: "pa_1",
        payer: orgPayer,
        subscription_items: [{ id: "csub_item_a", subscription_id: 7 }, { id: ITEM, subscription_id: SUB }],
      },
      expected: refs({
        resourceType: "paymentAttempt",
        resourceId: "pa_1",
        organizationId: ORG,
        subscriptionId: SUB,
        payerId: PAYER,
      }),
    },
    {
      name: "a new type on a known resource follows that resource's rules",
      type: "user.banned",
      data: { object: "user", id: USER },
      expected: refs({ resourceType: "user", resourceId: USER, userId: USER }),
    },
    {
      name: "a type on an unknown resource: the conventional field names",
      type: "agentTask.created",
      data: { id: "task_1", user_id: USER, organization_id: ORG },
      expected: refs({ resourceType: "agentTask", resourceId: "task_1", userId: USER, organizationId: ORG }),
    },
  ];

  for (const { name, type, data, expected } of cases) {
    it(name, () => {
      expect(extractResourceRefs(type, data)).toEqual(expected);
    });
  }

  it("ignores ids that are not non-empty strings", () => {
    expect(
      extractResourceRefs("organizationMembership.created", {
        id: 42,
        organization: { id: ["org_1"] },
        public_user_data: { user_id: { id: USER } },
      }),
    ).toEqual(refs({ resourceType: "organizationMembership" }));
    expect(extractResourceRefs("subscription.created", { id: "", payer_id: null, payer: { id: 5, user_id: true } })).toEqual(
      refs({ resourceType: "subscription" }),
    );
  });

  it("returns nulls for payloads that are not objects", () => {
    for (const data of [null, undefined, "user_1", 42, true, [], [{ id: USER }]]) {
      expect(extractResourceRefs("user.created", data)).toEqual(refs({ resourceType: "user" }));
    }
  });

  it("never throws and only ever returns strings or nulls, whatever arrives", () => {
    const weird: unknown[] = [
      null,
      0,
      "",
      [],
      {},
      { id: null },
      { payer: "cpayer_1" },
      { payer: [] },
      { payer: null, subscription_items: "nope" },
      { subscription_items: [null, 1, "x", { subscription_id: null }] },
      { organization: null, public_user_data: 0 },
      { public_user_data: [] },
      Object.create(null),
      { id: "x", toString: 7, __proto__: { user_id: USER } },
      { deleted: true, object: "user" },
    ];
    const types = [...EVENT_CATALOG.map((info) => info.type), "", "nodot", "a.b.c", "constructor.x", "__proto__.y"];
    for (const type of types) {
      for (const data of weird) {
        const result = extractResourceRefs(type, data);
        for (const value of Object.values(result)) expect(value === null || typeof value === "string").toBe(true);
      }
    }
    expect(extractResourceRefs(null as unknown as string, { id: USER })).toMatchObject({ resourceType: null });
    expect(extractResourceRefs(undefined as unknown as string, undefined)).toEqual(NO_REFS);
  });
});
