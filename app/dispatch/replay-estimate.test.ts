import { describe, expect, it } from "vitest";

import { estimateReplay } from "./replay-estimate";

const pace = { targetMaxPerSecond: null, jobMaxPerSecond: null, concurrency: 4, latencyMs: null, resources: null };

describe("estimateReplay", () => {
  it("at the target's rate limit", () => {
    expect(estimateReplay(1200, { ...pace, targetMaxPerSecond: 10 })).toEqual({ rate: 10, seconds: 120, limitedBy: "rate limit" });
  });

  it("the job's own limit wins when it is tighter, and not when it is looser", () => {
    expect(estimateReplay(100, { ...pace, targetMaxPerSecond: 50, jobMaxPerSecond: 5 }).seconds).toBe(20);
    expect(estimateReplay(100, { ...pace, targetMaxPerSecond: 5, jobMaxPerSecond: 50 }).seconds).toBe(20);
  });

  it("by concurrency over the target's response time when that is slower than the rate limit", () => {
    // 4 at once, 200 ms each: 20 per second, below the limit of 100.
    expect(estimateReplay(600, { ...pace, targetMaxPerSecond: 100, latencyMs: 200 })).toEqual({ rate: 20, seconds: 30, limitedBy: "concurrency" });
  });

  it("one resource's events go one at a time, so few resources mean less parallelism", () => {
    expect(estimateReplay(10, { ...pace, latencyMs: 500, resources: 1 })).toEqual({ rate: 2, seconds: 5, limitedBy: "concurrency" });
  });

  it("unknown when nothing bounds it; zero when there is nothing to send", () => {
    expect(estimateReplay(10, pace)).toEqual({ rate: null, seconds: null, limitedBy: null });
    expect(estimateReplay(0, pace).seconds).toBe(0);
  });
});
