// Realistic, linked Clerk webhook samples for `hookline send`, demos, tests and benchmarks.
// Deterministic for a given seed and `now`, and browser-safe (no node: imports).
//
// Payload shapes follow Clerk's OpenAPI webhook examples (CLERK-EVENTS.md, source OAS)
// wherever those agree with the seed AsyncAPI schema; where they disagree the seed wins,
// because every sample must validate against app/catalog/asyncapi-schemas.json:
// - subscription items say `object: "commerce_subscription_item"` (OAS examples say
//   `subscription_item`);
// - `private_metadata` is `{}`, never null, and tombstones carry no `slug: null`;
// - no `event_attributes` on the envelope (the seed's Envelope forbids extra keys).
import {
  type ClerkEnvelope,
  EVENT_CATALOG,
  expandTypePatterns,
  resourceTypeOf,
  typeMatchesPatterns,
} from "./event-catalog";

export type { ClerkEnvelope } from "./event-catalog";

export interface SampleOptions {
  seed?: number;
  /** The story ends at or before this time (ms). Defaults to Date.now(). */
  now?: number;
  /** Pins the main user's id in every story and single-type sample. */
  userId?: string;
  /** Stories for "all" or a prefix; events for a single type. */
  count?: number;
}

// ---------------------------------------------------------------------------
// Deterministic randomness

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** mulberry32: tiny, fast, and good enough for fake data; the same seed gives the same stream. */
export class SampleRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chars(length: number, alphabet = BASE62): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  digits(length: number): string {
    return this.chars(length, "0123456789");
  }

  /** A Clerk-style id: the prefix, then 27 base62 characters (the length of a KSUID). */
  id(prefix: string): string {
    return prefix + this.chars(27);
  }
}

// ---------------------------------------------------------------------------
// The world a story happens in. Each field holds the current state of one resource,
// as Clerk's JSON; renderers apply an event's transition to it and snapshot it.

type Json = Record<string, unknown>;

interface Verification {
  object: string;
  status: string;
  strategy: string;
  attempts: number | null;
  expire_at: number | null;
}

interface EmailAddressJson {
  id: string;
  object: "email_address";
  email_address: string;
  reserved: boolean;
  verification: Verification;
  linked_to: unknown[];
  matches_sso_connection: boolean;
  created_at: number;
  updated_at: number;
}

interface PhoneNumberJson {
  id: string;
  object: "phone_number";
  phone_number: string;
  reserved_for_second_factor: boolean;
  default_second_factor: boolean;
  reserved: boolean;
  verification: Verification;
  linked_to: unknown[];
  backup_codes: null;
  created_at: number;
  updated_at: number;
}

interface UserJson {
  id: string;
  object: "user";
  external_id: string | null;
  primary_email_address_id: string | null;
  primary_phone_number_id: string | null;
  primary_web3_wallet_id: string | null;
  username: string | null;
  first_name: string;
  last_name: string;
  image_url: string;
  profile_image_url: string;
  has_image: boolean;
  public_metadata: Json;
  private_metadata: Json;
  unsafe_metadata: Json;
  email_addresses: EmailAddressJson[];
  phone_numbers: PhoneNumberJson[];
  web3_wallets: unknown[];
  passkeys: unknown[];
  password_enabled: boolean;
  two_factor_enabled: boolean;
  totp_enabled: boolean;
  backup_code_enabled: boolean;
  mfa_enabled_at: number | null;
  mfa_disabled_at: number | null;
  external_accounts: unknown[];
  saml_accounts: unknown[];
  enterprise_accounts: unknown[];
  last_sign_in_at: number | null;
  banned: boolean;
  locked: boolean;
  lockout_expires_in_seconds: number | null;
  verification_attempts_remaining: number | null;
  created_at: number;
  updated_at: number;
  delete_self_enabled: boolean;
  create_organization_enabled: boolean;
  create_organizations_limit: number | null;
  last_active_at: number | null;
  legal_accepted_at: number | null;
}

interface SessionJson {
  object: "session";
  id: string;
  user_id: string;
  client_id: string;
  actor: null;
  status: string;
  last_active_organization_id: string | null;
  last_active_at: number;
  latest_activity: Json | null;
  expire_at: number;
  abandon_at: number;
  created_at: number;
  updated_at: number;
}

interface OrganizationJson {
  object: "organization";
  id: string;
  name: string;
  slug: string;
  image_url: string;
  logo_url: string | null;
  has_image: boolean;
  members_count: number;
  pending_invitations_count: number;
  missing_member_with_elevated_permissions: boolean;
  max_allowed_memberships: number;
  admin_delete_enabled: boolean;
  public_metadata: Json;
  private_metadata: Json;
  created_by: string;
  created_at: number;
  updated_at: number;
}

interface OrganizationDomainJson {
  object: "organization_domain";
  id: string;
  organization_id: string;
  name: string;
  enrollment_mode: string;
  affiliation_email_address: string | null;
  verification: Verification | null;
  total_pending_invitations: number;
  total_pending_suggestions: number;
  created_at: number;
  updated_at: number;
}

interface MembershipJson {
  object: "organization_membership";
  id: string;
  role: string;
  role_name: string;
  permissions: string[];
  public_metadata: Json;
  private_metadata: Json;
  created_at: number;
  updated_at: number;
}

interface OrganizationInvitationJson {
  object: "organization_invitation";
  id: string;
  email_address: string;
  role: string;
  role_name: string;
  organization_id: string;
  inviter_id: string;
  status: string;
  public_metadata: Json;
  private_metadata: Json;
  url: string | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
  /** Set when accepted; only then does Clerk include `user_id`. */
  user_id?: string;
}

interface PermissionJson {
  object: "permission";
  id: string;
  key: string;
  name: string;
  description: string;
  type: string;
  created_at: number;
  updated_at: number;
}

interface RoleJson {
  object: "role";
  id: string;
  key: string;
  name: string;
  description: string;
  is_creator_eligible: boolean;
  created_at: number;
  updated_at: number;
}

interface InvitationJson {
  object: "invitation";
  id: string;
  email_address: string;
  public_metadata: Json;
  revoked: boolean;
  status: string;
  url: string;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

interface WaitlistEntryJson {
  object: "waitlist_entry";
  id: string;
  email_address: string;
  status: string;
  is_locked: boolean;
  invitation: InvitationJson | null;
  created_at: number;
  updated_at: number;
}

interface PayerJson {
  object: "commerce_payer";
  id: string;
  instance_id: string;
  user_id: string;
  first_name: string;
  last_name: string;
  email: string;
  organization_id: string;
  organization_name: string;
  image_url: string;
  created_at: number;
  updated_at: number;
}

interface PlanJson {
  id: string;
  slug: string;
  name: string;
  is_recurring: boolean;
  amount: number;
  currency: string;
}

interface SubscriptionItemJson {
  object: "commerce_subscription_item";
  id: string;
  status: string;
  is_free_trial: boolean;
  created_at: number;
  updated_at: number;
  period_start: number;
  period_end: number | null;
  interval: "month" | "annual";
  plan_id: string;
  plan: PlanJson;
  canceled_at: number | null;
  past_due_at: number | null;
  next_payment_amount: number | null;
  next_payment_date: number | null;
}

interface SubscriptionJson {
  object: "commerce_subscription";
  id: string;
  status: string;
  active_at: number | null;
  canceled_at: number | null;
  created_at: number;
  ended_at: number | null;
  past_due_at: number | null;
  updated_at: number;
  latest_payment_id: string | null;
  payer_id: string;
  payment_source_id: string;
  /** The same objects that standalone subscriptionItem.* events render. */
  items: SubscriptionItemJson[];
}

interface PaymentSourceJson {
  id: string;
  gateway: "stripe";
  gateway_external_id: string;
  gateway_external_account_id: string;
  payment_method: "card";
  status: "active";
  card_type: string;
  last4: string;
}

interface PaymentAttemptJson {
  object: "commerce_payment_attempt";
  id: string;
  instance_id: string;
  payment_id: string;
  statement_id: string;
  gateway_external_id: string;
  status: "pending" | "paid" | "failed";
  created_at: number;
  updated_at: number;
  paid_at: number | null;
  failed_at: number | null;
  failed_reason: { code: string; decline_code: string } | null;
  billing_date: number;
  charge_type: "checkout" | "recurring";
  payment_source: PaymentSourceJson;
  /** What was charged for; rendered with `subscription_id` so the attempt links to its subscription. */
  items: SubscriptionItemJson[];
}

export interface SampleContext {
  random: SampleRandom;
  /** The time (ms) of the event being rendered; the story moves it forward. */
  clock: number;
  instanceId: string;
  app: { name: string; domain: string };
  /** Created the organization and sent the invitation: a second user, not the story's subject. */
  inviter: { userId: string; firstName: string; lastName: string };
  user: UserJson;
  session: SessionJson;
  organization: OrganizationJson;
  organizationDomain: OrganizationDomainJson;
  membership: MembershipJson;
  organizationInvitation: OrganizationInvitationJson;
  role: RoleJson;
  permission: PermissionJson;
  invitation: InvitationJson;
  waitlistEntry: WaitlistEntryJson;
  /** The email address the next email.created goes to (an `idn_` of the user). */
  emailTargetId: string;
  payer: PayerJson;
  plans: { free: PlanJson; pro: PlanJson; business: PlanJson };
  paymentSource: PaymentSourceJson;
  payee: Json;
  subscription: SubscriptionJson;
  /** The item the next subscriptionItem.* event is about. */
  subscriptionItem: SubscriptionItemJson;
  paymentAttempt: PaymentAttemptJson;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIRST_NAMES = ["Jane", "Amara", "Mateo", "Priya", "Lukas", "Sofia", "Kenji", "Noor", "Elena", "Tobias", "Aisha", "Diego"];
const LAST_NAMES = ["Doe", "Okafor", "Silva", "Raman", "Becker", "Rossi", "Tanaka", "Haddad", "Novak", "Lindqvist", "Mensah", "Herrera"];
const ORGANIZATIONS = ["Northwind Traders", "Globex Analytics", "Initech Labs", "Acme Robotics", "Blue Harbor Studio", "Lumen Health"];
const APPS = ["Acme", "Ledgerly", "Trailhead", "Pinecone Notes"];
const CITIES: readonly [string, string][] = [
  ["Lisbon", "PT"],
  ["Berlin", "DE"],
  ["Austin", "US"],
  ["Toronto", "CA"],
  ["Nairobi", "KE"],
  ["Osaka", "JP"],
];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function avatarUrl(random: SampleRandom): string {
  return `https://img.clerk.com/${random.chars(48)}`;
}

function otpVerification(strategy: string, status: string, attempts: number | null, expireAt: number | null): Verification {
  return { object: "verification_otp", status, strategy, attempts, expire_at: expireAt };
}

function emailAddress(random: SampleRandom, address: string, at: number, verified: boolean): EmailAddressJson {
  return {
    id: random.id("idn_"),
    object: "email_address",
    email_address: address,
    reserved: false,
    verification: otpVerification("email_code", verified ? "verified" : "unverified", verified ? 1 : 0, at + 10 * MINUTE),
    linked_to: [],
    matches_sso_connection: false,
    created_at: at,
    updated_at: at,
  };
}

function money(amount: number, currency = "USD"): Json {
  const whole = Math.floor(amount / 100);
  const cents = String(amount % 100).padStart(2, "0");
  return { amount, amount_formatted: `$${whole}.${cents}`, currency, currency_symbol: "$" };
}

/** Everything a sample can refer to, created at `clock` with fresh ids. */
export function createSampleContext(options: { seed?: number; now?: number; userId?: string } = {}): SampleContext {
  const random = new SampleRandom(options.seed ?? 1);
  const clock = options.now ?? Date.now();
  const instanceId = random.id("ins_");
  const appName = random.pick(APPS);
  const app = { name: appName, domain: `${slugify(appName)}.example.com` };

  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const organizationName = random.pick(ORGANIZATIONS);
  const organizationSlug = slugify(organizationName);
  const workDomain = `${organizationSlug}.example`;
  const inviter = {
    userId: random.id("user_"),
    firstName: random.pick(FIRST_NAMES.filter((name) => name !== firstName)),
    lastName: random.pick(LAST_NAMES),
  };

  const personalEmail = emailAddress(random, `${firstName}.${lastName}${random.int(1, 99)}@example.com`.toLowerCase(), clock, true);
  const phone: PhoneNumberJson = {
    id: random.id("idn_"),
    object: "phone_number",
    phone_number: `+1${random.pick(["415", "512", "646", "206"])}55501${random.digits(2)}`,
    reserved_for_second_factor: true,
    default_second_factor: true,
    reserved: false,
    verification: otpVerification("phone_code", "verified", 1, clock + 10 * MINUTE),
    linked_to: [],
    backup_codes: null,
    created_at: clock,
    updated_at: clock,
  };
  const imageUrl = avatarUrl(random);
  const user: UserJson = {
    id: options.userId ?? random.id("user_"),
    object: "user",
    external_id: null,
    primary_email_address_id: personalEmail.id,
    primary_phone_number_id: phone.id,
    primary_web3_wallet_id: null,
    username: null,
    first_name: firstName,
    last_name: lastName,
    image_url: imageUrl,
    profile_image_url: "https://www.gravatar.com/avatar?d=mp",
    has_image: false,
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    email_addresses: [personalEmail],
    phone_numbers: [phone],
    web3_wallets: [],
    passkeys: [],
    password_enabled: true,
    two_factor_enabled: true,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: clock,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: clock,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: clock,
    updated_at: clock,
    delete_self_enabled: true,
    create_organization_enabled: true,
    create_organizations_limit: null,
    last_active_at: clock,
    legal_accepted_at: clock,
  };

  const organization: OrganizationJson = {
    object: "organization",
    id: random.id("org_"),
    name: organizationName,
    slug: organizationSlug,
    image_url: avatarUrl(random),
    logo_url: null,
    has_image: false,
    members_count: 1,
    pending_invitations_count: 0,
    missing_member_with_elevated_permissions: false,
    max_allowed_memberships: 0,
    admin_delete_enabled: true,
    public_metadata: {},
    private_metadata: {},
    created_by: inviter.userId,
    created_at: clock,
    updated_at: clock,
  };

  const permission: PermissionJson = {
    object: "permission",
    id: random.id("perm_"),
    key: "org:invoices:read",
    name: "Read invoices",
    description: "See the organization's invoices and payment history",
    type: "custom",
    created_at: clock,
    updated_at: clock,
  };

  const invitation = instanceInvitation(random, app, personalEmail.email_address, clock);
  const plans = {
    free: { id: random.id("cplan_"), slug: "free_user", name: "Free", is_recurring: false, amount: 0, currency: "USD" },
    pro: { id: random.id("cplan_"), slug: "pro", name: "Pro", is_recurring: true, amount: 2000, currency: "USD" },
    business: { id: random.id("cplan_"), slug: "business", name: "Business", is_recurring: true, amount: 9900, currency: "USD" },
  };
  const payer: PayerJson = {
    object: "commerce_payer",
    id: random.id("cpayer_"),
    instance_id: instanceId,
    user_id: user.id,
    first_name: firstName,
    last_name: lastName,
    email: personalEmail.email_address,
    // NOTE: Clerk sends empty strings, not nulls, for the org fields of a user payer.
    organization_id: "",
    organization_name: "",
    image_url: imageUrl,
    created_at: clock,
    updated_at: clock,
  };
  const gatewayAccount = `acct_${random.chars(16)}`;
  const paymentSource: PaymentSourceJson = {
    id: random.id("cps_"),
    gateway: "stripe",
    gateway_external_id: `pm_${random.chars(24)}`,
    gateway_external_account_id: gatewayAccount,
    payment_method: "card",
    status: "active",
    card_type: random.pick(["visa", "mastercard", "amex"]),
    last4: random.digits(4),
  };
  const proItem = subscriptionItem(random, plans.pro, "active", clock, clock + 30 * DAY, "month");
  const subscription: SubscriptionJson = {
    object: "commerce_subscription",
    id: random.id("csub_"),
    status: "active",
    active_at: clock,
    canceled_at: null,
    created_at: clock,
    ended_at: null,
    past_due_at: null,
    updated_at: clock,
    latest_payment_id: null,
    payer_id: payer.id,
    payment_source_id: paymentSource.id,
    items: [proItem],
  };

  const context: SampleContext = {
    random,
    clock,
    instanceId,
    app,
    inviter,
    user,
    session: newSession(random, user.id, "active", clock),
    organization,
    organizationDomain: {
      object: "organization_domain",
      id: random.id("orgdmn_"),
      organization_id: organization.id,
      name: workDomain,
      enrollment_mode: "automatic_suggestion",
      affiliation_email_address: `it@${workDomain}`,
      verification: otpVerification("email_code", "unverified", 0, clock + DAY),
      total_pending_invitations: 0,
      total_pending_suggestions: 0,
      created_at: clock,
      updated_at: clock,
    },
    membership: {
      object: "organization_membership",
      id: random.id("orgmem_"),
      role: "org:member",
      role_name: "Member",
      permissions: ["org:sys_profile:read", "org:sys_memberships:read", permission.key],
      public_metadata: {},
      private_metadata: {},
      created_at: clock,
      updated_at: clock,
    },
    organizationInvitation: organizationInvitation(random, app, organization, inviter.userId, personalEmail.email_address, clock),
    role: {
      object: "role",
      id: random.id("role_"),
      key: "org:billing_manager",
      name: "Billing manager",
      description: "Manages the organization's plan and invoices",
      is_creator_eligible: false,
      created_at: clock,
      updated_at: clock,
    },
    permission,
    invitation,
    waitlistEntry: {
      object: "waitlist_entry",
      id: random.id("wle_"),
      email_address: personalEmail.email_address,
      status: "pending",
      is_locked: false,
      invitation: null,
      created_at: clock,
      updated_at: clock,
    },
    emailTargetId: personalEmail.id,
    payer,
    plans,
    paymentSource,
    payee: {
      id: random.id("cpayee_"),
      gateway_type: "stripe",
      gateway_external_id: gatewayAccount,
      gateway_status: "active",
    },
    subscription,
    subscriptionItem: proItem,
    paymentAttempt: paymentAttempt(random, instanceId, paymentSource, [proItem], "recurring", clock),
  };
  return context;
}

function newSession(random: SampleRandom, userId: string, status: string, at: number): SessionJson {
  const [city, country] = random.pick(CITIES);
  return {
    object: "session",
    id: random.id("sess_"),
    user_id: userId,
    client_id: random.id("client_"),
    actor: null,
    status,
    last_active_organization_id: null,
    last_active_at: at,
    latest_activity: {
      object: "session_activity",
      id: random.id("activity_"),
      device_type: random.pick(["Macintosh", "Windows", "iPhone"]),
      is_mobile: false,
      browser_name: random.pick(["Chrome", "Firefox", "Safari"]),
      browser_version: `${random.int(120, 131)}.0.0.0`,
      ip_address: `203.0.113.${random.int(1, 254)}`,
      city,
      country,
    },
    expire_at: at + 7 * DAY,
    abandon_at: at + 30 * DAY,
    created_at: at,
    updated_at: at,
  };
}

function instanceInvitation(
  random: SampleRandom,
  app: { domain: string },
  email: string,
  at: number,
): InvitationJson {
  return {
    object: "invitation",
    id: random.id("inv_"),
    email_address: email,
    public_metadata: {},
    revoked: false,
    status: "pending",
    url: `https://accounts.${app.domain}/sign-up?__clerk_ticket=${random.chars(64)}`,
    expires_at: at + 30 * DAY,
    created_at: at,
    updated_at: at,
  };
}

function organizationInvitation(
  random: SampleRandom,
  app: { domain: string },
  organization: OrganizationJson,
  inviterId: string,
  email: string,
  at: number,
): OrganizationInvitationJson {
  return {
    object: "organization_invitation",
    id: random.id("orginv_"),
    email_address: email,
    role: "org:member",
    role_name: "Member",
    organization_id: organization.id,
    inviter_id: inviterId,
    status: "pending",
    public_metadata: {},
    private_metadata: {},
    url: `https://accounts.${app.domain}/accept-invitation?__clerk_ticket=${random.chars(64)}`,
    expires_at: at + 30 * DAY,
    created_at: at,
    updated_at: at,
  };
}

function subscriptionItem(
  random: SampleRandom,
  plan: PlanJson,
  status: string,
  periodStart: number,
  periodEnd: number | null,
  interval: "month" | "annual",
): SubscriptionItemJson {
  return {
    object: "commerce_subscription_item",
    id: random.id("csub_item_"),
    status,
    is_free_trial: false,
    created_at: periodStart,
    updated_at: periodStart,
    period_start: periodStart,
    period_end: periodEnd,
    interval,
    plan_id: plan.id,
    plan,
    canceled_at: null,
    past_due_at: null,
    next_payment_amount: plan.is_recurring ? plan.amount * (interval === "annual" ? 10 : 1) : null,
    next_payment_date: plan.is_recurring ? periodEnd : null,
  };
}

function paymentAttempt(
  random: SampleRandom,
  instanceId: string,
  paymentSource: PaymentSourceJson,
  items: SubscriptionItemJson[],
  chargeType: "checkout" | "recurring",
  at: number,
  paymentId = random.id("cpa_"),
): PaymentAttemptJson {
  return {
    object: "commerce_payment_attempt",
    id: random.id("pa_"),
    instance_id: instanceId,
    payment_id: paymentId,
    statement_id: random.id("stmt_"),
    gateway_external_id: `pi_${random.chars(24)}`,
    status: "pending",
    created_at: at,
    updated_at: at,
    paid_at: null,
    failed_at: null,
    failed_reason: null,
    billing_date: at,
    charge_type: chargeType,
    payment_source: paymentSource,
    items,
  };
}

// ---------------------------------------------------------------------------
// Rendering: apply the event's transition to the context, then snapshot the resource.

function snapshot<T extends object>(value: T): Json {
  return structuredClone(value) as unknown as Json;
}

function touch(resource: { updated_at: number }, at: number) {
  resource.updated_at = at;
}

function userData(context: SampleContext): Json {
  return snapshot(context.user);
}

function organizationData(context: SampleContext): Json {
  return snapshot(context.organization);
}

function membershipData(context: SampleContext): Json {
  const { user } = context;
  const primary = user.email_addresses.find((email) => email.id === user.primary_email_address_id);
  return {
    ...snapshot(context.membership),
    organization: organizationData(context),
    public_user_data: {
      user_id: user.id,
      first_name: user.first_name,
      last_name: user.last_name,
      profile_image_url: user.profile_image_url,
      image_url: user.image_url,
      has_image: user.has_image,
      identifier: primary?.email_address ?? user.id,
    },
  };
}

function publicOrganizationData(organization: OrganizationJson): Json {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    image_url: organization.image_url,
    has_image: organization.has_image,
  };
}

function sessionData(context: SampleContext): Json {
  // Current Clerk also embeds the full user in session payloads (clerk/javascript #7209).
  return { ...snapshot(context.session), user: userData(context) };
}

function payerData(context: SampleContext): Json {
  return snapshot(context.payer);
}

/** A subscription item nested in a subscription: Clerk leaves out the payer and nulls the subscription id. */
function nestedItemData(item: SubscriptionItemJson): Json {
  return { ...snapshot(item), subscription_id: null };
}

function standaloneItemData(context: SampleContext): Json {
  return { ...snapshot(context.subscriptionItem), payer: payerData(context), subscription_id: context.subscription.id };
}

function subscriptionData(context: SampleContext): Json {
  const { items, ...subscription } = context.subscription;
  return { ...snapshot(subscription), payer: payerData(context), items: items.map(nestedItemData) };
}

function paymentAttemptData(context: SampleContext): Json {
  const { items, ...attempt } = context.paymentAttempt;
  const subtotal = items.reduce((sum, item) => sum + item.plan.amount * (item.interval === "annual" ? 10 : 1), 0);
  return {
    ...snapshot(attempt),
    payee: structuredClone(context.payee),
    payer: payerData(context),
    totals: { subtotal: money(subtotal), tax_total: money(0), grand_total: money(subtotal) },
    subscription_items: items.map((item) => ({
      ...snapshot(item),
      amount: money(item.plan.amount),
      // Not in Clerk's examples, but allowed by its BillingSubscriptionItem schema; it lets
      // a payment attempt be placed on its subscription's timeline.
      subscription_id: context.subscription.id,
    })),
  };
}

function formatRequestedAt(at: number): string {
  const date = new Date(at);
  const hours = String(date.getUTCHours()).padStart(2, "0");
  const minutes = String(date.getUTCMinutes()).padStart(2, "0");
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${hours}:${minutes} UTC`;
}

function verificationEmailHtml(appName: string, code: string, requestedBy: string, requestedAt: string): string {
  return [
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
    '<html xmlns="http://www.w3.org/1999/xhtml">',
    "<head>",
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<title>${code} is your ${appName} verification code</title>`,
    "</head>",
    '<body style="font-family: Helvetica, Arial, sans-serif; margin: 0px; padding: 0px; background-color: #ffffff;">',
    `<span style="display: none;">Your ${appName} verification code</span>`,
    '<table cellpadding="0" cellspacing="0" border="0" width="100%"><tbody><tr><td align="center" style="padding: 48px 32px;">',
    `<p style="font-size: 24px;">${appName}</p>`,
    '<h1 style="font-size: 32px;">Verification code</h1>',
    "<p>Enter the following verification code when prompted:</p>",
    `<p style="font-size: 40px; line-height: 60px;"><b>${code}</b></p>`,
    "<p>To protect your account, do not share this code.</p>",
    "<p><b>Didn't request this?</b></p>",
    `<p>This code was requested using <b>${requestedBy}</b> at <b>${requestedAt}</b>. If you didn't make this request, you can safely ignore this email.</p>`,
    "</td></tr></tbody></table>",
    "</body>",
    "</html>",
  ].join("\n");
}

function emailData(context: SampleContext): Json {
  const { random, user, app, clock } = context;
  const target =
    user.email_addresses.find((email) => email.id === context.emailTargetId) ?? user.email_addresses[0];
  const code = random.digits(6);
  const requestedAt = formatRequestedAt(clock);
  const activity = context.session.latest_activity;
  const requestedBy = `${String(activity?.browser_name ?? "Chrome")}, ${String(activity?.device_type ?? "Macintosh")}`;
  return {
    object: "email",
    id: random.id("ema_"),
    slug: "verification_code",
    from_email_name: "notifications",
    reply_to_email_name: null,
    to_email_address: target.email_address,
    email_address_id: target.id,
    user_id: user.id,
    subject: `${code} is your verification code`,
    body: verificationEmailHtml(app.name, code, requestedBy, requestedAt),
    body_plain: `${code} is your verification code for ${app.name}.\n\nDo not share this with anyone.\n\nIt was requested at ${requestedAt}. If you did not request this, please ignore this email.\n`,
    status: "queued",
    data: {
      app: {
        name: app.name,
        domain_name: app.domain,
        logo_image_url: `https://img.clerk.com/${random.chars(32)}`,
        logo_url: null,
        url: `https://accounts.${app.domain}`,
      },
      otp_code: code,
      requested_at: requestedAt,
      requested_by: requestedBy,
      theme: { button_text_color: "#ffffff", primary_color: "#335bf1", show_clerk_branding: true },
      user: { public_metadata: {}, public_metadata_fallback: "" },
    },
    // Clerk only sends email.created for delivery to the customer when it does not deliver itself.
    delivered_by_clerk: false,
    created_at: clock,
    updated_at: clock,
  };
}

function smsData(context: SampleContext): Json {
  const { random, user, app, clock } = context;
  const phone = user.phone_numbers.find((number) => number.id === user.primary_phone_number_id) ?? user.phone_numbers[0];
  const code = random.digits(6);
  return {
    object: "sms_message",
    id: random.id("sms_"),
    slug: "verification_code",
    from_phone_number: "+15555550100",
    to_phone_number: phone.phone_number,
    phone_number_id: phone.id,
    user_id: user.id,
    message: `${code} is your verification code for ${app.name}.`,
    status: "queued",
    data: { app: { name: app.name }, otp_code: code },
    delivered_by_clerk: false,
    created_at: clock,
    updated_at: clock,
  };
}

function tombstone(object: string, id: string, extra: Json = {}): Json {
  return { object, id, deleted: true, ...extra };
}

// Maps, not object literals: event types come from the command line and must not hit
// Object.prototype keys such as "constructor".
const SESSION_STATUS = new Map<string, string>([
  ["session.created", "active"],
  ["session.pending", "pending"],
  ["session.ended", "ended"],
  ["session.removed", "removed"],
  ["session.revoked", "revoked"],
]);

const SUBSCRIPTION_ITEM_STATUS = new Map<string, string>([
  ["subscriptionItem.active", "active"],
  ["subscriptionItem.canceled", "canceled"],
  ["subscriptionItem.upcoming", "upcoming"],
  ["subscriptionItem.ended", "ended"],
  ["subscriptionItem.abandoned", "abandoned"],
  ["subscriptionItem.incomplete", "incomplete"],
  ["subscriptionItem.pastDue", "past_due"],
  ["subscriptionItem.expired", "expired"],
]);

type Renderer = (context: SampleContext, type: string) => Json;

const renderUser: Renderer = (context, type) => {
  if (type === "user.deleted") return tombstone("user", context.user.id);
  if (type === "user.created") {
    context.user.created_at = context.clock;
    context.user.last_sign_in_at = context.clock;
  }
  touch(context.user, context.clock);
  context.user.last_active_at = context.clock;
  return userData(context);
};

const renderSession: Renderer = (context, type) => {
  const { session, clock } = context;
  const status = SESSION_STATUS.get(type);
  if (status) session.status = status;
  else if (session.status === "pending") session.status = "active";
  session.last_active_at = clock;
  touch(session, clock);
  return sessionData(context);
};

const renderOrganization: Renderer = (context, type) => {
  const { organization } = context;
  if (type === "organization.deleted") return tombstone("organization", organization.id, { slug: organization.slug });
  touch(organization, context.clock);
  return organizationData(context);
};

const renderOrganizationDomain: Renderer = (context, type) => {
  const domain = context.organizationDomain;
  if (type === "organizationDomain.deleted") return tombstone("organization_domain", domain.id);
  if (type === "organizationDomain.updated" && domain.verification?.status !== "verified") {
    domain.verification = otpVerification("email_code", "verified", 1, null);
    domain.enrollment_mode = "automatic_invitation";
  }
  touch(domain, context.clock);
  return {
    ...snapshot(domain),
    public_organization_data: publicOrganizationData(context.organization),
  };
};

const renderMembership: Renderer = (context, type) => {
  const { organization, clock } = context;
  if (type === "organizationMembership.created") {
    context.membership.created_at = clock;
    organization.members_count += 1;
  } else if (type === "organizationMembership.deleted") {
    organization.members_count = Math.max(0, organization.members_count - 1);
  }
  touch(context.membership, clock);
  return membershipData(context);
};

const renderOrganizationInvitation: Renderer = (context, type) => {
  const invitation = context.organizationInvitation;
  if (type === "organizationInvitation.accepted") {
    invitation.status = "accepted";
    invitation.user_id = context.user.id;
  } else if (type === "organizationInvitation.revoked") {
    invitation.status = "revoked";
  }
  touch(invitation, context.clock);
  return { ...snapshot(invitation), public_organization_data: publicOrganizationData(context.organization) };
};

const renderRole: Renderer = (context, type) => {
  if (type === "role.deleted") return tombstone("role", context.role.id);
  touch(context.role, context.clock);
  return { ...snapshot(context.role), permissions: [snapshot(context.permission)] };
};

const renderPermission: Renderer = (context, type) => {
  if (type === "permission.deleted") return tombstone("permission", context.permission.id);
  touch(context.permission, context.clock);
  return snapshot(context.permission);
};

const renderInvitation: Renderer = (context, type) => {
  const { invitation } = context;
  if (type === "invitation.accepted") invitation.status = "accepted";
  if (type === "invitation.revoked") {
    invitation.status = "revoked";
    invitation.revoked = true;
  }
  touch(invitation, context.clock);
  return snapshot(invitation);
};

const renderWaitlistEntry: Renderer = (context, type) => {
  const entry = context.waitlistEntry;
  if (type === "waitlistEntry.updated" && entry.status === "pending") {
    entry.status = "invited";
    entry.invitation = context.invitation;
  }
  touch(entry, context.clock);
  return snapshot(entry);
};

const renderSubscription: Renderer = (context, type) => {
  const { subscription, clock } = context;
  if (type === "subscription.active") {
    subscription.status = "active";
    subscription.past_due_at = null;
    subscription.active_at ??= clock;
  } else if (type === "subscription.pastDue") {
    subscription.status = "past_due";
    subscription.past_due_at = clock;
  }
  touch(subscription, clock);
  return subscriptionData(context);
};

const renderSubscriptionItem: Renderer = (context, type) => {
  const item = context.subscriptionItem;
  const { clock } = context;
  const status = SUBSCRIPTION_ITEM_STATUS.get(type);
  if (status) item.status = status;
  if (type === "subscriptionItem.freeTrialEnding") {
    // Clerk sends it while the item is still active, three days before the trial ends.
    item.status = "active";
    item.is_free_trial = true;
  }
  if (type === "subscriptionItem.canceled") item.canceled_at = clock;
  if (type === "subscriptionItem.pastDue") item.past_due_at = clock;
  if (type === "subscriptionItem.active") item.past_due_at = null;
  if (type === "subscriptionItem.ended" || type === "subscriptionItem.canceled") {
    item.next_payment_amount = null;
    item.next_payment_date = null;
  }
  touch(item, clock);
  return standaloneItemData(context);
};

const renderPaymentAttempt: Renderer = (context, type) => {
  const attempt = context.paymentAttempt;
  const { clock } = context;
  // A pending attempt settles as paid unless the story failed it first (failPaymentAttempt).
  if (type === "paymentAttempt.updated" && attempt.status === "pending") {
    attempt.status = "paid";
    attempt.paid_at = clock;
  }
  if (attempt.status !== "pending") context.subscription.latest_payment_id = attempt.payment_id;
  touch(attempt, clock);
  return paymentAttemptData(context);
};

const RENDERERS = new Map<string, Renderer>([
  ["user", renderUser],
  ["session", renderSession],
  ["organization", renderOrganization],
  ["organizationDomain", renderOrganizationDomain],
  ["organizationMembership", renderMembership],
  ["organizationInvitation", renderOrganizationInvitation],
  ["role", renderRole],
  ["permission", renderPermission],
  ["email", emailData],
  ["sms", smsData],
  ["invitation", renderInvitation],
  ["waitlistEntry", renderWaitlistEntry],
  ["subscription", renderSubscription],
  ["subscriptionItem", renderSubscriptionItem],
  ["paymentAttempt", renderPaymentAttempt],
]);

/** A type Clerk may add later, on a resource we don't know: the bare minimum an event needs. */
function unknownResourceData(context: SampleContext, type: string): Json {
  const resource = resourceTypeOf(type) || "resource";
  const object = resource.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return { object, id: context.random.id(`${object}_`), created_at: context.clock, updated_at: context.clock };
}

/**
 * One event of `type` about the context's current resources, stamped at `context.clock`.
 * Applies the event's transition (a session.ended ends the session, a subscription.pastDue
 * makes the subscription past due, ...) so later events see the new state. Types not in
 * the catalog still render: as their resource's payload when the resource is known.
 */
export function sampleEnvelope(type: string, context: SampleContext): ClerkEnvelope {
  const render = RENDERERS.get(resourceTypeOf(type)) ?? unknownResourceData;
  return {
    data: render(context, type),
    object: "event",
    type,
    timestamp: context.clock,
    instance_id: context.instanceId,
  };
}

// ---------------------------------------------------------------------------
// The story: one person's life in an app, touching every catalog type in a plausible order.

interface StoryStep {
  type: string;
  /** Time since the previous event: a typical gap (jittered ±25%), or computed from the state. */
  after: number | ((context: SampleContext) => number);
  /** Story-specific changes made just before the event is rendered. */
  prepare?: (context: SampleContext) => void;
}

function addWorkEmail(context: SampleContext) {
  const { user, organizationDomain, clock, random } = context;
  const address = `${user.first_name}.${user.last_name}@${organizationDomain.name}`.toLowerCase();
  const email = emailAddress(random, address, clock, false);
  user.email_addresses.push(email);
  context.emailTargetId = email.id;
}

function makeWorkEmailPrimary(context: SampleContext) {
  const { user, clock } = context;
  const email = user.email_addresses.find((candidate) => candidate.id === context.emailTargetId);
  if (!email) return;
  email.verification = otpVerification("email_code", "verified", 1, email.verification.expire_at);
  email.updated_at = clock;
  user.primary_email_address_id = email.id;
  context.payer.email = email.email_address;
  context.payer.updated_at = clock;
}

function startSession(context: SampleContext, status: string) {
  context.session = newSession(context.random, context.user.id, status, context.clock);
  context.user.last_sign_in_at = context.clock;
}

function startItem(
  context: SampleContext,
  plan: PlanJson,
  periodStart: number,
  periodEnd: number | null,
  interval: "month" | "annual",
) {
  const item = subscriptionItem(context.random, plan, "upcoming", periodStart, periodEnd, interval);
  item.created_at = context.clock;
  item.updated_at = context.clock;
  context.subscription.items.push(item);
  context.subscriptionItem = item;
}

function focusItem(context: SampleContext, plan: PlanJson) {
  const item = context.subscription.items.find((candidate) => candidate.plan.id === plan.id && candidate.status !== "ended");
  if (item) context.subscriptionItem = item;
}

function proItemOf(context: SampleContext): SubscriptionItemJson {
  return context.subscription.items.find((item) => item.plan.id === context.plans.pro.id) ?? context.subscriptionItem;
}

function newPaymentAttempt(context: SampleContext, chargeType: "checkout" | "recurring", samePayment: boolean) {
  const previous = context.paymentAttempt;
  context.paymentAttempt = paymentAttempt(
    context.random,
    context.instanceId,
    context.paymentSource,
    [proItemOf(context)],
    chargeType,
    context.clock,
    samePayment ? previous.payment_id : undefined,
  );
  if (samePayment) context.paymentAttempt.billing_date = previous.billing_date;
}

function failPaymentAttempt(context: SampleContext) {
  const attempt = context.paymentAttempt;
  attempt.status = "failed";
  attempt.failed_at = context.clock;
  attempt.failed_reason = { code: "card_declined", decline_code: "insufficient_funds" };
}

const TRIAL_DAYS = 14;

const STORY: readonly StoryStep[] = [
  // An admin sets up custom access control before anyone signs up.
  { type: "permission.created", after: 0 },
  { type: "role.created", after: 5 * MINUTE },
  // A mistyped instance invitation, revoked at once.
  {
    type: "invitation.created",
    after: 2 * HOUR,
    prepare: (context) => {
      const { user } = context;
      const typo = `${user.first_name}.${user.last_name}@exmaple.com`.toLowerCase();
      context.invitation = instanceInvitation(context.random, context.app, typo, context.clock);
    },
  },
  { type: "invitation.revoked", after: 15 * MINUTE },
  // The person joins the waitlist, is invited, and signs up.
  {
    type: "waitlistEntry.created",
    after: 6 * HOUR,
    prepare: (context) => {
      context.waitlistEntry.created_at = context.clock;
    },
  },
  {
    type: "invitation.created",
    after: DAY,
    prepare: (context) => {
      const email = context.user.email_addresses[0].email_address;
      context.invitation = instanceInvitation(context.random, context.app, email, context.clock);
    },
  },
  { type: "waitlistEntry.updated", after: 1_000 },
  { type: "invitation.accepted", after: 3 * HOUR },
  {
    type: "user.created",
    after: 2_000,
    prepare: (context) => {
      const { user, clock } = context;
      for (const identifier of [...user.email_addresses, ...user.phone_numbers]) {
        identifier.created_at = clock;
        identifier.updated_at = clock;
      }
      user.mfa_enabled_at = clock;
      user.legal_accepted_at = clock;
      context.payer.created_at = clock;
      context.payer.updated_at = clock;
    },
  },
  { type: "session.created", after: 1_000, prepare: (context) => startSession(context, "active") },
  {
    type: "waitlistEntry.updated",
    after: 1_000,
    prepare: (context) => {
      context.waitlistEntry.status = "completed";
    },
  },
  // A colleague creates their organization and invites them.
  {
    type: "organization.created",
    after: DAY,
    prepare: (context) => {
      context.organization.created_at = context.clock;
    },
  },
  {
    type: "organizationDomain.created",
    after: 10 * MINUTE,
    prepare: (context) => {
      context.organizationDomain.created_at = context.clock;
    },
  },
  { type: "organizationDomain.updated", after: 30 * MINUTE },
  {
    type: "organizationInvitation.created",
    after: HOUR,
    prepare: (context) => {
      const email = `finance@${context.organizationDomain.name}`;
      const { random, app, organization, inviter, clock } = context;
      context.organizationInvitation = organizationInvitation(random, app, organization, inviter.userId, email, clock);
    },
  },
  { type: "organizationInvitation.revoked", after: 20 * MINUTE },
  {
    type: "organizationInvitation.created",
    after: 5 * MINUTE,
    prepare: (context) => {
      const email = context.user.email_addresses[0].email_address;
      const { random, app, organization, inviter, clock } = context;
      context.organizationInvitation = organizationInvitation(random, app, organization, inviter.userId, email, clock);
      organization.pending_invitations_count = 1;
    },
  },
  { type: "organizationInvitation.accepted", after: 2 * HOUR },
  {
    type: "organizationMembership.created",
    after: 1_000,
    prepare: (context) => {
      context.organization.pending_invitations_count = 0;
    },
  },
  { type: "session.ended", after: 3 * HOUR },
  // Next day: a two-factor code by SMS, then a session that must pick an organization first.
  { type: "sms.created", after: DAY },
  { type: "session.pending", after: 30_000, prepare: (context) => startSession(context, "pending") },
  {
    type: "session.updated",
    after: 20_000,
    prepare: (context) => {
      context.session.last_active_organization_id = context.organization.id;
    },
  },
  // They add their work address, verify it with a code, and make it primary.
  { type: "email.created", after: HOUR, prepare: addWorkEmail },
  { type: "user.updated", after: MINUTE, prepare: makeWorkEmailPrimary },
  {
    type: "organizationMembership.updated",
    after: DAY,
    prepare: (context) => {
      const membership = context.membership;
      membership.role = "org:admin";
      membership.role_name = "Admin";
      membership.permissions = [...membership.permissions, "org:sys_memberships:manage", "org:sys_billing:manage"];
    },
  },
  {
    type: "organization.updated",
    after: HOUR,
    prepare: (context) => {
      context.organization.public_metadata = { industry: "logistics", seats_purchased: 5 };
    },
  },
  {
    type: "permission.updated",
    after: 2 * HOUR,
    prepare: (context) => {
      context.permission.description = "See and download the organization's invoices";
    },
  },
  {
    type: "role.updated",
    after: MINUTE,
    prepare: (context) => {
      context.role.description = "Manages the organization's plan, payment methods and invoices";
    },
  },
  // Billing, paid by the user: a Pro trial, a failed renewal, recovery, then a downgrade.
  {
    type: "subscription.created",
    after: DAY,
    prepare: (context) => {
      const { subscription, clock, plans } = context;
      subscription.created_at = clock;
      subscription.active_at = clock;
      subscription.items = [];
      startItem(context, plans.pro, clock, clock + TRIAL_DAYS * DAY, "month");
      context.subscriptionItem.status = "active";
      context.subscriptionItem.is_free_trial = true;
    },
  },
  { type: "subscriptionItem.created", after: 1_000 },
  { type: "subscriptionItem.active", after: 1_000 },
  { type: "subscriptionItem.freeTrialEnding", after: (context) => (context.subscriptionItem.period_end ?? 0) - 3 * DAY - context.clock },
  {
    type: "paymentAttempt.created",
    after: (context) => (context.subscriptionItem.period_end ?? 0) - context.clock,
    prepare: (context) => newPaymentAttempt(context, "recurring", false),
  },
  { type: "paymentAttempt.updated", after: 5_000, prepare: failPaymentAttempt },
  { type: "subscriptionItem.pastDue", after: 2_000 },
  { type: "subscription.pastDue", after: 1_000 },
  {
    type: "paymentAttempt.created",
    after: DAY,
    prepare: (context) => {
      context.paymentSource = { ...context.paymentSource, id: context.random.id("cps_"), last4: context.random.digits(4) };
      context.subscription.payment_source_id = context.paymentSource.id;
      newPaymentAttempt(context, "recurring", true);
    },
  },
  { type: "paymentAttempt.updated", after: 5_000 },
  {
    type: "subscriptionItem.active",
    after: 2_000,
    prepare: (context) => {
      const item = context.subscriptionItem;
      const trialEnd = item.period_end ?? context.clock;
      item.is_free_trial = false;
      item.period_start = trialEnd;
      item.period_end = trialEnd + 30 * DAY;
      item.next_payment_date = item.period_end;
    },
  },
  { type: "subscription.active", after: 1_000 },
  {
    type: "subscription.updated",
    after: 2 * DAY,
    prepare: (context) => {
      context.paymentSource = { ...context.paymentSource, id: context.random.id("cps_"), card_type: "visa", last4: "4242" };
      context.subscription.payment_source_id = context.paymentSource.id;
    },
  },
  {
    type: "subscriptionItem.updated",
    after: MINUTE,
    prepare: (context) => {
      // A coupon: the next charge drops, the status does not change.
      context.subscriptionItem.next_payment_amount = 1600;
    },
  },
  // A Business checkout that is never finished, then a scheduled switch that is superseded.
  {
    type: "subscriptionItem.incomplete",
    after: 5 * DAY,
    prepare: (context) => startItem(context, context.plans.business, context.clock, context.clock + 365 * DAY, "annual"),
  },
  { type: "subscriptionItem.expired", after: DAY },
  {
    type: "subscriptionItem.upcoming",
    after: 2 * DAY,
    prepare: (context) => {
      const periodEnd = proItemOf(context).period_end ?? context.clock;
      startItem(context, context.plans.business, periodEnd, periodEnd + 365 * DAY, "annual");
    },
  },
  { type: "subscriptionItem.abandoned", after: DAY },
  { type: "subscriptionItem.canceled", after: 2 * DAY, prepare: (context) => focusItem(context, context.plans.pro) },
  {
    type: "subscriptionItem.upcoming",
    after: 1_000,
    prepare: (context) => startItem(context, context.plans.free, proItemOf(context).period_end ?? context.clock, null, "month"),
  },
  {
    type: "subscriptionItem.ended",
    after: (context) => (proItemOf(context).period_end ?? 0) - context.clock,
    prepare: (context) => focusItem(context, context.plans.pro),
  },
  { type: "subscriptionItem.active", after: 1_000, prepare: (context) => focusItem(context, context.plans.free) },
  // Winding down: they leave the org, sessions end, the org and its setup go, the account is deleted.
  { type: "organizationMembership.deleted", after: 2 * DAY },
  { type: "session.revoked", after: HOUR },
  { type: "session.created", after: DAY, prepare: (context) => startSession(context, "active") },
  { type: "session.removed", after: 2 * HOUR },
  { type: "organizationDomain.deleted", after: DAY },
  { type: "organization.deleted", after: HOUR },
  { type: "role.deleted", after: DAY },
  { type: "permission.deleted", after: MINUTE },
  { type: "user.deleted", after: DAY },
];

function runStory(seed: number, start: number, userId: string | undefined): ClerkEnvelope[] {
  const context = createSampleContext({ seed, now: start, userId });
  const envelopes: ClerkEnvelope[] = [];
  for (const step of STORY) {
    const gap =
      typeof step.after === "number"
        ? Math.round(step.after * (0.75 + context.random.next() * 0.5))
        : Math.round(step.after(context));
    // Never two events of one story in the same millisecond: their order must be unambiguous.
    context.clock += Math.max(envelopes.length === 0 ? 0 : 1_000, gap);
    step.prepare?.(context);
    envelopes.push(sampleEnvelope(step.type, context));
  }
  return envelopes;
}

/**
 * One linked story covering every catalog type: one user (also the billing payer), one
 * organization, one subscription, in chronological order, ending at or before `now`.
 */
export function buildSampleStory(options: SampleOptions = {}): ClerkEnvelope[] {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now();
  // The story's length depends only on the seed, so a dry run tells us where to start it.
  const dryRun = runStory(seed, 0, options.userId);
  const duration = dryRun[dryRun.length - 1].timestamp;
  return runStory(seed, now - duration, options.userId);
}

function storySeeds(seed: number, count: number): number[] {
  const random = new SampleRandom(seed ^ 0x5bd1e995);
  return Array.from({ length: count }, (_, index) => (index === 0 ? seed : random.int(1, 0x7fffffff)));
}

/** Several stories happening at the same time, interleaved by timestamp as Clerk would send them. */
function interleavedStories(options: SampleOptions, keep: (type: string) => boolean): ClerkEnvelope[] {
  const count = Math.max(1, Math.floor(options.count ?? 1));
  const now = options.now ?? Date.now();
  const seed = options.seed ?? 1;
  const offsets = new SampleRandom(seed ^ 0x2545f491);
  const stories = storySeeds(seed, count).map((storySeed, index) =>
    buildSampleStory({ seed: storySeed, now: index === 0 ? now : now - offsets.int(0, DAY), userId: options.userId }).filter(
      (envelope) => keep(envelope.type),
    ),
  );
  // Array.prototype.sort is stable, so each story keeps its own order on equal timestamps.
  return stories.flat().sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Samples for `hookline send` and tests.
 * - `"all"` (or `"*"`): `count` whole stories, interleaved.
 * - `"user.*"`, or a comma-separated list of types and prefixes: those events of `count` stories.
 * - a single type: `count` independent events of that type with fresh ids, a few seconds apart.
 */
export function buildSamples(selector: string, options: SampleOptions = {}): ClerkEnvelope[] {
  const patterns = selector
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (patterns.length === 0) return [];
  if (patterns.some((pattern) => pattern === "all" || pattern === "*")) return interleavedStories(options, () => true);

  const { exact, prefixes } = expandTypePatterns(patterns);
  if (prefixes.length === 0 && exact.length === 1) return singleTypeSamples(exact[0], options);
  return interleavedStories(options, (type) => typeMatchesPatterns(type, patterns));
}

function singleTypeSamples(type: string, options: SampleOptions): ClerkEnvelope[] {
  const count = Math.max(1, Math.floor(options.count ?? 1));
  const now = options.now ?? Date.now();
  return storySeeds(options.seed ?? 1, count).map((seed, index) => {
    const context = createSampleContext({ seed, now: now - (count - 1 - index) * 5_000, userId: options.userId });
    return sampleEnvelope(type, context);
  });
}

/** The catalog types `buildSamples(selector)` can produce, for validating CLI input up front. */
export function typesForSelector(selector: string): string[] {
  const patterns = selector
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (patterns.some((pattern) => pattern === "all" || pattern === "*")) return EVENT_CATALOG.map((info) => info.type);
  const { exact, prefixes } = expandTypePatterns(patterns);
  if (prefixes.length === 0 && exact.length === 1) return exact;
  return EVENT_CATALOG.map((info) => info.type).filter((type) => typeMatchesPatterns(type, patterns));
}
