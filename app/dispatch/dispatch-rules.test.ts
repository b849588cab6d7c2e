// The small rules dispatch is built on: retry timing, metadata addresses, the
// allowlist syntax, pasted secrets and header lines.
import { describe, expect, it } from "vitest";

import { isMetadataAddress, parseAllowlist, urlProblem } from "./outbound-policy.server";
import { DEFAULT_RETRY_SCHEDULE_MS, nextRetryDelay, parseRetryAfter, parseRetrySchedule } from "./retry-schedule";
import { generateTargetSecret, reservedHeaderProblem, targetSecretProblem } from "./signing.server";
import { parseHeaderLines, splitTypeList, TargetCreateSchema } from "./target-input";

describe("retry schedule", () => {
  it("defaults to 5s, 5m, 30m, 2h, 5h, 10h, 10h and compresses for tests", () => {
    expect(parseRetrySchedule(undefined)).toEqual([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(parseRetrySchedule("100ms,200ms")).toEqual([100, 200]);
    expect(parseRetrySchedule("5s 1m 2h")).toEqual([5000, 60_000, 7_200_000]);
    expect(parseRetrySchedule("none")).toEqual([]);
    expect(() => parseRetrySchedule("5 parsecs")).toThrow(/not a duration/);
  });

  it("jitters upward only, never sooner than scheduled", () => {
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, null, () => 0)).toBe(5000);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, null, () => 0.999)).toBeLessThanOrEqual(6000);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 2, null, () => 0)).toBe(300_000);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 8, null)).toBeNull();
  });

  it("waits at least as long as Retry-After asks", () => {
    expect(nextRetryDelay([100], 1, 3000, () => 0)).toBe(3000);
    expect(nextRetryDelay([10_000], 1, 3000, () => 0)).toBe(10_000);
    expect(parseRetryAfter("120")).toBe(120_000);
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter("99999999")).toBe(24 * 3600 * 1000);
  });
});

describe("outbound policy", () => {
  it("recognises cloud metadata addresses in every spelling", () => {
    for (const address of ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "[fd00:ec2::254]", "100.100.100.200", "169.254.170.2"]) {
      expect(isMetadataAddress(address), address).toBe(true);
    }
    for (const address of ["127.0.0.1", "10.1.2.3", "192.168.1.10", "::1", "169.254.10.1"]) expect(isMetadataAddress(address), address).toBe(false);
  });

  it("allows private and loopback targets by default, refuses metadata and odd URLs", () => {
    expect(urlProblem("http://10.0.0.5:8080/hooks", null)).toBeNull();
    expect(urlProblem("http://localhost:3000/clerk", null)).toBeNull();
    expect(urlProblem("http://169.254.169.254/", null)).toMatch(/metadata/);
    expect(urlProblem("http://metadata.google.internal./computeMetadata", null)).toMatch(/metadata/);
    expect(urlProblem("ftp://example.com/", null)).toMatch(/http/);
    expect(urlProblem("https://user:pw@example.com/", null)).toMatch(/user name/);
  });

  it("parses HOOKLINE_TARGET_ALLOWLIST hosts, wildcards, IPs and CIDRs", () => {
    const allowlist = parseAllowlist("hooks.internal, *.example.com 10.0.0.0/8 ::1")!;
    expect(allowlist.hostAllowed("hooks.internal")).toBe(true);
    expect(allowlist.hostAllowed("api.example.com")).toBe(true);
    expect(allowlist.hostAllowed("example.org")).toBe(false);
    expect(allowlist.addressAllowed("10.20.30.40")).toBe(true);
    expect(allowlist.addressAllowed("11.0.0.1")).toBe(false);
    expect(allowlist.addressAllowed("::1")).toBe(true);
    expect(urlProblem("http://11.0.0.1/", allowlist)).toMatch(/not in HOOKLINE_TARGET_ALLOWLIST/);
    // A name not listed may still resolve into 10.0.0.0/8 (checked when sending)...
    expect(urlProblem("http://consumer.internal/", allowlist)).toBeNull();
    // ...but with names only, it can never pass, so it is refused when saved.
    expect(urlProblem("http://consumer.internal/", parseAllowlist("hooks.internal"))).toMatch(/not in HOOKLINE_TARGET_ALLOWLIST/);
    expect(() => parseAllowlist("http://x.com/")).toThrow(/not a host/);
    expect(parseAllowlist("  ")).toBeNull();
  });
});

describe("target input", () => {
  it("generates whsec_ secrets and checks pasted ones", () => {
    const secret = generateTargetSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(targetSecretProblem(secret)).toBeNull();
    expect(targetSecretProblem("sk_live_123")).toMatch(/whsec_/);
    expect(targetSecretProblem("whsec_not base64!")).toMatch(/base64/);
    expect(targetSecretProblem("whsec_c2hvcnQ=")).toMatch(/too short/);
  });

  it("keeps signature and framing headers for itself", () => {
    expect(reservedHeaderProblem("svix-signature")).toMatch(/signature/);
    expect(reservedHeaderProblem("Content-Length")).toMatch(/Hookline/);
    expect(reservedHeaderProblem("Authorization")).toBeNull();
  });

  it("reads header lines and type lists as typed into the form", () => {
    expect(parseHeaderLines("Authorization: Bearer a:b\n\nX-Env: prod")).toEqual({ Authorization: "Bearer a:b", "X-Env": "prod" });
    expect(() => parseHeaderLines("no colon here")).toThrow(/line 1/);
    expect(splitTypeList("user.*, session.created\nuser.*")).toEqual(["user.*", "session.created"]);
  });

  it("names the bad field", () => {
    const result = TargetCreateSchema.safeParse({ name: "x", url: "http://x", timeoutMs: 5 });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(["timeoutMs"]);
    expect(TargetCreateSchema.safeParse({ name: "x", url: "http://x", colour: "red" }).success).toBe(false);
  });
});
