// HOOKLINE_TRUST_PROXY's forms, against a real socket address and X-Forwarded-For.
import type { IncomingMessage } from "node:http";

import { describe, expect, it } from "vitest";

import { clientAddress, parseTrustProxy, TrustProxyError } from "./client-address.server";

function request(peer: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} } as unknown as IncomingMessage;
}

describe("clientAddress", () => {
  const spoofed = "6.6.6.6, 203.0.113.7";

  it("ignores X-Forwarded-For without a trusted proxy", () => {
    for (const setting of [undefined, "", "0", "false"]) {
      expect(clientAddress(request("127.0.0.1", spoofed), parseTrustProxy(setting))).toBe("127.0.0.1");
    }
  });

  it("with a hop count, takes the address the outermost trusted proxy saw, never the client's own entry", () => {
    expect(clientAddress(request("127.0.0.1", spoofed), parseTrustProxy("1"))).toBe("203.0.113.7");
    expect(clientAddress(request("127.0.0.1", "198.51.100.4"), parseTrustProxy("1"))).toBe("198.51.100.4");
    expect(clientAddress(request("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2"), parseTrustProxy("2"))).toBe("203.0.113.7");
    // No header: the proxy's own address, not nothing.
    expect(clientAddress(request("127.0.0.1"), parseTrustProxy("1"))).toBe("127.0.0.1");
  });

  it("with a list of proxies, takes the right-most address that is not one of them", () => {
    const trust = parseTrustProxy("127.0.0.1, 10.0.0.0/8");
    expect(clientAddress(request("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3"), trust)).toBe("203.0.113.7");
    // A peer that is not a listed proxy is the client, whatever it claims.
    expect(clientAddress(request("192.0.2.1", spoofed), trust)).toBe("192.0.2.1");
    expect(clientAddress(request("::ffff:127.0.0.1", "203.0.113.8"), parseTrustProxy("loopback"))).toBe("203.0.113.8");
  });

  it("refuses values that would trust everything or are not addresses", () => {
    expect(() => parseTrustProxy("true")).toThrow(TrustProxyError);
    expect(() => parseTrustProxy("10.0.0.0/99")).toThrow(TrustProxyError);
    expect(() => parseTrustProxy("proxy.internal")).toThrow(TrustProxyError);
  });
});
