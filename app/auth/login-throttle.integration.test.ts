// The sign-in throttle's count lives in the database: two app instances (two Prisma
// clients with their own pools, as two processes have) on one real Postgres, and a
// restart (a fresh copy of the module, whose cache starts empty), see the same tries.
// HTTP-level behaviour (429, Retry-After, a burst of parallel guesses) is in
// login.integration.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { beginLoginAttempt, loginSucceeded, type LoginKeys } from "./login-throttle.server";

describe.each(PROVIDERS)("sign-in throttle on %s", (provider) => {
  let database: TestDatabase;
  let second: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    second = createDatabase(database.url);
  });
  afterAll(async () => {
    await second?.db.$disconnect();
    await database?.drop();
  });

  // Each provider's own addresses: the module's cache is shared by the whole file.
  const keys = (n: number): LoginKeys => ({ email: `owner-${n}@hookline.test`, address: `192.0.2.${n + (provider === "sqlite" ? 0 : 100)}` });

  it("counts the tries of every instance: ten in all, then held on both", async () => {
    const pair = keys(1);
    for (let i = 0; i < 10; i++) {
      const attempt = await beginLoginAttempt(i % 2 ? database.db : second.db, pair);
      expect(attempt.retryAfter, `try ${i + 1}`).toBe(0);
    }
    const eleventh = await beginLoginAttempt(second.db, pair);
    expect(eleventh.retryAfter).toBeGreaterThan(14 * 60);
    expect((await beginLoginAttempt(database.db, pair)).retryAfter).toBeGreaterThan(0);
    // The refused tries were not counted: ten rows for the pair, ten for the address.
    expect(await database.db.loginAttempt.count()).toBe(20);
  });

  it("keeps counting across a restart (a fresh module, nothing cached)", async () => {
    const pair = keys(2);
    for (let i = 0; i < 10; i++) expect((await beginLoginAttempt(database.db, pair)).retryAfter).toBe(0);
    vi.resetModules();
    const restarted = await import("./login-throttle.server");
    expect((await restarted.beginLoginAttempt(second.db, pair)).retryAfter).toBeGreaterThan(0);
  });

  it("lets at most ten of thirty simultaneous tries through, split over two instances", async () => {
    const pair = keys(3);
    const tries = await Promise.all(Array.from({ length: 30 }, (_, i) => beginLoginAttempt(i % 2 ? database.db : second.db, pair)));
    const through = tries.filter((attempt) => attempt.retryAfter === 0).length;
    expect(through).toBeLessThanOrEqual(10);
    expect(tries.filter((attempt) => attempt.retryAfter > 0).length).toBe(30 - through);
    // What got through is what is counted; a fresh module agrees whether the pair is held.
    vi.resetModules();
    const restarted = await import("./login-throttle.server");
    const next = await restarted.beginLoginAttempt(second.db, pair);
    expect(next.retryAfter > 0).toBe(through === 10);
  });

  it("a right password clears the pair and is not counted against the address", async () => {
    const pair = keys(4);
    const before = await database.db.loginAttempt.count();
    for (let i = 0; i < 9; i++) await beginLoginAttempt(database.db, pair);
    const right = await beginLoginAttempt(second.db, pair);
    expect(right.retryAfter).toBe(0);
    await loginSucceeded(second.db, pair, right);
    // Left: the address's nine failures; the pair's rows and the right try's are gone.
    expect(await database.db.loginAttempt.count()).toBe(before + 9);
    // The pair starts again from nothing: ten more tries pass, the eleventh does not.
    for (let i = 0; i < 10; i++) expect((await beginLoginAttempt(database.db, pair)).retryAfter, `try ${i + 1}`).toBe(0);
    expect((await beginLoginAttempt(second.db, pair)).retryAfter).toBeGreaterThan(0);
  });
});
