// What an update changed, in words for the event list's Summary column (issue 13, A):
// "primary email changed", "name changed", "public metadata: plan free → business".
// Built from the payload diff's paths (./payload-diff.ts); values are shown only for
// short metadata scalars, never for message bodies. Browser-safe.
import type { PayloadChange } from "./payload-diff";

const FIELD_WORDS: Record<string, string> = {
  primary_email_address_id: "primary email changed",
  email_addresses: "email addresses changed",
  primary_phone_number_id: "primary phone changed",
  phone_numbers: "phone numbers changed",
  primary_web3_wallet_id: "primary wallet changed",
  web3_wallets: "wallets changed",
  first_name: "name changed",
  last_name: "name changed",
  username: "username changed",
  image_url: "photo changed",
  profile_image_url: "photo changed",
  has_image: "photo changed",
  password_enabled: "password changed",
  two_factor_enabled: "two-factor changed",
  totp_enabled: "two-factor changed",
  backup_code_enabled: "backup codes changed",
  external_accounts: "connected accounts changed",
  enterprise_accounts: "enterprise accounts changed",
  saml_accounts: "SAML accounts changed",
  passkeys: "passkeys changed",
  banned: "ban changed",
  locked: "lock changed",
  name: "name changed",
  slug: "slug changed",
  max_allowed_memberships: "member limit changed",
  role: "role changed",
  role_name: "role changed",
  status: "status changed",
  last_sign_in_at: "signed in",
};

const METADATA = new Set(["public_metadata", "private_metadata", "unsafe_metadata"]);
const SHORT = 24;

/** The top-level key under `data` and the rest of the path: `data.public_metadata.plan` → ["public_metadata", "plan"]. */
function fieldOf(path: string): [string, string] {
  const rest = path.replace(/^data\.?/, "");
  const match = /^([A-Za-z0-9_]+)(.*)$/.exec(rest);
  if (!match) return [rest, ""];
  return [match[1], match[2].replace(/^\./, "")];
}

function shortValue(value: unknown): string | null {
  if (value === undefined || value === null) return "∅";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string" && value.length <= SHORT) return value;
  return null;
}

function booleanWords(field: string, value: unknown): string | null {
  if (typeof value !== "boolean") return null;
  if (field === "banned") return value ? "banned" : "unbanned";
  if (field === "locked") return value ? "locked" : "unlocked";
  if (field === "two_factor_enabled" || field === "totp_enabled") return value ? "two-factor turned on" : "two-factor turned off";
  if (field === "password_enabled") return value ? "password set" : "password removed";
  return null;
}

// Who the person is comes first, then how they sign in, then account flags, metadata
// last: the first phrases are the ones the Summary column has room for.
const PRIORITY = [
  "first_name", "last_name", "name", "primary_email_address_id", "email_addresses", "username", "primary_phone_number_id", "phone_numbers",
  "role", "role_name", "status", "banned", "locked", "password_enabled", "two_factor_enabled", "totp_enabled",
];
const rank = (path: string) => {
  const [field] = fieldOf(path);
  const i = PRIORITY.indexOf(field);
  return i === -1 ? (METADATA.has(field) ? PRIORITY.length + 1 : PRIORITY.length) : i;
};

/**
 * Phrases for the changes that are not noise, most telling first, without repeats.
 * Empty when nothing but noise (`updated_at`) changed.
 */
export function changePhrases(changes: readonly PayloadChange[]): string[] {
  const phrases: string[] = [];
  const add = (phrase: string) => {
    if (!phrases.includes(phrase)) phrases.push(phrase);
  };
  for (const change of [...changes].sort((a, b) => rank(a.path) - rank(b.path))) {
    if (change.noise) continue;
    const [field, sub] = fieldOf(change.path);
    if (!field) continue;
    if (METADATA.has(field)) {
      const which = field.replace("_metadata", " metadata");
      const key = sub.split(/[.[]/)[0];
      if (!key) {
        add(`${which} changed`);
        continue;
      }
      const before = shortValue(change.oldValue);
      const after = shortValue(change.newValue);
      add(before !== null && after !== null && sub === key ? `${which}: ${key} ${before} → ${after}` : `${which}: ${key}`);
      continue;
    }
    const flag = sub === "" ? booleanWords(field, change.newValue) : null;
    if (flag) {
      add(flag);
      continue;
    }
    if ((field === "role" || field === "role_name") && sub === "" && shortValue(change.newValue) !== null) {
      add(`role ${shortValue(change.oldValue) ?? "?"} → ${shortValue(change.newValue)}`);
      continue;
    }
    if (field === "status" && sub === "" && typeof change.newValue === "string") {
      add(`status ${shortValue(change.oldValue) ?? "?"} → ${change.newValue}`);
      continue;
    }
    add(FIELD_WORDS[field] ?? `${field.replace(/_/g, " ")} changed`);
  }
  return phrases;
}

/** "primary email changed, name changed (+2 more)", or null when nothing but noise changed. */
export function describeChanges(changes: readonly PayloadChange[], max = 3): string | null {
  const phrases = changePhrases(changes);
  if (phrases.length === 0) return null;
  const shown = phrases.slice(0, max).join(", ");
  return phrases.length > max ? `${shown} (+${phrases.length - max} more)` : shown;
}
