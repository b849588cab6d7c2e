import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";

import schemaDocument from "./asyncapi-schemas.json";
import { EVENT_CATALOG, extractResourceRefs, resourceTypeOf } from "./event-catalog";
import { buildSampleStory, buildSamples, createSampleContext, sampleEnvelope, type ClerkEnvelope } from "./samples";

const NOW = Date.UTC(2025, 2, 14, 12, 0, 0);
const ALL_TYPES = EVENT_CATALOG.map((info) => info.type);
const NON_SEED_TYPES = new Set([
  ...EVENT_CATALOG.filter((info) => !info.inAsyncApi).map((info) => info.type),
  // In the AsyncAPI message list, but their payload schema falls after the seed's 32 KB cut.
  "paymentAttempt.created",
  "paymentAttempt.updated",
]);

type Json = Record<string, unknown>;
const eventTypes = schemaDocument["x-event-types"] as Record<string, string>;
const defs = schemaDocument.$defs as Record<string, Json>;

function createValidators(): { validatorFor(type: string): ValidateFunction } {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: "x-hookline-source", schemaType: "string" });
  ajv.addKeyword({ keyword: "x-event-types", schemaType: "object" });
  ajv.addSchema(schemaDocument);
  return {
    validatorFor(type) {
      const validate = ajv.getSchema(`${schemaDocument.$id}${eventTypes[type]}`);
      if (!validate) throw new Error(`No schema for ${type}`);
      return validate;
    },
  };
}

const { validatorFor } = createValidators();

function schemaErrors(envelope: ClerkEnvelope): string[] {
  const { type } = envelope;
  const validate = validatorFor(type);
  if (validate(envelope)) return [];
  return (validate.errors ?? []).map((error) => `${type} ${error.instancePath} ${error.message}`);
}

const data = (envelope: ClerkEnvelope) => envelope.data as Json & { id: string };
const story = buildSampleStory({ seed: 7, now: NOW });
const ofType = (envelopes: ClerkEnvelope[], type: string) => envelopes.filter((envelope) => envelope.type === type);

describe("asyncapi-schemas.json", () => {
  it("maps every catalog type, and only those, to an envelope schema", () => {
    expect(Object.keys(eventTypes).sort()).toEqual([...ALL_TYPES].sort());
    for (const ref of Object.values(eventTypes)) expect(defs[ref.replace("#/$defs/", "")]).toBeDefined();
  });

  it("marks what is not in the seed as modelled, and nothing else", () => {
    for (const type of ALL_TYPES) {
      const envelope = defs[eventTypes[type].replace("#/$defs/", "")];
      expect(envelope["x-hookline-source"], type).toBe(
        NON_SEED_TYPES.has(type) ? "modelled on CLERK-EVENTS.md, not in the seed" : undefined,
      );
    }
    for (const name of ["UserData", "DeletedObject", "SessionData", "SubscriptionItemData", "Envelope"]) {
      expect(defs[name]["x-hookline-source"]).toBeUndefined();
    }
    for (const name of ["PaymentAttemptData", "OrganizationDomainData", "InvitationData", "WaitlistEntryData"]) {
      expect(defs[name]["x-hookline-source"]).toBeDefined();
    }
  });

  it("keeps deleted events as tombstones, except a membership which arrives whole", () => {
    const dataRef = (type: string) =>
      (defs[eventTypes[type].replace("#/$defs/", "")].properties as Record<string, Json>).data.$ref;
    for (const type of ["user.deleted", "organization.deleted", "role.deleted", "permission.deleted", "organizationDomain.deleted"]) {
      expect(dataRef(type)).toBe("#/$defs/DeletedObject");
    }
    expect(dataRef("organizationMembership.deleted")).toBe("#/$defs/OrganizationMembershipData");
  });

  it("rejects what the seed rejects (so the sample checks below can fail)", () => {
    const [userCreated] = buildSamples("user.created", { seed: 3, now: NOW });
    expect(schemaErrors(userCreated)).toEqual([]);
    // The seed's Envelope forbids extra keys, even Clerk's own optional event_attributes.
    expect(schemaErrors({ ...userCreated, event_attributes: {} } as ClerkEnvelope)).not.toEqual([]);
    expect(schemaErrors({ ...userCreated, object: "evt" } as unknown as ClerkEnvelope)).not.toEqual([]);
    expect(schemaErrors({ ...userCreated, timestamp: 1.5 })).not.toEqual([]);
    expect(schemaErrors({ ...userCreated, data: { ...userCreated.data, object: "users" } })).not.toEqual([]);
    expect(schemaErrors({ ...userCreated, type: "user.deleted" })).not.toEqual([]);

    const [item] = buildSamples("subscriptionItem.active", { seed: 3, now: NOW });
    // Clerk's OpenAPI examples say "subscription_item"; the seed insists on commerce_subscription_item.
    expect(schemaErrors({ ...item, data: { ...item.data, object: "subscription_item" } })).not.toEqual([]);

    const [attempt] = buildSamples("paymentAttempt.updated", { seed: 3, now: NOW });
    expect(schemaErrors(attempt)).toEqual([]);
    expect(schemaErrors({ ...attempt, data: { ...attempt.data, status: "refunded" } })).not.toEqual([]);

    const [roleDeleted] = buildSamples("role.deleted", { seed: 3, now: NOW });
    expect(schemaErrors({ ...roleDeleted, data: { ...roleDeleted.data, deleted: false } })).not.toEqual([]);
  });
});

describe("samples validate against the schema of their type", () => {
  it("every event of two interleaved 'all' stories", () => {
    const samples = buildSamples("all", { count: 2, seed: 11, now: NOW });
    expect(samples.length).toBe(2 * story.length);
    expect(samples.flatMap(schemaErrors)).toEqual([]);
  });

  it.each(ALL_TYPES)("%s on its own, three times with fresh ids", (type) => {
    const samples = buildSamples(type, { count: 3, seed: 5, now: NOW });
    expect(samples).toHaveLength(3);
    expect(samples.flatMap(schemaErrors)).toEqual([]);
    expect(samples.every((sample) => sample.type === type)).toBe(true);
    expect(new Set(samples.map((sample) => data(sample).id)).size).toBe(3);
    expect(samples.map((sample) => sample.timestamp)).toEqual([NOW - 10_000, NOW - 5_000, NOW]);
  });

  it("envelopes carry exactly the five envelope keys", () => {
    for (const envelope of story) {
      expect(Object.keys(envelope).sort()).toEqual(["data", "instance_id", "object", "timestamp", "type"]);
      expect(envelope.object).toBe("event");
      expect(envelope.instance_id).toMatch(/^ins_[0-9A-Za-z]{27}$/);
    }
  });
});

describe("the story", () => {
  it("covers every catalog type", () => {
    expect(new Set(story.map((envelope) => envelope.type))).toEqual(new Set(ALL_TYPES));
  });

  it("moves forward in time, ending at `now`", () => {
    for (let i = 1; i < story.length; i++) expect(story[i].timestamp).toBeGreaterThan(story[i - 1].timestamp);
    expect(story.at(-1)?.timestamp).toBe(NOW);
    expect(NOW - story[0].timestamp).toBeGreaterThan(30 * 24 * 3600_000);
  });

  it("is about one user, one organization and one subscription", () => {
    const userId = data(ofType(story, "user.created")[0]).id;
    const organizationId = data(ofType(story, "organization.created")[0]).id;
    const subscriptionId = data(ofType(story, "subscription.created")[0]).id;
    const payerId = data(ofType(story, "subscription.created")[0]).payer_id;
    expect(userId).toMatch(/^user_/);
    expect(payerId).toMatch(/^cpayer_/);

    const userResources = new Set(["user", "session", "organizationMembership", "email", "sms", "subscription", "subscriptionItem", "paymentAttempt"]);
    const orgResources = new Set(["organization", "organizationDomain", "organizationMembership", "organizationInvitation"]);
    const billing = new Set(["subscription", "subscriptionItem", "paymentAttempt"]);
    for (const envelope of story) {
      const found = extractResourceRefs(envelope.type, envelope.data);
      const resource = resourceTypeOf(envelope.type);
      expect(found.resourceId, envelope.type).toBe(data(envelope).id);
      if (userResources.has(resource)) expect(found.userId, envelope.type).toBe(userId);
      if (envelope.type === "organizationInvitation.accepted") expect(found.userId).toBe(userId);
      // A tombstone for a domain no longer says which organization it belonged to.
      if (orgResources.has(resource) && envelope.type !== "organizationDomain.deleted") {
        expect(found.organizationId, envelope.type).toBe(organizationId);
      }
      if (billing.has(resource)) {
        expect(found.subscriptionId, envelope.type).toBe(subscriptionId);
        expect(found.payerId, envelope.type).toBe(payerId);
        expect(found.organizationId, envelope.type).toBeNull();
      } else {
        expect(found.subscriptionId, envelope.type).toBeNull();
        expect(found.payerId, envelope.type).toBeNull();
      }
    }
  });

  it("pins the main user id when asked", () => {
    const pinned = buildSampleStory({ seed: 7, now: NOW, userId: "user_pinned" });
    const userIds = new Set(pinned.map((envelope) => extractResourceRefs(envelope.type, envelope.data).userId));
    userIds.delete(null);
    expect(userIds).toEqual(new Set(["user_pinned"]));
  });

  it("runs billing in the documented order: trial, failed renewal, past due, recovery, cancel, end", () => {
    type Matcher = [string, ((envelope: ClerkEnvelope) => boolean)?];
    const expected: Matcher[] = [
      ["subscription.created"],
      ["subscriptionItem.active"],
      ["paymentAttempt.created", (envelope) => data(envelope).status === "pending"],
      ["paymentAttempt.updated", (envelope) => data(envelope).status === "failed"],
      ["subscription.pastDue", (envelope) => data(envelope).status === "past_due"],
      ["paymentAttempt.updated", (envelope) => data(envelope).status === "paid"],
      ["subscription.active", (envelope) => data(envelope).status === "active"],
      ["subscriptionItem.canceled", (envelope) => data(envelope).status === "canceled"],
      ["subscriptionItem.ended", (envelope) => data(envelope).status === "ended"],
    ];
    let position = 0;
    for (const envelope of story) {
      const [type, check] = expected[position] ?? [];
      if (envelope.type === type && (!check || check(envelope))) position++;
    }
    expect(position).toBe(expected.length);

    const failed = ofType(story, "paymentAttempt.updated").find((envelope) => data(envelope).status === "failed");
    expect(failed && data(failed).failed_reason).toEqual({ code: "card_declined", decline_code: "insufficient_funds" });
    const canceled = ofType(story, "subscriptionItem.canceled")[0];
    const ended = ofType(story, "subscriptionItem.ended")[0];
    expect(data(ended).id).toBe(data(canceled).id);
    expect(ended.timestamp).toBe(data(ended).period_end);
  });

  it("changes the primary email in user.updated, after a code was sent to the new address", () => {
    const created = data(ofType(story, "user.created")[0]);
    const updated = data(ofType(story, "user.updated")[0]);
    expect(updated.primary_email_address_id).not.toBe(created.primary_email_address_id);
    const addresses = updated.email_addresses as { id: string; email_address: string; verification: { status: string } }[];
    const primary = addresses.find((address) => address.id === updated.primary_email_address_id);
    expect(primary?.verification.status).toBe("verified");

    const emails = ofType(story, "email.created");
    const verification = emails.find((envelope) => data(envelope).email_address_id === primary?.id);
    expect(verification && data(verification).to_email_address).toBe(primary?.email_address);
    expect(verification!.timestamp).toBeLessThan(ofType(story, "user.updated")[0].timestamp);
  });

  it("delivers deletions as tombstones, but a membership whole", () => {
    const userDeleted = data(ofType(story, "user.deleted")[0]);
    expect(userDeleted).toEqual({ object: "user", id: data(ofType(story, "user.created")[0]).id, deleted: true });
    const membershipDeleted = data(ofType(story, "organizationMembership.deleted")[0]);
    expect(membershipDeleted.deleted).toBeUndefined();
    expect(membershipDeleted).toMatchObject({ object: "organization_membership", organization: { object: "organization" } });
  });

  it("gives email and SMS samples a 6-digit code to redact", () => {
    for (const type of ["email.created", "sms.created"]) {
      for (const envelope of [...ofType(story, type), ...buildSamples(type, { seed: 9, now: NOW })]) {
        const message = data(envelope);
        expect(message.slug).toBe("verification_code");
        const code = (message.data as { otp_code: string }).otp_code;
        expect(code).toMatch(/^\d{6}$/);
        expect(String(message.body ?? message.message)).toContain(code);
      }
    }
    const email = data(ofType(story, "email.created")[0]);
    expect(email.body).toMatch(/^<!DOCTYPE html[\s\S]*<\/html>$/);
  });

  it("uses Clerk's id prefixes with 27 base62 characters", () => {
    const prefixes: Record<string, string> = {
      user: "user_",
      session: "sess_",
      organization: "org_",
      organizationDomain: "orgdmn_",
      organizationMembership: "orgmem_",
      organizationInvitation: "orginv_",
      role: "role_",
      permission: "perm_",
      email: "ema_",
      sms: "sms_",
      invitation: "inv_",
      waitlistEntry: "wle_",
      subscription: "csub_",
      subscriptionItem: "csub_item_",
      paymentAttempt: "pa_",
    };
    for (const envelope of story) {
      const prefix = prefixes[resourceTypeOf(envelope.type)];
      expect(data(envelope).id).toMatch(new RegExp(`^${prefix}[0-9A-Za-z]{27}$`));
    }
    const attempt = data(ofType(story, "paymentAttempt.created")[0]);
    expect(attempt.payment_id).toMatch(/^cpa_[0-9A-Za-z]{27}$/);
    expect((attempt.payer as Json).id).toMatch(/^cpayer_[0-9A-Za-z]{27}$/);
    const item = data(ofType(story, "subscriptionItem.active")[0]);
    expect(item.plan_id).toMatch(/^cplan_[0-9A-Za-z]{27}$/);
    const user = data(ofType(story, "user.created")[0]);
    expect(user.primary_email_address_id).toMatch(/^idn_[0-9A-Za-z]{27}$/);
  });
});

describe("buildSamples", () => {
  it("is deterministic for a seed and `now`, and different for another seed", () => {
    expect(buildSamples("all", { seed: 21, now: NOW })).toEqual(buildSamples("all", { seed: 21, now: NOW }));
    expect(buildSamples("user.created", { seed: 21, now: NOW, count: 4 })).toEqual(
      buildSamples("user.created", { seed: 21, now: NOW, count: 4 }),
    );
    const userOf = (seed: number) => data(buildSamples("user.created", { seed, now: NOW })[0]).id;
    expect(userOf(21)).not.toBe(userOf(22));
  });

  it("repeats the story with fresh ids for count > 1, interleaved in time", () => {
    const samples = buildSamples("all", { seed: 4, now: NOW, count: 3 });
    expect(samples).toHaveLength(3 * story.length);
    for (let i = 1; i < samples.length; i++) expect(samples[i].timestamp).toBeGreaterThanOrEqual(samples[i - 1].timestamp);
    expect(samples.at(-1)!.timestamp).toBeLessThanOrEqual(NOW);
    const users = ofType(samples, "user.created").map((envelope) => data(envelope).id);
    expect(new Set(users).size).toBe(3);
    // Each user's own events stay in story order.
    for (const userId of users) {
      const own = samples.filter((envelope) => extractResourceRefs(envelope.type, envelope.data).userId === userId);
      expect(own[0].type).toBe("user.created");
      expect(own.at(-1)!.type).toBe("user.deleted");
    }
  });

  it("takes prefixes and lists of types from the story, keeping its order", () => {
    const users = buildSamples("user.*", { seed: 4, now: NOW, count: 2 });
    expect(users.map((envelope) => envelope.type).sort()).toEqual(
      ["user.created", "user.created", "user.deleted", "user.deleted", "user.updated", "user.updated"],
    );
    const billing = buildSamples("subscription.*,paymentAttempt.*", { seed: 4, now: NOW });
    expect(new Set(billing.map((envelope) => resourceTypeOf(envelope.type)))).toEqual(new Set(["subscription", "paymentAttempt"]));
    expect(billing[0].type).toBe("subscription.created");
    expect(buildSamples("nothing.*", { seed: 4, now: NOW })).toEqual([]);
  });

  it("still renders a type Clerk may add later", () => {
    const [banned] = buildSamples("user.banned", { seed: 4, now: NOW });
    expect(banned.type).toBe("user.banned");
    expect(data(banned)).toMatchObject({ object: "user", id: expect.stringMatching(/^user_/) });
    const [unknown] = buildSamples("agentTask.created", { seed: 4, now: NOW });
    expect(data(unknown)).toMatchObject({ object: "agent_task", id: expect.stringMatching(/^agent_task_/) });
  });
});

describe("sampleEnvelope", () => {
  it("applies each event's transition to the context, so later events see it", () => {
    const context = createSampleContext({ seed: 2, now: NOW });
    expect(data(sampleEnvelope("subscription.pastDue", context)).status).toBe("past_due");
    context.clock += 60_000;
    const active = data(sampleEnvelope("subscription.active", context));
    expect(active).toMatchObject({ status: "active", past_due_at: null, updated_at: NOW + 60_000 });
    expect(data(sampleEnvelope("session.ended", context)).status).toBe("ended");
    const accepted = data(sampleEnvelope("organizationInvitation.accepted", context));
    expect(accepted).toMatchObject({ status: "accepted", user_id: context.user.id });
  });
});
