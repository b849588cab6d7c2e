// What support staff (viewers) must not see by default: one-time codes, and the
// bodies of emails and SMS that Clerk asked the customer to deliver (they carry
// codes and magic links). Operators and admins see them after an explicit,
// audited "reveal". Browser-safe: used by pages and the API alike.
import { hasRole, type Role } from "~/auth/roles";

export const REDACTED = "••••••";

/** Envelope paths (below `data`) that are masked for viewers. */
const SECRET_KEYS = new Set(["otp_code", "code", "token", "magic_link", "action_url", "url"]);
const BODY_FIELDS: Record<string, string[]> = {
  "email.created": ["body", "body_plain", "subject"],
  "sms.created": ["message"],
};

export interface Redaction<T> {
  value: T;
  /** JSON paths that were masked, e.g. `data.data.otp_code`. */
  paths: string[];
}

/** Whether this role sees redacted fields without asking. */
export function seesSecrets(role: Role | string): boolean {
  return hasRole(role, "operator");
}

/** Needs redaction at all? (So pages can skip work and say "nothing hidden".) */
export function typeHasSecrets(type: string): boolean {
  return type in BODY_FIELDS;
}

/** A masked copy of an envelope: message bodies and every one-time code inside `data`. */
export function redactEnvelope<T>(type: string, envelope: T): Redaction<T> {
  return applyMask(type, envelope, "mask");
}

/**
 * The envelope without the values redactEnvelope masks (the same paths, removed), for
 * the full-text index: a value a viewer may not see must not be findable either, or
 * searching for guesses would confirm it. The type is read from the envelope.
 */
export function withoutMaskedValues<T>(envelope: T): T {
  const type = envelope && typeof envelope === "object" ? (envelope as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !typeHasSecrets(type)) return envelope;
  return applyMask(type, envelope, "drop").value;
}

function applyMask<T>(type: string, envelope: T, action: "mask" | "drop"): Redaction<T> {
  const paths: string[] = [];
  if (!envelope || typeof envelope !== "object") return { value: envelope, paths };
  const copy = structuredClone(envelope) as Record<string, unknown>;
  const data = copy.data;
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    for (const field of BODY_FIELDS[type] ?? []) {
      if (typeof record[field] === "string") {
        hide(record, field, action);
        paths.push(`data.${field}`);
      }
    }
    if (typeHasSecrets(type)) maskSecretKeys(record, "data", paths, action);
  }
  return { value: copy as T, paths };
}

function hide(node: Record<string, unknown>, key: string, action: "mask" | "drop") {
  if (action === "mask") node[key] = REDACTED;
  else delete node[key];
}

function maskSecretKeys(node: Record<string, unknown>, path: string, paths: string[], action: "mask" | "drop", depth = 0) {
  if (depth > 20) return;
  for (const [key, value] of Object.entries(node)) {
    const here = `${path}.${key}`;
    if (SECRET_KEYS.has(key) && (typeof value === "string" || typeof value === "number")) {
      hide(node, key, action);
      paths.push(here);
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      maskSecretKeys(value as Record<string, unknown>, here, paths, action, depth + 1);
    }
  }
}
