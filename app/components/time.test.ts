import { describe, expect, it } from "vitest";

import { epochMsDate } from "./json-tree";
import { formatExact, formatRelative } from "./time";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe("times people read at 3 a.m.", () => {
  it("says how long ago, in the largest unit that fits", () => {
    expect(formatRelative(NOW - 10_000, NOW)).toBe("just now");
    expect(formatRelative(NOW - 3 * 60_000, NOW)).toBe("3 min ago");
    expect(formatRelative(NOW - 5 * 3_600_000, NOW)).toBe("5 h ago");
    expect(formatRelative(NOW - 86_400_000, NOW)).toBe("1 day ago");
    expect(formatRelative(NOW - 12 * 86_400_000, NOW)).toBe("12 days ago");
    expect(formatRelative(NOW + 3 * 60_000, NOW)).toBe("in 3 min");
  });

  it("gives the exact time in 24-hour form, in UTC or with the local offset", () => {
    expect(formatExact(Date.UTC(2026, 0, 15, 14, 30, 5), "utc")).toBe("2026-01-15 14:30:05 UTC");
    expect(formatExact(Date.UTC(2026, 0, 15, 14, 30, 5), "local")).toMatch(/^2026-01-1\d \d{2}:30:05 UTC[+−]\d{2}:\d{2}$/);
  });

  it("reads 13-digit integers in payloads as epoch milliseconds, and nothing else", () => {
    expect(epochMsDate(1768487400000)?.toISOString()).toBe("2026-01-15T14:30:00.000Z");
    expect(epochMsDate(2000)).toBeNull();
    expect(epochMsDate(1768487400)).toBeNull();
    expect(epochMsDate(1768487400000.5)).toBeNull();
  });
});
