// One line per timeline entry, in words a support person reads: "Joined Acme as Admin",
// "Payment failed · $20.00 USD (card_declined)". Built from the event's own payload only,
// and never from message bodies or one-time codes (see app/events/redaction.ts), so the
// line is safe to show to every role. Browser-safe.
import { asArray, asObject, asString, asTimestampMs, type Json } from "./lifecycle-event";

export function displayName(data: Json | null): string | null {
  if (!data) return null;
  const name = [asString(data.first_name), asString(data.last_name)].filter(Boolean).join(" ");
  return name || null;
}

/** The address `primary_email_address_id` points at, from `email_addresses[]`. */
export function primaryEmailOf(data: Json | null): string | null {
  if (!data) return null;
  const primaryId = asString(data.primary_email_address_id);
  const emails = asArray(data.email_addresses).map(asObject).filter((email): email is Json => email !== null);
  const primary = emails.find((email) => asString(email.id) === primaryId) ?? (primaryId ? null : emails[0]);
  return asString(primary?.email_address);
}

export function primaryPhoneOf(data: Json | null): string | null {
  if (!data) return null;
  const primaryId = asString(data.primary_phone_number_id);
  const phones = asArray(data.phone_numbers).map(asObject).filter((phone): phone is Json => phone !== null);
  const primary = phones.find((phone) => asString(phone.id) === primaryId) ?? (primaryId ? null : phones[0]);
  return asString(primary?.phone_number);
}

export interface MoneyAmount {
  /** Minor units (cents). */
  amount: number | null;
  currency: string | null;
  /** "$20.00 USD", or null when the payload carries no amount. */
  text: string | null;
}

/** Clerk's Money object (`{amount, amount_formatted, currency, currency_symbol}`). */
export function readMoney(value: unknown): MoneyAmount {
  const money = asObject(value);
  if (!money) return { amount: null, currency: null, text: null };
  const amount = typeof money.amount === "number" ? money.amount : null;
  const currency = asString(money.currency);
  const formatted =
    asString(money.amount_formatted) ?? (amount !== null ? `${asString(money.currency_symbol) ?? ""}${(amount / 100).toFixed(2)}` : null);
  const text = formatted ? [formatted, currency].filter(Boolean).join(" ") : null;
  return { amount, currency, text };
}

/** A payment attempt's total: `totals.grand_total`, else the sum's first item amount. */
export function paymentAmount(data: Json | null): MoneyAmount {
  const totals = asObject(data?.totals);
  const grand = readMoney(totals?.grand_total);
  if (grand.text) return grand;
  const firstItem = asObject(asArray(data?.subscription_items)[0]);
  return readMoney(firstItem?.amount);
}

export function planName(data: Json | null): string | null {
  return asString(asObject(data?.plan)?.name) ?? asString(asObject(data?.plan)?.slug);
}

const SESSION_WORDS: Record<string, string> = {
  "session.created": "Signed in",
  "session.pending": "Session pending (waiting on a task)",
  "session.updated": "Session updated",
  "session.ended": "Signed out (session ended)",
  "session.removed": "Session removed",
  "session.revoked": "Session revoked",
};

const ITEM_WORDS: Record<string, string> = {
  active: "active",
  canceled: "canceled",
  upcoming: "upcoming",
  ended: "ended",
  abandoned: "abandoned",
  incomplete: "incomplete",
  past_due: "past due",
  expired: "expired",
};

function sessionDevice(data: Json | null): string | null {
  const activity = asObject(data?.latest_activity);
  if (!activity) return null;
  const browser = asString(activity.browser_name);
  const device = asString(activity.device_type);
  const place = [asString(activity.city), asString(activity.country)].filter(Boolean).join(", ");
  const what = browser && device ? `${browser} on ${device}` : (browser ?? device);
  return [what, place].filter(Boolean).join(" · ") || null;
}

function organizationName(data: Json | null): string | null {
  return (
    asString(asObject(data?.organization)?.name) ??
    asString(asObject(data?.public_organization_data)?.name) ??
    asString(data?.organization_id)
  );
}

function role(data: Json | null): string | null {
  return asString(data?.role_name) ?? asString(data?.role);
}

function date(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10);
}

/** What happened, in one line. Falls back to the type for events it does not know. */
export function summarizeEvent(type: string, data: Json | null): string {
  const [resource, action = ""] = [type.slice(0, type.lastIndexOf(".")), type.slice(type.lastIndexOf(".") + 1)];
  switch (resource) {
    case "user": {
      if (action === "deleted") return "Account deleted";
      const who = [displayName(data), primaryEmailOf(data)].filter(Boolean).join(" · ");
      if (action === "created") return who ? `Signed up: ${who}` : "Signed up";
      return who ? `Profile updated: ${who}` : "Profile updated";
    }
    case "session": {
      const words = SESSION_WORDS[type] ?? `Session ${action}`;
      const device = action === "created" || action === "pending" ? sessionDevice(data) : null;
      return device ? `${words} · ${device}` : words;
    }
    case "organizationMembership": {
      const org = organizationName(data) ?? "an organization";
      if (action === "created") return `Joined ${org}${role(data) ? ` as ${role(data)}` : ""}`;
      if (action === "deleted") return `Left ${org}`;
      return `Membership in ${org} updated${role(data) ? `: role ${role(data)}` : ""}`;
    }
    case "organizationInvitation": {
      const email = asString(data?.email_address) ?? "someone";
      if (action === "created") return `Invited ${email}${role(data) ? ` as ${role(data)}` : ""}`;
      if (action === "accepted") return `${email} accepted the invitation`;
      if (action === "revoked") return `Invitation for ${email} revoked`;
      return `Invitation for ${email} ${action}`;
    }
    case "organization": {
      const name = asString(data?.name) ?? asString(data?.slug);
      if (action === "created") return `Organization created${name ? `: ${name}` : ""}`;
      if (action === "deleted") return "Organization deleted";
      return `Organization updated${name ? `: ${name}` : ""}`;
    }
    case "organizationDomain": {
      const name = asString(data?.name) ?? "a domain";
      if (action === "created") return `Domain ${name} added`;
      if (action === "deleted") return "Domain removed";
      const status = asString(asObject(data?.verification)?.status);
      return `Domain ${name} updated${status ? ` (verification ${status})` : ""}`;
    }
    case "email":
      return `Email to ${asString(data?.to_email_address) ?? "unknown"}${asString(data?.slug) ? ` (${asString(data?.slug)})` : ""}`;
    case "sms":
      return `SMS to ${asString(data?.to_phone_number) ?? "unknown"}${asString(data?.slug) ? ` (${asString(data?.slug)})` : ""}`;
    case "subscription": {
      const status = subscriptionStatusFromEvent(type, data);
      if (action === "created") return `Subscription created${status ? ` (${status.replace("_", " ")})` : ""}`;
      if (action === "updated") return `Subscription updated${status ? ` (${status.replace("_", " ")})` : ""}`;
      return `Subscription ${status ? status.replace("_", " ") : action}`;
    }
    case "subscriptionItem": {
      const plan = planName(data) ?? "Plan";
      if (action === "freeTrialEnding") {
        const end = date(asTimestampMs(data?.period_end));
        return `${plan}: free trial ending${end ? ` (${end})` : ""}`;
      }
      const status = itemStatusFromEvent(type, data);
      return `${plan}: ${status ? (ITEM_WORDS[status] ?? status) : action}`;
    }
    case "paymentAttempt": {
      const status = asString(data?.status) ?? (action === "created" ? "pending" : action);
      const amount = paymentAmount(data).text;
      const reason = asObject(data?.failed_reason);
      const why = status === "failed" ? [asString(reason?.code), asString(reason?.decline_code)].filter(Boolean).join(" / ") : "";
      return `Payment ${status}${amount ? ` · ${amount}` : ""}${why ? ` (${why})` : ""}`;
    }
    case "role":
    case "permission": {
      // Instance-wide authorization: "Role Billing manager (org:billing_manager) created".
      const noun = resource === "role" ? "Role" : "Permission";
      if (action === "deleted") return `${noun} deleted`;
      const name = asString(data?.name);
      const key = asString(data?.key);
      const what = name && key ? `${name} (${key})` : (name ?? key);
      return `${noun}${what ? ` ${what}` : ""} ${action}`;
    }
    case "invitation": {
      // Application (not organization) invitations.
      const email = asString(data?.email_address) ?? "someone";
      if (action === "created") return `Invited ${email} to sign up`;
      if (action === "accepted") return `${email} accepted the sign-up invitation`;
      if (action === "revoked") return `Sign-up invitation for ${email} revoked`;
      return `Sign-up invitation for ${email} ${action}`;
    }
    case "waitlistEntry": {
      const email = asString(data?.email_address) ?? "someone";
      const status = asString(data?.status);
      if (action === "created") return `${email} joined the waitlist`;
      return `Waitlist entry for ${email}${status ? `: ${status}` : ` ${action}`}`;
    }
    default:
      return type;
  }
}

// ---------------------------------------------------------------------------
// Billing statuses as events state them. Event names are camelCase (`pastDue`), the
// `status` values snake_case (`past_due`) (CLERK-EVENTS.md, "Naming").

const ITEM_STATUS_BY_ACTION: Record<string, string> = {
  active: "active",
  canceled: "canceled",
  upcoming: "upcoming",
  ended: "ended",
  abandoned: "abandoned",
  incomplete: "incomplete",
  pastDue: "past_due",
  expired: "expired",
};

/** The item status an event sets; `freeTrialEnding` and `.updated` report the payload's. */
export function itemStatusFromEvent(type: string, data: Json | null): string | null {
  const action = type.slice(type.lastIndexOf(".") + 1);
  return ITEM_STATUS_BY_ACTION[action] ?? asString(data?.status);
}

const SUBSCRIPTION_STATUS_BY_ACTION: Record<string, string> = {
  active: "active",
  pastDue: "past_due",
  canceled: "canceled",
  ended: "ended",
};

export function subscriptionStatusFromEvent(type: string, data: Json | null): string | null {
  const action = type.slice(type.lastIndexOf(".") + 1);
  return SUBSCRIPTION_STATUS_BY_ACTION[action] ?? asString(data?.status);
}
