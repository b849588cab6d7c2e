// Security headers for every page and API answer of the Express app. The Content
// Security Policy allows scripts only from this origin or carrying the request's
// nonce (Remix's inline hydration and streaming scripts get it through
// app/entry.server.tsx and root.tsx). Styles may be inline: recharts and React's
// `style` attributes need it, and a style cannot run code.
// NOTE: the email preview (routes/events.$id.tsx) is a sandboxed srcdoc iframe with
// its own stricter policy; a srcdoc document also inherits this one.
import crypto from "node:crypto";
import type { ServerResponse } from "node:http";

export interface SecurityHeaderOptions {
  /** Vite's dev server evaluates modules and talks to its client over a websocket. */
  development: boolean;
  /** Strict-Transport-Security is sent only in production (it pins the host to HTTPS). */
  production: boolean;
}

export function createNonce(): string {
  return crypto.randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, { development }: Pick<SecurityHeaderOptions, "development">): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Sets the headers and returns the nonce for this response's inline scripts. */
export function setSecurityHeaders(res: ServerResponse, options: SecurityHeaderOptions): string {
  const nonce = createNonce();
  res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, options));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("X-Frame-Options", "DENY");
  if (options.production) res.setHeader("Strict-Transport-Security", "max-age=31536000");
  return nonce;
}
