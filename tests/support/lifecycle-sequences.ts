// The two sequences issue 4 names, as Clerk envelopes with realistic payloads:
// - a user: signup → update email → join an org → role change → leave → delete;
// - a subscription: created → item active → payment failed → past due → payment paid →
//   active → canceled → ended.
// Timestamps are distinct and increasing, so envelope order is unambiguous whatever
// order the deliveries arrive in.

export interface SequenceEnvelope {
  data: Record<string, unknown>;
  object: "event";
  type: string;
  timestamp: number;
  instance_id: string;
}

export const T0 = Date.UTC(2026, 9, 1, 9, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function envelope(type: string, data: Record<string, unknown>, timestamp: number): SequenceEnvelope {
  return { data, object: "event", type, timestamp, instance_id: "ins_lifecycle" };
}

export interface UserSequence {
  userId: string;
  orgId: string;
  membershipId: string;
  sessionIds: string[];
  personalEmail: string;
  workEmail: string;
  envelopes: SequenceEnvelope[];
}

export function userSequence(suffix = "jane"): UserSequence {
  const userId = `user_${suffix}`;
  const orgId = `org_${suffix}_acme`;
  const membershipId = `orgmem_${suffix}`;
  const personalEmail = `${suffix}.doe@example.com`;
  const workEmail = `${suffix}@acme.example`;
  const personal = { id: `idn_${suffix}_1`, object: "email_address", email_address: personalEmail, verification: { status: "verified", strategy: "email_code" }, linked_to: [] };
  const work = { id: `idn_${suffix}_2`, object: "email_address", email_address: workEmail, verification: { status: "verified", strategy: "email_code" }, linked_to: [] };
  const user = (at: number, overrides: Record<string, unknown> = {}) => ({
    id: userId,
    object: "user",
    first_name: "Jane",
    last_name: "Doe",
    username: null,
    image_url: "https://img.clerk.com/abc",
    has_image: false,
    primary_email_address_id: personal.id,
    email_addresses: [personal],
    primary_phone_number_id: null,
    phone_numbers: [],
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    two_factor_enabled: false,
    password_enabled: true,
    last_sign_in_at: T0,
    created_at: T0,
    updated_at: at,
    ...overrides,
  });
  const organization = { object: "organization", id: orgId, name: "Acme Robotics", slug: "acme-robotics", members_count: 2, public_metadata: {}, created_at: T0, updated_at: T0 };
  const membership = (role: string, roleName: string, at: number) => ({
    object: "organization_membership",
    id: membershipId,
    role,
    role_name: roleName,
    permissions: [],
    public_metadata: {},
    private_metadata: {},
    organization,
    public_user_data: { user_id: userId, first_name: "Jane", last_name: "Doe", identifier: workEmail, image_url: "", has_image: false },
    created_at: T0 + 3 * HOUR,
    updated_at: at,
  });
  const session = (id: string, status: string, at: number) => ({
    object: "session",
    id,
    user_id: userId,
    client_id: `client_${suffix}`,
    status,
    last_active_at: at,
    expire_at: at + 7 * DAY,
    abandon_at: at + 30 * DAY,
    latest_activity: { object: "session_activity", browser_name: "Firefox", device_type: "Macintosh", city: "Lisbon", country: "PT" },
    created_at: at,
    updated_at: at,
  });
  const s1 = `sess_${suffix}_1`;
  const s2 = `sess_${suffix}_2`;
  const envelopes = [
    envelope("user.created", user(T0), T0),
    envelope("session.created", session(s1, "active", T0 + 1000), T0 + 1000),
    envelope("user.updated", user(T0 + HOUR, { primary_email_address_id: work.id, email_addresses: [personal, work], username: "jdoe" }), T0 + HOUR),
    envelope("organizationMembership.created", membership("org:member", "Member", T0 + 3 * HOUR), T0 + 3 * HOUR),
    envelope("session.ended", session(s1, "ended", T0 + 4 * HOUR), T0 + 4 * HOUR),
    envelope("organizationMembership.updated", membership("org:admin", "Admin", T0 + DAY), T0 + DAY),
    envelope("session.created", session(s2, "active", T0 + DAY + HOUR), T0 + DAY + HOUR),
    envelope("organizationMembership.deleted", membership("org:admin", "Admin", T0 + 2 * DAY), T0 + 2 * DAY),
    envelope("user.deleted", { object: "user", id: userId, deleted: true }, T0 + 3 * DAY),
  ];
  return { userId, orgId, membershipId, sessionIds: [s1, s2], personalEmail, workEmail, envelopes };
}

export interface SubscriptionSequence {
  userId: string;
  payerId: string;
  subscriptionId: string;
  itemId: string;
  attemptIds: string[];
  envelopes: SequenceEnvelope[];
}

/**
 * Clerk's shapes: payment attempts carry no subscription id at the top (the item inside
 * does only when `withItemSubscriptionIds`), items nested in a subscription have
 * `subscription_id: null`, and `payer_id` is a `cpayer_` record, not the user.
 */
export function subscriptionSequence(suffix = "jane", options: { withItemSubscriptionIds?: boolean } = {}): SubscriptionSequence {
  const userId = `user_${suffix}`;
  const payerId = `cpayer_${suffix}`;
  const subscriptionId = `csub_${suffix}`;
  const itemId = `csub_item_${suffix}_pro`;
  const start = T0 + 5 * DAY;
  const payer = { object: "commerce_payer", id: payerId, user_id: userId, organization_id: "", first_name: "Jane", last_name: "Doe", email: `${suffix}@acme.example` };
  const plan = { id: "cplan_pro", slug: "pro", name: "Pro", is_recurring: true, amount: 2000, currency: "USD" };
  const item = (status: string, at: number, extra: Record<string, unknown> = {}) => ({
    object: "commerce_subscription_item",
    id: itemId,
    status,
    plan_id: plan.id,
    plan,
    interval: "month",
    is_free_trial: false,
    period_start: start,
    period_end: start + 30 * DAY,
    created_at: start,
    updated_at: at,
    ...extra,
  });
  const subscription = (status: string, at: number, itemStatus: string) => ({
    object: "commerce_subscription",
    id: subscriptionId,
    status,
    payer_id: payerId,
    payer,
    items: [{ ...item(itemStatus, at), subscription_id: null }],
    created_at: start,
    updated_at: at,
  });
  const standaloneItem = (status: string, at: number) => ({ ...item(status, at), payer, payer_id: payerId, subscription_id: subscriptionId });
  const attempt = (id: string, status: string, at: number) => ({
    object: "commerce_payment_attempt",
    id,
    payment_id: `cpa_${id}`,
    status,
    payer,
    payer_id: payerId,
    charge_type: "recurring",
    paid_at: status === "paid" ? at : null,
    failed_at: status === "failed" ? at : null,
    failed_reason: status === "failed" ? { code: "card_declined", decline_code: "insufficient_funds" } : null,
    totals: { grand_total: { amount: 2000, amount_formatted: "$20.00", currency: "USD", currency_symbol: "$" } },
    subscription_items: [
      { ...item("active", at), amount: { amount: 2000, amount_formatted: "$20.00", currency: "USD", currency_symbol: "$" }, ...(options.withItemSubscriptionIds ? { subscription_id: subscriptionId } : {}) },
    ],
    created_at: at,
    updated_at: at,
  });
  const pa1 = `pa_${suffix}_1`;
  const pa2 = `pa_${suffix}_2`;
  const renewal = start + 30 * DAY;
  const envelopes = [
    envelope("subscription.created", subscription("active", start, "active"), start),
    envelope("subscriptionItem.active", standaloneItem("active", start + 1000), start + 1000),
    envelope("paymentAttempt.created", attempt(pa1, "pending", renewal), renewal),
    envelope("paymentAttempt.updated", attempt(pa1, "failed", renewal + 5000), renewal + 5000),
    envelope("subscriptionItem.pastDue", standaloneItem("past_due", renewal + 7000), renewal + 7000),
    envelope("subscription.pastDue", subscription("past_due", renewal + 8000, "past_due"), renewal + 8000),
    envelope("paymentAttempt.created", attempt(pa2, "pending", renewal + DAY), renewal + DAY),
    envelope("paymentAttempt.updated", attempt(pa2, "paid", renewal + DAY + 5000), renewal + DAY + 5000),
    envelope("subscriptionItem.active", standaloneItem("active", renewal + DAY + 7000), renewal + DAY + 7000),
    envelope("subscription.active", subscription("active", renewal + DAY + 8000, "active"), renewal + DAY + 8000),
    envelope("subscriptionItem.canceled", standaloneItem("canceled", renewal + 10 * DAY), renewal + 10 * DAY),
    envelope("subscriptionItem.ended", standaloneItem("ended", renewal + 30 * DAY), renewal + 30 * DAY),
  ];
  return { userId, payerId, subscriptionId, itemId, attemptIds: [pa1, pa2], envelopes };
}

/** A deterministic shuffle (mulberry32), with some envelopes repeated as duplicate deliveries. */
export function shuffledWithDuplicates<T>(items: T[], seed = 7): { item: T; index: number }[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const list = items.map((item, index) => ({ item, index }));
  // Every third delivery is sent again: Svix delivers at least once.
  const withDuplicates = [...list, ...list.filter((_, i) => i % 3 === 0)];
  for (let i = withDuplicates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [withDuplicates[i], withDuplicates[j]] = [withDuplicates[j]!, withDuplicates[i]!];
  }
  return withDuplicates;
}
