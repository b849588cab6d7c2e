import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { ingestSigned } from "../../tests/support/ingest";
import { shuffledWithDuplicates, subscriptionSequence } from "../../tests/support/lifecycle-sequences";
import { newMsgId, newSecret } from "../../tests/support/svix";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import type { LoadedBillingTimeline } from "./billing-timeline.server";
import { loadPayerTimeline, loadSubscriptionTimeline } from "./billing-timeline.server";
import { listSubscriptions } from "./subscriptions.server";

const SECRET = newSecret();

async function freshDatabase(provider: "sqlite" | "postgres") {
  const database = await createTestDatabase(provider);
  await ensureDefaultSource(database.db);
  const deps: IngestDependencies = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
  return { database, deps };
}

function visible(timeline: LoadedBillingTimeline) {
  const strip = (value: unknown) => JSON.parse(JSON.stringify(value, (key, v) => (key === "receivedAt" || key === "id" ? undefined : v)));
  return {
    subscriptionLanes: strip(timeline.subscriptionLanes),
    itemLanes: strip(timeline.itemLanes),
    payments: strip(timeline.payments),
    state: strip(timeline.state),
    events: timeline.events.map((e) => [e.svixId, e.type, e.summary, e.linkedBy]),
  };
}

describe.each(PROVIDERS)("billing timelines (%s)", (provider) => {
  // Clerk's shape: the payment attempts name the item, not the subscription.
  const sequence = subscriptionSequence("jane");
  const msgIds = sequence.envelopes.map(() => newMsgId());
  let inOrder: { database: TestDatabase; deps: IngestDependencies };
  let shuffled: { database: TestDatabase; deps: IngestDependencies };

  beforeAll(async () => {
    inOrder = await freshDatabase(provider);
    shuffled = await freshDatabase(provider);
    for (const [index, envelope] of sequence.envelopes.entries()) await ingestSigned(inOrder.deps, SECRET, envelope, { msgId: msgIds[index] });
    for (const { item, index } of shuffledWithDuplicates(sequence.envelopes, 5)) await ingestSigned(shuffled.deps, SECRET, item, { msgId: msgIds[index] });
    // A second payer whose subscription is past due and never paid; and one seen only through an item.
    const unpaid = subscriptionSequence("amara");
    for (const envelope of unpaid.envelopes.slice(0, 6)) await ingestSigned(inOrder.deps, SECRET, envelope);
    const orphan = subscriptionSequence("kenji");
    await ingestSigned(inOrder.deps, SECRET, orphan.envelopes[1]!);
  });
  afterAll(async () => {
    await inOrder?.database.drop();
    await shuffled?.database.drop();
  });

  it("places payment attempts without a subscription id by their item, and derives the state", async () => {
    const timeline = await loadSubscriptionTimeline(inOrder.database, sequence.subscriptionId);
    expect(timeline.events.map((e) => e.type)).toEqual(sequence.envelopes.map((e) => e.type));
    expect(timeline.events.filter((e) => e.type.startsWith("paymentAttempt.")).map((e) => e.linkedBy)).toEqual(["item_id", "item_id", "item_id", "item_id"]);
    expect(timeline.subscriptionLanes[0]!.periods.map((p) => p.status)).toEqual(["active", "past_due", "active"]);
    expect(timeline.itemLanes[0]!.periods.map((p) => p.status)).toEqual(["active", "past_due", "active", "canceled", "ended"]);
    expect(timeline.payments.map((p) => p.status)).toEqual(["pending", "failed", "pending", "paid"]);
    expect(timeline.state).toMatchObject({ status: "active", subscriptionSeen: true });
    expect(timeline.state.items[0]).toMatchObject({ status: "ended", plan: "Pro" });
    expect(timeline.anomalies).toEqual([]);
    expect(timeline.unplacedPayerEvents).toBe(0);
  });

  it("gives the same timeline and state when deliveries arrive shuffled and duplicated", async () => {
    const expected = visible(await loadSubscriptionTimeline(inOrder.database, sequence.subscriptionId));
    const actual = await loadSubscriptionTimeline(shuffled.database, sequence.subscriptionId);
    expect(visible(actual)).toEqual(expected);
    expect(actual.anomalies.map((a) => a.kind)).toContain("out_of_order");
    expect(actual.events.some((e) => e.deliveryCount > 1)).toBe(true);
  });

  it("places attempts that name nothing but the payer, and says so", async () => {
    const lena = subscriptionSequence("lena");
    for (const envelope of lena.envelopes) {
      const data = envelope.type.startsWith("paymentAttempt.") ? { ...envelope.data, subscription_items: [] } : envelope.data;
      await ingestSigned(shuffled.deps, SECRET, { ...envelope, data });
    }
    const timeline = await loadSubscriptionTimeline(shuffled.database, lena.subscriptionId);
    expect(timeline.payments.map((p) => p.linkedBy)).toEqual(["payer", "payer", "payer", "payer"]);
    expect(timeline.state.inferred.join(" ")).toMatch(/placed here by their payer/);
  });

  it("flags past due without payment, and items whose subscription was never seen", async () => {
    const unpaid = await loadSubscriptionTimeline(inOrder.database, "csub_amara");
    expect(unpaid.state.status).toBe("past_due");
    expect(unpaid.anomalies.map((a) => a.kind)).toEqual(["past_due_unpaid"]);

    const orphan = await loadSubscriptionTimeline(inOrder.database, "csub_kenji");
    expect(orphan.state).toMatchObject({ status: "active", statusInferred: true, subscriptionSeen: false });
    expect(orphan.anomalies.map((a) => a.kind)).toEqual(["item_without_subscription"]);
  });

  it("shows every subscription of a payer", async () => {
    const payer = await loadPayerTimeline(inOrder.database, sequence.payerId);
    expect(payer.subscriptionIds).toEqual([sequence.subscriptionId]);
    expect(payer.events).toHaveLength(sequence.envelopes.length);
    expect(payer.state.status).toBe("active");
  });

  it("lists subscriptions by recent activity and filters by status", async () => {
    const all = await listSubscriptions(inOrder.database, {});
    expect(all.subscriptions.map((s) => [s.subscriptionId, s.status])).toEqual(
      expect.arrayContaining([
        ["csub_jane", "active"],
        ["csub_amara", "past_due"],
        ["csub_kenji", "unknown"],
      ]),
    );
    const jane = all.subscriptions.find((s) => s.subscriptionId === "csub_jane")!;
    expect(jane.payer).toMatchObject({ userId: "user_jane", email: "jane@acme.example" });
    expect(jane.plans).toEqual([{ name: "Pro", status: "ended" }]);

    const pastDue = await listSubscriptions(inOrder.database, { status: "past_due" });
    expect(pastDue.subscriptions.map((s) => s.subscriptionId)).toEqual(["csub_amara"]);
    const unknown = await listSubscriptions(inOrder.database, { status: "unknown" });
    expect(unknown.subscriptions.map((s) => s.subscriptionId)).toEqual(["csub_kenji"]);
  });

  it("pages through many subscriptions by last activity without skipping or repeating", async () => {
    // In the second database (jane and lena's subscriptions are there too, and newer).
    const { database, deps } = shuffled;
    const base = Date.UTC(2026, 9, 1);
    // 70 subscriptions; each later one is more recently active, and every fifth gets a late item event too.
    for (let i = 0; i < 70; i++) {
      const id = `csub_page_${String(i).padStart(2, "0")}`;
      const payer = { id: `cpayer_${i}`, user_id: `user_page_${i}` };
      await ingestSigned(deps, SECRET, { object: "event", type: "subscription.created", timestamp: base + i * 60_000, instance_id: "ins_x", data: { id, object: "commerce_subscription", status: i % 2 ? "active" : "past_due", payer_id: payer.id, payer, items: [] } });
      if (i % 5 === 0) {
        await ingestSigned(deps, SECRET, { object: "event", type: "subscriptionItem.active", timestamp: base + 100 * 60_000 + i, instance_id: "ins_x", data: { id: `csub_item_page_${i}`, object: "commerce_subscription_item", subscription_id: id, payer_id: payer.id, payer } });
      }
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listSubscriptions(database, { cursor });
      seen.push(...page.subscriptions.map((s) => s.subscriptionId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const pages = seen.filter((id) => id.startsWith("csub_page_"));
    expect(seen).toHaveLength(72);
    expect(new Set(seen).size).toBe(72);
    // Newest activity first: the fourteen with a late item event, then the rest newest first.
    expect(pages.slice(0, 14)).toEqual([65, 60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 0].map((i) => `csub_page_${String(i).padStart(2, "0")}`));
    expect(pages[14]).toBe("csub_page_69");

    const pastDue = await listSubscriptions(database, { status: "past_due" });
    expect(pastDue.subscriptions.filter((s) => s.subscriptionId.startsWith("csub_page_"))).toHaveLength(35);
    expect(pastDue.subscriptions.every((s) => s.status === "past_due")).toBe(true);
    await expect(listSubscriptions(database, { cursor: "bm9wZQ" })).rejects.toThrow(/cursor/);
  });
});
