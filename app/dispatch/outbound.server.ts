// One outbound POST to a target, with the safety rules svix-webhooks applies to its
// own sends: a hard deadline, a capped response excerpt, no redirects to another
// origin, and the destination checked after DNS (outbound-policy.server.ts). Node's
// http module rather than fetch, so the DNS lookup can be guarded and the socket
// pool kept per process.
import http from "node:http";
import https from "node:https";

import {
  BlockedDestinationError,
  guardedLookup,
  literalAddressProblem,
  urlProblem,
  type TargetAllowlist,
} from "./outbound-policy.server";
import { recordDispatchAttempt } from "~/observability/metrics.server";
import { parseRetryAfter } from "./retry-schedule";

/** Stored per attempt; svix-webhooks keeps a similarly small excerpt. */
export const RESPONSE_EXCERPT_BYTES = 4096;
/** After the excerpt, a response is read (and dropped) up to this much to keep the socket reusable. */
const MAX_DRAIN_BYTES = 256 * 1024;
const MAX_REDIRECTS = 3;

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  allowlist: TargetAllowlist | null;
}

export interface OutboundResult {
  /** HTTP status, or null when no response came back. */
  status: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  /** From the response's Retry-After. */
  retryAfterMs: number | null;
  /** The response said `webhook-delivery: abort-message`: do not retry this message. */
  abort: boolean;
}

// Keep-alive pools: a replay sends thousands of requests to one host.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 }),
};

export async function postToTarget(request: OutboundRequest): Promise<OutboundResult> {
  const started = performance.now();
  const deadline = Date.now() + request.timeoutMs;
  let url = request.url;
  const finish = (partial: Omit<OutboundResult, "durationMs">): OutboundResult => {
    recordDispatchAttempt(partial.ok ? "ok" : partial.status !== null ? "http_error" : "network_error");
    return { ...partial, durationMs: Math.max(0, Math.round(performance.now() - started)) };
  };
  const failure = (error: string, status: number | null = null, responseExcerpt: string | null = null) =>
    finish({ status, ok: false, error, responseExcerpt, retryAfterMs: null, abort: false });

  for (let hop = 0; ; hop++) {
    const problem = urlProblem(url, request.allowlist) ?? literalAddressProblem(new URL(url).hostname, request.allowlist);
    if (problem) return failure(`Blocked: ${problem}`);
    let response: RawResponse;
    try {
      response = await sendOnce(url, request, deadline);
    } catch (error) {
      return failure(describeError(error, request.timeoutMs));
    }
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && typeof location === "string") {
      const next = new URL(location, url);
      const current = new URL(url);
      // NOTE: a redirect is followed only to the same origin: scheme, host and port
      // (and only for the codes that keep the POST body). Another port of the same
      // host is another service, and https→http would send the signed payload in the
      // clear; anything else would let a consumer bounce signed payloads to a third party.
      if (next.origin !== current.origin) {
        return failure(`Redirect to another origin (${next.origin}) not followed`, response.status, response.excerpt);
      }
      if (![301, 302, 307, 308].includes(response.status) || hop >= MAX_REDIRECTS) {
        return failure(`Redirect (${response.status}) not followed`, response.status, response.excerpt);
      }
      url = next.toString();
      continue;
    }
    const ok = response.status >= 200 && response.status < 300;
    const delivery = headerValue(response.headers["webhook-delivery"]);
    return finish({
      status: response.status,
      ok,
      error: ok ? null : `HTTP ${response.status}`,
      responseExcerpt: response.excerpt,
      retryAfterMs: ok ? null : parseRetryAfter(headerValue(response.headers["retry-after"])),
      abort: !ok && delivery?.trim().toLowerCase() === "abort-message",
    });
  }
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  excerpt: string | null;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function sendOnce(rawUrl: string, request: OutboundRequest, deadline: number): Promise<RawResponse> {
  const url = new URL(rawUrl);
  const secure = url.protocol === "https:";
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new TimeoutError());
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = (secure ? https : http).request(
      url,
      {
        method: "POST",
        agent: secure ? agents.https : agents.http,
        lookup: guardedLookup(request.allowlist) as never,
        headers: { ...request.headers, "content-length": String(request.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let seen = 0;
        res.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (kept < RESPONSE_EXCERPT_BYTES) {
            const piece = chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept);
            chunks.push(piece);
            kept += piece.length;
          }
          if (seen > MAX_DRAIN_BYTES) res.destroy();
        });
        const done = () =>
          settle(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              excerpt: kept > 0 ? Buffer.concat(chunks).toString("utf8") : null,
            }),
          );
        res.on("end", done);
        res.on("close", done);
        res.on("error", done);
      },
    );
    // The deadline covers connect, headers and body: a target that answers headers
    // and then hangs is a timeout, not a success.
    const timer = setTimeout(() => {
      settle(() => reject(new TimeoutError()));
      req.destroy();
    }, remaining);
    req.on("error", (error) => settle(() => reject(error)));
    req.end(request.body);
  });
}

class TimeoutError extends Error {
  readonly code = "ETIMEOUT";
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof TimeoutError) return `Timed out after ${timeoutMs} ms`;
  if (error instanceof BlockedDestinationError) return `Blocked: ${error.message}`;
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ECONNRESET":
      return "Connection reset by the target";
    case "ECONNREFUSED":
      return "Connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "DNS lookup failed";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "Host unreachable";
    case "CERT_HAS_EXPIRED":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `TLS error: ${code}`;
    default:
      return `Request failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 500);
  }
}
