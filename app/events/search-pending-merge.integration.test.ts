// The GIN index's pending list on Postgres (issue 16, stop 24). Ingest's batch statement
// appends each event's search entry to the pending list; the worker merges the list into
// the index (mergePendingSearchEntries), so no ingest batch does it inside its answers.
// Two instances ingest here, as two processes would, while both "workers" merge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { startInstances, type TestInstance } from "../../tests/support/server";
import { envelope, newMsgId, newSecret, signedHeaders } from "../../tests/support/svix";
import { Prisma } from "~/generated/sqlite/client";
import { mergePendingSearchEntries, PENDING_MERGE_LOCK, searchCondition } from "./search.server";

const SECRET = newSecret();

describe("the search index's pending list (postgres, two instances)", () => {
  let database: TestDatabase;
  let instances: TestInstance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    instances = await startInstances(database, 2, { secrets: [SECRET] });
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await database?.drop();
  });

  /** `count` deliveries from 16 concurrent clients, alternately to either instance; each carries one word of its own. */
  async function ingest(prefix: string, count: number): Promise<string[]> {
    const words: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let n = next++; n < count; n = next++) {
          const word = `${prefix}${n}z`;
          const body = JSON.stringify(envelope("user.updated", { id: `user_${prefix}_${n}`, object: "user", username: word, first_name: "Pending" }));
          const response = await fetch(`${instances[n % 2]!.url}/webhooks/clerk`, { method: "POST", body, headers: signedHeaders(SECRET, body, { msgId: newMsgId() }) });
          expect(response.status).toBe(200);
          words.push(word);
        }
      }),
    );
    return words;
  }

  async function found(word: string): Promise<number> {
    const [row] = await database.db.$queryRaw<{ n: bigint }[]>(Prisma.sql`SELECT count(*) AS "n" FROM "Event" e WHERE ${searchCondition("postgres", word)}`);
    return Number(row!.n);
  }

  it("leaves ingest's entries pending for the worker, under a 16 MB limit, and finds them before and after the merge", async () => {
    const [index] = await database.db.$queryRaw<{ options: string[] | null }[]>`
      SELECT "reloptions" AS "options" FROM pg_class WHERE "relname" = 'EventSearch_document_idx'`;
    expect(index!.options).toContain("gin_pending_list_limit=16384");

    const words = await ingest("pa", 400);
    // Searchable while still pending: a search reads the pending list too.
    expect(await found(words[0]!)).toBe(1);
    expect(await found(words[399]!)).toBe(1);
    // Nothing merged them yet: the worker's merge empties pending-list pages, then finds none.
    expect(await mergePendingSearchEntries(database)).toBeGreaterThan(0);
    expect(await mergePendingSearchEntries(database)).toBe(0);
    for (const word of [words[0]!, words[200]!, words[399]!]) expect(await found(word)).toBe(1);
  }, 60_000);

  it("merges while both instances ingest, one worker at a time, and loses no entry", async () => {
    let ingesting = true;
    const results: (number | null)[] = [];
    // Both instances' workers, merging in a tight loop instead of once a second.
    const workers = instances.map(async ({ runtime }) => {
      while (ingesting) {
        results.push(await mergePendingSearchEntries(runtime.database));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    const words = await ingest("pb", 600).finally(() => (ingesting = false));
    await Promise.all(workers);
    expect(results.some((pages) => pages !== null && pages > 0)).toBe(true);
    const missing = [];
    for (const word of words) if ((await found(word)) !== 1) missing.push(word);
    expect(missing).toEqual([]);
    // One merge at a time: while one transaction holds the lock, another instance's merge skips.
    await database.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PENDING_MERGE_LOCK})`;
      expect(await mergePendingSearchEntries(instances[1]!.runtime.database)).toBeNull();
    });
    // The lock released, it merges again (whatever the last deliveries left pending).
    expect(await mergePendingSearchEntries(instances[1]!.runtime.database)).not.toBeNull();
  }, 60_000);
});
