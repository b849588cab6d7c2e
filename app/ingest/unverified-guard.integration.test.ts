import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { newId } from "~/db/ids";
import { UnverifiedGuard } from "./unverified-guard.server";

describe.each(PROVIDERS)("the storage cap for unverified deliveries (%s)", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it("counts the bytes kept, not the size announced, and counts again after retention frees them", async () => {
    // An oversized delivery: 50 MB announced, 10 bytes kept.
    const id = newId();
    await database.db.delivery.create({
      data: { id, sourceSlug: "clerk", receivedAt: new Date(), headers: "[]", rawBody: new Uint8Array(10), size: 50_000_000, truncated: true, outcome: "body_too_large", status: 413 },
    });
    const guard = new UnverifiedGuard(database, { perMinute: 1000, maxBytes: 100 }, 0);
    expect(await guard.admit("203.0.113.1", 80)).toBe("store");
    // The 80 bytes just admitted are not in the database: with recountMs 0 it reads 10 again.
    expect(await guard.admit("203.0.113.1", 95)).toBe("store-without-body");
    await database.db.delivery.delete({ where: { id } });
    expect(await guard.admit("203.0.113.1", 95)).toBe("store");
  });

  it("counts the header bytes stored with the bodies", async () => {
    const id = newId();
    const headers = JSON.stringify([["x-pad", "é".repeat(20)]]); // 2 bytes a character
    await database.db.delivery.create({
      data: { id, sourceSlug: "clerk", receivedAt: new Date(), headers, rawBody: new Uint8Array(10), size: 10, outcome: "unknown_source", status: 404 },
    });
    const stored = 10 + Buffer.byteLength(headers);
    expect(await new UnverifiedGuard(database, { perMinute: 1000, maxBytes: stored + 5 }, 0).admit("203.0.113.2", 5)).toBe("store");
    expect(await new UnverifiedGuard(database, { perMinute: 1000, maxBytes: stored + 5 }, 0).admit("203.0.113.2", 6)).toBe("store-without-body");
    await database.db.delivery.delete({ where: { id } });
  });
});
