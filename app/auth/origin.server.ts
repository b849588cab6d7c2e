// Cross-site request forgery guard for browser mutations: a POST (or other unsafe
// method) must come from this site's own pages. SameSite=Lax cookies already keep
// the session off cross-site POSTs; this is the second lock.
import type { IncomingHttpHeaders } from "node:http";
import path from "node:path";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The path a request will be routed to: decoded, `\` read as `/`, `.` and `..`
 * resolved. NOTE: Remix builds its request with `new URL()`, which resolves dot
 * segments (also spelled `%2e%2e`), so `/webhooks/../settings/tokens` runs the
 * settings route; a policy keyed on the path must not look at the raw `req.url`.
 */
export function normalisedPath(rawUrl: string): string {
  const pathname = rawUrl.split(/[?#]/, 1)[0]!;
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // Not valid percent-encoding: judge the raw spelling.
  }
  return path.posix.normalize(decoded.replace(/\\/g, "/"));
}

function isExemptPath(pathname: string): boolean {
  return pathname.startsWith("/webhooks/") || pathname.startsWith("/api/");
}

/**
 * Paths that authenticate without cookies (signatures or bearer tokens). Exempt only
 * when the normalised path and the path a URL parser resolves both say so.
 */
export function isExemptFromOriginCheck(rawUrl: string): boolean {
  const resolved = new URL(rawUrl.split(/[?#]/, 1)[0]!.replace(/^\/+/, "/"), "http://hookline.invalid").pathname;
  return isExemptPath(normalisedPath(rawUrl)) && isExemptPath(resolved);
}

/**
 * `host` is the host the request was sent to: the Host header, or X-Forwarded-Host
 * when a trusted proxy set it (app/server/client-address.server.ts).
 */
export function originAllowed(method: string, headers: IncomingHttpHeaders, host: string | undefined): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  if (!host) return false;
  const source = headers.origin ?? headers.referer;
  if (!source || source === "null") return false;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}
