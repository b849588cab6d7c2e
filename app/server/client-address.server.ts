// Who is calling: the client address and the host a request was sent to, behind zero
// or more reverse proxies. One rule for the whole server (the Express app, Remix's
// load context and the direct ingest mount), from HOOKLINE_TRUST_PROXY:
// - unset, `0` or `false`: no proxy; the socket's peer is the client and every
//   X-Forwarded-* header is ignored;
// - a hop count (`1`, `2`): that many proxies in front; the address is the one the
//   outermost trusted proxy saw (the N-th entry from the right of X-Forwarded-For);
// - a comma list of proxy addresses or CIDRs, or the names `loopback`, `linklocal`
//   and `uniquelocal`: the address is the right-most one that is not a listed proxy.
// NOTE: the same forms and meaning as Express's `trust proxy`
// (https://expressjs.com/en/guide/behind-proxies.html), compiled by the same
// proxy-addr package. The left-most X-Forwarded-For entry is whatever the client
// wrote, so it is never taken just for being first.
import type { IncomingMessage } from "node:http";

import proxyaddr from "proxy-addr";

/** `trust(address, hop)`: whether the hop-th address from the socket is a proxy we trust. */
export type TrustProxy = (address: string, hop: number) => boolean;

const trustNone: TrustProxy = () => false;

export class TrustProxyError extends Error {}

/** Compiles a HOOKLINE_TRUST_PROXY value; throws TrustProxyError naming the bad part. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const setting = value?.trim() ?? "";
  if (setting === "" || setting === "0" || setting.toLowerCase() === "false") return trustNone;
  if (/^\d+$/.test(setting)) {
    const hops = Number(setting);
    return (_address, hop) => hop < hops;
  }
  if (setting.toLowerCase() === "true") {
    throw new TrustProxyError(
      "HOOKLINE_TRUST_PROXY=true would trust every X-Forwarded-For entry, including the client's own; give a hop count (1) or the proxies' addresses (127.0.0.1,10.0.0.0/8).",
    );
  }
  const entries = setting.split(",").map((entry) => entry.trim()).filter(Boolean);
  try {
    return proxyaddr.compile(entries);
  } catch (error) {
    throw new TrustProxyError(`HOOKLINE_TRUST_PROXY: ${(error as Error).message} (expected a hop count or a comma list of IPs, CIDRs, loopback, linklocal, uniquelocal).`);
  }
}

/** The trust rule from the environment. */
export function trustProxyFromEnv(): TrustProxy {
  return parseTrustProxy(process.env.HOOKLINE_TRUST_PROXY);
}

/** The client's address: the right-most address in the chain that is not a trusted proxy. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string | null {
  if (!req.socket.remoteAddress) return null;
  return proxyaddr(req, trust);
}

/** Whether the socket's peer is a trusted proxy, so its X-Forwarded-Host and -Proto count. */
export function fromTrustedProxy(req: IncomingMessage, trust: TrustProxy): boolean {
  const peer = req.socket.remoteAddress;
  return Boolean(peer) && trust(peer!, 0);
}

/**
 * Drops X-Forwarded-Host and X-Forwarded-Proto unless a trusted proxy sent the
 * request, so nothing downstream (the CSRF guard, Remix's request URL, the pages)
 * can be told another host or scheme by the client itself.
 */
export function dropUntrustedForwardedHeaders(req: IncomingMessage, trust: TrustProxy) {
  if (fromTrustedProxy(req, trust)) return;
  delete req.headers["x-forwarded-host"];
  delete req.headers["x-forwarded-proto"];
}
