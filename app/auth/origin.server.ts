// Cross-site request forgery guard for browser mutations: a POST (or other unsafe
// method) must come from this site's own pages. SameSite=Lax cookies already keep
// the session off cross-site POSTs; this is the second lock.
import type { IncomingHttpHeaders } from "node:http";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Paths that authenticate without cookies (signatures or bearer tokens). */
export function isExemptFromOriginCheck(path: string): boolean {
  return path.startsWith("/webhooks/") || path.startsWith("/api/");
}

export function originAllowed(method: string, headers: IncomingHttpHeaders): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const host = headers["x-forwarded-host"] ?? headers.host;
  if (!host) return false;
  const source = headers.origin ?? headers.referer;
  if (!source || source === "null") return false;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}
