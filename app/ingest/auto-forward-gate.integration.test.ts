// Postgres ingest stores events as already scanned for auto-forward while no target
// auto-forwards, like SQLite ingest. Two instances on one Postgres ingest without pause
// while a target is switched on: every event received from the switch on is forwarded
// once, none received before it. Without the advisory lock that ingest (shared) and the
// switch (exclusive) both take, a batch whose statement started before the switch
// committed and committed after reopenForwardScan's update was stored as scanned and
// never forwarded.

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { withAdminClient } from "../../tests/support/postgres";
import { startInstances, type TestInstance } from "../../tests/support/server";
import { envelope, newMsgId, newSecret, signedHeaders } from "../../tests/support/svix";
import { forwardNewEvents } from "~/dispatch/auto-forward.server";
import { createTarget } from "~/dispatch/create-target.server";
import { deleteTarget } from "~/dispatch/delete-target.server";
import { TargetCreateSchema } from "~/dispatch/target-input";
import { updateTarget } from "~/dispatch/update-target.server";
import { newId } from "~/db/ids";
import { PostgresGroupCommit } from "~/ingest/postgres-group-commit.server";

const SECRET = newSecret();
const ROUNDS = 4;

describe("auto-forward switched on while two Postgres instances ingest", () => {
  let database: TestDatabase;
  const instances: TestInstance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    instances.push(...(await startInstances(database, 2, { secrets: [SECRET], maxBodyBytes: 1 << 20 })));
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await database?.drop();
  });

  /** Deliveries from `senders` concurrent clients, alternately to either instance, until `until` resolves. */
  async function ingestDuring(until: Promise<unknown>, senders = 24): Promise<string[]> {
    let done = false;
    void until.finally(() => (done = true));
    const eventIds: string[] = [];
    await Promise.all(
      Array.from({ length: senders }, async (_, sender) => {
        for (let n = 0; !done; n++) {
          const body = JSON.stringify(envelope("user.updated", { id: `user_${sender}_${n}`, object: "user" }));
          const response = await fetch(`${instances[(sender + n) % 2]!.url}/webhooks/clerk`, {
            method: "POST",
            body,
            headers: signedHeaders(SECRET, body, { msgId: newMsgId() }),
          });
          const json = (await response.json()) as { outcome: string; eventId: string };
          expect([response.status, json.outcome]).toEqual([200, "verified"]);
          eventIds.push(json.eventId);
        }
      }),
    );
    return eventIds;
  }

  /** The worker's scan, until every event is scanned. */
  async function scanAll() {
    while ((await forwardNewEvents(database)) > 0);
  }

  it("forwards every event received from the switch on exactly once, in every round", async () => {
    const db = database.db;
    for (let round = 0; round < ROUNDS; round++) {
      // Nothing forwards: events are stored as already scanned.
      const before = await ingestDuring(new Promise((resolve) => setTimeout(resolve, 150)));
      const stored = await db.event.findMany({ where: { id: { in: before } }, select: { forwardScanned: true } });
      expect(stored.every((e) => e.forwardScanned)).toBe(true);

      // The switch, from one instance's Prisma client, while both instances keep ingesting.
      let targetId = "";
      const switched = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (round % 2 === 0) {
          const input = TargetCreateSchema.parse({ name: `late ${round}`, url: "https://receiver.example/hook", autoForward: true });
          targetId = (await createTarget(db, input, { actor: "test", allowlist: null })).target.id;
        } else {
          // Turned on later, after being created without auto-forward.
          const input = TargetCreateSchema.parse({ name: `turned on ${round}`, url: "https://receiver.example/hook", autoForward: false });
          targetId = (await createTarget(db, input, { actor: "test", allowlist: null })).target.id;
          await updateTarget(db, targetId, { autoForward: true }, { actor: "test", allowlist: null });
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      })();
      const during = await ingestDuring(switched);
      await scanAll();

      const target = await db.target.findUniqueOrThrow({ where: { id: targetId } });
      const since = target.autoForwardSince!.getTime();
      const events = await db.event.findMany({ where: { id: { in: [...before, ...during] } }, select: { id: true, firstReceivedAt: true } });
      const expected = events.filter((e) => e.firstReceivedAt.getTime() >= since).map((e) => e.id).sort();
      const tasks = await db.dispatchTask.findMany({ where: { targetId }, select: { eventId: true } });
      const forwarded = tasks.map((t) => t.eventId!).sort();
      // Some of each, or the round proved nothing.
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(events.length);
      expect({ round, forwarded }).toEqual({ round, forwarded: expected });

      // Switched off again for the next round; what is left is scanned without a target.
      await deleteTarget(db, targetId, { actor: "test" });
      await scanAll();
    }
  }, 60_000);

  it("still ingests with a role that may not create temporary functions, leaving events to the worker's scan", async () => {
    const role = `hookline_notemp_${process.pid}`;
    const dbName = new URL(database.url).pathname.slice(1);
    await withAdminClient(async (admin) => {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.query(`CREATE ROLE ${role} LOGIN`);
    });
    const sql = (text: string) => database.db.$executeRawUnsafe(text);
    await sql(`REVOKE TEMPORARY ON DATABASE "${dbName}" FROM PUBLIC`);
    await sql(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await sql(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ${role}`);
    const url = new URL(database.url);
    url.username = role;
    const groupCommit = new PostgresGroupCommit(url.toString(), { poolSize: 1 });
    try {
      const source = await database.db.source.findUniqueOrThrow({ where: { slug: "clerk" } });
      const body = Buffer.from(JSON.stringify(envelope("user.updated", { id: "user_notemp", object: "user" })));
      const msgId = newMsgId();
      const stored = await groupCommit.storeVerified({
        delivery: {
          id: newId(Date.now()), sourceSlug: "clerk", receivedAt: new Date(), remoteAddr: null, requestId: null, headers: "[]",
          rawBody: new Uint8Array(body) as Uint8Array<ArrayBuffer>, size: body.length, truncated: false, svixId: msgId,
          svixTimestamp: String(Math.floor(Date.now() / 1000)), sourceId: source.id,
        },
        sourceId: source.id,
        svixId: msgId,
        svixTimestamp: BigInt(Math.floor(Date.now() / 1000)),
        type: "user.updated",
        instanceId: null,
        timestampMs: Date.now(),
        data: { id: "user_notemp", object: "user" },
        detail: null,
      });
      expect(stored.outcome).toBe("verified");
      // No target auto-forwards, but this connection cannot ask: the worker scans it.
      expect(await database.db.event.findUniqueOrThrow({ where: { id: stored.eventId } })).toMatchObject({ forwardScanned: false });
    } finally {
      await groupCommit.close();
      await sql(`GRANT TEMPORARY ON DATABASE "${dbName}" TO PUBLIC`);
      await sql(`DROP OWNED BY ${role}`);
      await withAdminClient((admin) => admin.query(`DROP ROLE ${role}`));
    }
  });
});
