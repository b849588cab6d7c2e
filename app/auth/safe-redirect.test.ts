// safeRedirect (session.server.ts) against the spellings browsers turn into another
// host: each bad value must fall back, each good one must come through as a path here.
import { describe, expect, it } from "vitest";

import { safeRedirect } from "./session.server";

const ORIGIN = "https://hookline.example";

const BAD = [
  "//evil.example",
  "///evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "\t//evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "\\\\evil.example",
  "/%09/evil.example",
  "/%0a/evil.example",
  "/%0D%0A/evil.example",
  "/%2F/evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "/%252F%252Fevil.example",
  "/%25%32%46/evil.example",
  "/events/..//evil.example",
  "/./\\evil.example",
  "https://evil.example",
  "http:evil.example",
  "javascript:alert(1)",
  "evil.example",
  "",
  "/%zz",
  "/events\u0000",
  "/events\r\nSet-Cookie: x=1",
];

const GOOD: [string, string][] = [
  ["/", "/"],
  ["/events", "/events"],
  ["/events?type=user.created&type=user.*", "/events?type=user.created&type=user.*"],
  ["/events?q=a%2F%2Fb", "/events?q=a%2F%2Fb"],
  ["/users/user_2abc#lifecycle", "/users/user_2abc#lifecycle"],
  ["/events/../deliveries", "/deliveries"],
  ["/search?q=%E2%9C%93", "/search?q=%E2%9C%93"],
];

describe("safeRedirect", () => {
  it.each(BAD)("refuses %j", (value) => {
    expect(safeRedirect(value, "/fallback")).toBe("/fallback");
  });

  it.each(GOOD)("keeps %j", (value, expected) => {
    const result = safeRedirect(value, "/fallback");
    expect(result).toBe(expected);
    // What a browser would do with it as a Location: stay on this origin.
    expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
  });

  it("falls back for anything that is not a string", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
    expect(safeRedirect(new File([], "x"))).toBe("/");
  });
});
