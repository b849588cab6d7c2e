// The CSRF guard's path exemption and host comparison (origin.server.ts).
import { describe, expect, it } from "vitest";

import { isExemptFromOriginCheck, normalisedPath, originAllowed } from "./origin.server";

describe("isExemptFromOriginCheck", () => {
  it("exempts ingest and the API", () => {
    expect(isExemptFromOriginCheck("/webhooks/clerk")).toBe(true);
    expect(isExemptFromOriginCheck("/api/v1/targets?x=1")).toBe(true);
  });

  it.each([
    "/webhooks/../settings/tokens",
    "/webhooks/%2e%2e/settings/tokens",
    "/webhooks/%2E%2E/settings/tokens",
    "/webhooks/..%2Fsettings/tokens",
    "/webhooks/..%5Csettings/tokens",
    "/webhooks/..\\settings/tokens",
    "/api/v1/../../settings/accounts",
    "/api/./../logout",
    "/settings/tokens",
    "/logout",
  ])("checks %s, which routes outside them", (url) => {
    expect(isExemptFromOriginCheck(url)).toBe(false);
  });

  it("normalises the way a URL parser resolves dot segments", () => {
    expect(normalisedPath("/webhooks/../settings/tokens?x")).toBe("/settings/tokens");
    expect(normalisedPath("/webhooks/%2e%2e/settings")).toBe("/settings");
  });
});

describe("originAllowed", () => {
  it("lets safe methods through and compares the Origin's host with the request's host", () => {
    expect(originAllowed("GET", {}, "hookline.example")).toBe(true);
    expect(originAllowed("POST", { origin: "https://hookline.example" }, "hookline.example")).toBe(true);
    expect(originAllowed("POST", { origin: "https://evil.example" }, "hookline.example")).toBe(false);
    expect(originAllowed("POST", { origin: "null" }, "hookline.example")).toBe(false);
    expect(originAllowed("POST", {}, "hookline.example")).toBe(false);
    expect(originAllowed("POST", { origin: "https://hookline.example" }, undefined)).toBe(false);
  });
});
