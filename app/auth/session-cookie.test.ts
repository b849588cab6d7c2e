import { afterEach, describe, expect, it, vi } from "vitest";

import { resetEnvCache } from "~/config/env.server";

describe("the session cookie", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
    vi.resetModules();
  });

  it("is HttpOnly, SameSite=Lax and Secure in production", async () => {
    vi.stubEnv("NODE_ENV", "production");
    resetEnvCache();
    vi.resetModules();
    const { sessionCookie } = await import("./session.server");
    const header = await sessionCookie().serialize("token");
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Secure/);
  });

  it("is not Secure outside production, so plain-HTTP trials can sign in", async () => {
    vi.stubEnv("NODE_ENV", "development");
    resetEnvCache();
    vi.resetModules();
    const { sessionCookie } = await import("./session.server");
    expect(await sessionCookie().serialize("token")).not.toMatch(/Secure/);
  });

  it("refuses to start in production without SESSION_SECRET", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("SESSION_SECRET", "");
    resetEnvCache();
    const { env } = await import("~/config/env.server");
    expect(() => env()).toThrow(/SESSION_SECRET/);
  });
});
