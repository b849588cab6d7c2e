import { describe, expect, it } from "vitest";

import { FAILED_OUTCOMES, outcomesFor, parseDeliveryQuery } from "./delivery-filter";

const parse = (query: string, options: Parameters<typeof parseDeliveryQuery>[1] = { defaultOutcome: "all" }) =>
  parseDeliveryQuery(new URLSearchParams(query), options);

describe("delivery filter", () => {
  it("defaults to every delivery for the API and to the failed ones for the page", () => {
    expect(parse("")).toMatchObject({ ok: true, value: { outcome: "all", limit: 50 } });
    expect(parse("", { defaultOutcome: "failed" })).toMatchObject({ ok: true, value: { outcome: "failed" } });
    expect(outcomesFor("all")).toBeNull();
    expect(outcomesFor("failed")).toEqual(FAILED_OUTCOMES);
    expect(FAILED_OUTCOMES).not.toContain("verified");
    expect(FAILED_OUTCOMES).not.toContain("duplicate");
    expect(FAILED_OUTCOMES).toContain("invalid_signature");
    expect(outcomesFor("no_secret")).toEqual(["no_secret"]);
  });

  it("reads a date-time without a zone as UTC, as every page shows UTC", () => {
    const parsed = parse("from=2026-11-23T02:10&to=2026-11-23T03:40:00Z");
    expect(parsed.ok && parsed.value.from?.toISOString()).toBe("2026-11-23T02:10:00.000Z");
    expect(parsed.ok && parsed.value.to?.toISOString()).toBe("2026-11-23T03:40:00.000Z");
    // What the page's 24-hour UTC field (UtcDateTimeInput) sends.
    const typed = parse("from=2026-11-23+14:10:05");
    expect(typed.ok && typed.value.from?.toISOString()).toBe("2026-11-23T14:10:05.000Z");
  });

  it("turns a range preset into `from`, on the page only", () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const parsed = parse("range=24h&from=2020-01-01T00:00Z", { defaultOutcome: "failed", allowRange: true, now });
    expect(parsed.ok && parsed.value.from?.toISOString()).toBe("2026-11-22T12:00:00.000Z");
    expect(parsed.ok && parsed.value.range).toBe("24h");
    expect(parse("range=custom&from=2026-11-01T00:00Z", { defaultOutcome: "failed", allowRange: true })).toMatchObject({ ok: true });
    expect(parse("range=5y", { defaultOutcome: "failed", allowRange: true })).toMatchObject({ ok: false, parameter: "range" });
  });

  it("names the parameter that is wrong", () => {
    expect(parse("outcome=exploded")).toMatchObject({ ok: false, parameter: "outcome" });
    expect(parse("limit=0")).toMatchObject({ ok: false, parameter: "limit" });
    expect(parse("limit=501")).toMatchObject({ ok: false, parameter: "limit", message: "Invalid `limit`: must be at most 500" });
    expect(parse("from=soon")).toMatchObject({ ok: false, parameter: "from" });
    expect(parse("from=2026-02-01T00:00Z&to=2026-01-01T00:00Z")).toMatchObject({ ok: false, parameter: "from" });
    expect(parse("cursor=not%20a%20cursor")).toMatchObject({ ok: false, parameter: "cursor" });
  });
});
