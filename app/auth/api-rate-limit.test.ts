// The token bucket behind the API rate limit, on a clock the test controls.
import { describe, expect, it } from "vitest";

import { TokenBucketLimiter } from "./api-rate-limit.server";

describe("TokenBucketLimiter", () => {
  it("allows the burst at once, then the rate, and says how long to wait", () => {
    const limiter = new TokenBucketLimiter(100, 200);
    const t = 1_000_000;
    for (let i = 0; i < 200; i++) expect(limiter.take("a", t)).toBe(0);
    expect(limiter.take("a", t)).toBe(1);
    // 50 ms later: 5 more requests' worth.
    for (let i = 0; i < 5; i++) expect(limiter.take("a", t + 50)).toBe(0);
    expect(limiter.take("a", t + 50)).toBeGreaterThan(0);
    // Each token has its own bucket.
    expect(limiter.take("b", t + 50)).toBe(0);
  });

  it("never holds up a steady pace below the rate", () => {
    const limiter = new TokenBucketLimiter(10, 10);
    for (let i = 0; i < 1000; i++) expect(limiter.take("script", i * 110)).toBe(0);
  });

  it("rounds the wait up to whole seconds for Retry-After", () => {
    const limiter = new TokenBucketLimiter(0.5, 1);
    expect(limiter.take("slow", 0)).toBe(0);
    expect(limiter.take("slow", 0)).toBe(2);
  });
});
