// Delivery.headers holds every request header as JSON [name, value] pairs in arrival
// order, duplicates kept (ADR 0001). Browser-safe.

/** Parses header pairs as stored by ingest; anything else reads as no headers. */
export function parseStoredHeaders(stored: string): [string, string][] {
  try {
    const value: unknown = JSON.parse(stored);
    if (Array.isArray(value)) {
      return value.filter((pair): pair is [string, string] => Array.isArray(pair) && pair.length === 2).map(([n, v]) => [String(n), String(v)]);
    }
    if (value && typeof value === "object") {
      return Object.entries(value as Record<string, unknown>).flatMap(([name, v]) =>
        Array.isArray(v) ? v.map((item) => [name, String(item)] as [string, string]) : [[name, String(v)] as [string, string]],
      );
    }
  } catch {
    // fall through
  }
  return [];
}

// Credential headers a sender may have put on a request to /webhooks/* (a proxy's
// basic auth, a cookie, an API key). They are kept as they arrived but shown masked,
// like one-time codes: viewers never see them; operators and admins can reveal them,
// audited (issue 10, ADR 0010).
const CREDENTIAL_HEADER_NAMES = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "apikey",
  "x-auth-token",
  "x-access-token",
  "x-amz-security-token",
  "x-goog-api-key",
  "x-csrf-token",
  "x-xsrf-token",
  "x-vault-token",
  "private-token",
]);
/** Name parts that mark a credential: `x-my-secret`, `x-upstream-auth`, `x-session-token`, `x-apikey`. */
const CREDENTIAL_NAME_PART = /(?:^|[-_])(?:auth|authorization|token|secret|password|passwd|credentials?|cookie|session|apikey|api-key|api_key)(?:$|[-_])/i;

/** Whether a header's value is masked for viewers. */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADER_NAMES.has(lower) || CREDENTIAL_NAME_PART.test(lower);
}

export const MASKED_HEADER_VALUE = "••••••";

export interface HeaderView {
  headers: [string, string][];
  /** Names of the credential headers present (their values are masked unless revealed). */
  credentialHeaders: string[];
}

/** The headers as a caller sees them: credential values masked unless `reveal`. */
export function viewHeaders(headers: [string, string][], reveal: boolean): HeaderView {
  const credentialHeaders: string[] = [];
  const shown = headers.map(([name, value]): [string, string] => {
    if (!isCredentialHeader(name)) return [name, value];
    credentialHeaders.push(name);
    return reveal ? [name, value] : [name, MASKED_HEADER_VALUE];
  });
  return { headers: shown, credentialHeaders };
}
