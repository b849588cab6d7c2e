import { describe, expect, it } from "vitest";

import { asUtc, parseEventListPage, toDateTimeLocal, withParams } from "./event-list-params";

const NOW = Date.UTC(2026, 10, 23, 14, 37, 45, 123);

function page(search: string) {
  return parseEventListPage(new URLSearchParams(search), NOW);
}

describe("event list page parameters", () => {
  it("turns a preset into a from time relative to now, on a whole minute, ignoring typed dates", () => {
    const parsed = page("range=24h&from=2020-01-01T00:00&to=2020-01-02T00:00&type=user.*");
    expect(parsed).toMatchObject({ ok: true, value: { range: "24h" } });
    if (!parsed.ok) return;
    expect(parsed.value.query.filter.from?.toISOString()).toBe("2026-11-22T14:37:00.000Z");
    expect(parsed.value.query.filter.to).toBeUndefined();
    expect(parsed.value.query.filter.type).toEqual(["user.*"]);
    const hour = page("range=1h");
    expect(hour.ok && hour.value.query.filter.from?.toISOString()).toBe("2026-11-23T13:37:00.000Z");
    const week = page("range=7d");
    expect(week.ok && week.value.query.filter.from?.toISOString()).toBe("2026-11-16T14:37:00.000Z");
  });

  it("reads datetime-local values as UTC and keeps ISO values with a zone", () => {
    const parsed = page("range=custom&from=2026-11-23T02:10&to=2026-11-23T03:40:30");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.query.filter.from?.toISOString()).toBe("2026-11-23T02:10:00.000Z");
    expect(parsed.value.query.filter.to?.toISOString()).toBe("2026-11-23T03:40:30.000Z");
    const zoned = page("from=2026-11-23T02:10:00%2B02:00");
    expect(zoned.ok && zoned.value.query.filter.from?.toISOString()).toBe("2026-11-23T00:10:00.000Z");
    expect(asUtc("2026-11-23T02:10:00Z")).toBe("2026-11-23T02:10:00Z");
    expect(toDateTimeLocal("2026-11-23T02:10:00.000Z")).toBe("2026-11-23 02:10:00");
    // Typed with a space, 24-hour, as the page writes every time.
    const typed = page("range=custom&from=2026-11-23%2002:10:05");
    expect(typed.ok && typed.value.query.filter.from?.toISOString()).toBe("2026-11-23T02:10:05.000Z");
    expect(toDateTimeLocal(null)).toBe("");
  });

  it("names the bad parameter instead of failing", () => {
    expect(page("range=2w")).toMatchObject({ ok: false, parameter: "range" });
    expect(page("range=custom&from=tomorrow-ish")).toMatchObject({ ok: false, parameter: "from" });
    expect(page("range=custom&from=2026-11-23T05:00&to=2026-11-23T04:00")).toMatchObject({ ok: false, parameter: "from" });
    expect(page("limit=100000")).toMatchObject({ ok: false, parameter: "limit" });
  });

  it("passes the shared filter through: several types, outcome, source, any id, text, sort", () => {
    const parsed = page("type=user.created&type=session.*&outcome=duplicate&source=dev&resource=user_2x&q=jane%40example.com&sort=received&dir=asc&limit=25");
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        range: null,
        query: {
          filter: { type: ["user.created", "session.*"], outcome: "duplicate", source: "dev", resource: "user_2x", q: "jane@example.com" },
          sort: "received",
          dir: "asc",
          limit: 25,
        },
      },
    });
  });

  it("builds next-page and newest links from the current URL", () => {
    const params = new URLSearchParams("type=user.*&cursor=abc");
    expect(withParams(params, { cursor: "def" })).toBe("?type=user.*&cursor=def");
    expect(withParams(params, { cursor: null })).toBe("?type=user.*");
    expect(withParams(new URLSearchParams("cursor=x"), { cursor: null })).toBe("");
  });
});
