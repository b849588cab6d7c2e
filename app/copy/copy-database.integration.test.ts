// `hookline copy` as an operator runs it: a seeded SQLite database (deliveries with raw
// bytes, events, a target and a source with sealed secrets, an account, a token, the
// audit log) copied to an empty Postgres database and back to a new SQLite file, ids
// unchanged; a copy run as its own process killed with SIGKILL half-way and run again;
// and each end compared table by table (row counts and checksums read afresh from each
// database), secrets opened on the destination, search answering the same.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabaseUrl, dropTestDatabaseUrl } from "../../tests/support/database";
import { postgresUrl, testRunId, withAdminClient } from "../../tests/support/postgres";
import { newSecret } from "../../tests/support/svix";
import { copyDatabase, CopyInputError } from "./copy-database.server";
import { databaseChecksums } from "./copy-checksums.server";
import { createAccount } from "~/auth/accounts.server";
import { recordAudit } from "~/audit/audit.server";
import { PROJECT_ROOT } from "~/db/migrate.server";
import { createDatabase } from "~/db/prisma.server";
import { bodyOf } from "~/deliveries/body-codec.server";
import { createTarget } from "~/dispatch/create-target.server";
import { openTargetSecret } from "~/dispatch/target.server";
import { TargetCreateSchema } from "~/dispatch/target-input";
import { countEvents } from "~/events/event-query.server";
import { seedDatabase } from "~/seed/seed.server";
import { createSource, ensureDefaultSource, storedSecrets } from "~/sources/sources.server";

const SEEDED_EVENTS = 3_000;
const TARGET_SECRET = newSecret();
const SOURCE_SECRET = newSecret();

async function emptyPostgres(): Promise<string> {
  const name = `hookline_test_${testRunId()}_copy_${crypto.randomBytes(5).toString("hex")}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  return postgresUrl(name);
}

function emptySqlite(): string {
  const dir = path.join(PROJECT_ROOT, ".cache", "test", testRunId());
  fs.mkdirSync(dir, { recursive: true });
  return `file:${path.join(dir, `copy_${crypto.randomBytes(5).toString("hex")}.db`)}`;
}

/** Fills a fresh SQLite database with a bit of everything. */
async function seededSource(): Promise<{ url: string; targetId: string }> {
  const url = await createTestDatabaseUrl("sqlite");
  const handle = createDatabase(url);
  const source = await ensureDefaultSource(handle.db);
  await seedDatabase(handle, { events: SEEDED_EVENTS, days: 3, seed: 7, sourceId: source.id, sourceSlug: source.slug, secret: SOURCE_SECRET });
  await createSource(handle.db, { slug: "staging", name: "Staging", secrets: [SOURCE_SECRET] });
  const { target } = await createTarget(handle.db, TargetCreateSchema.parse({ name: "consumer", url: "https://consumer.example/hook", secret: TARGET_SECRET }), {
    actor: "test",
    allowlist: null,
  });
  await createAccount(handle.db, { email: "ops@example.com", name: "Ops", password: "correct horse battery staple", role: "admin" });
  await recordAudit(handle.db, { actor: "ops@example.com", action: "target.create", subject: target.id, detail: { name: "consumer" } });
  await handle.db.$disconnect();
  return { url, targetId: target.id };
}

/** What a person checks on the copy: secrets open, the same events are found by search. */
async function checkUsable(url: string, targetId: string, searchFor: string, expectedHits: number) {
  const handle = createDatabase(url);
  try {
    const target = await handle.db.target.findUniqueOrThrow({ where: { id: targetId } });
    expect(openTargetSecret(target)).toBe(TARGET_SECRET);
    const staging = await handle.db.source.findUniqueOrThrow({ where: { slug: "staging" } });
    expect(storedSecrets(staging)).toEqual([SOURCE_SECRET]);
    expect(await countEvents(handle, { q: searchFor })).toBe(expectedHits);
  } finally {
    await handle.db.$disconnect();
  }
}

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `npx hookline copy …` as its own process group; `killWhen` SIGKILLs the whole group. */
function hooklineCopy(from: string, to: string, killWhen?: (stderr: string) => boolean): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin/hookline.js"), "copy", "--from", from, "--to", to], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, HOOKLINE_COPY_BATCH_ROWS: "50", HOOKLINE_COPY_PROGRESS_MS: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      if (!killed && killWhen?.(stderr)) {
        killed = true;
        // NOTE: the group, so the tsx child that bin/hookline.js may start dies too, as with kill -9 of the real process.
        process.kill(-child.pid!, "SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("hookline copy", () => {
  const cleanup: string[] = [];
  let source: { url: string; targetId: string };
  let expectedHits: number;
  let searchFor: string;

  beforeAll(async () => {
    source = await seededSource();
    cleanup.push(source.url);
    const handle = createDatabase(source.url);
    // A user id: found in its events' payloads by both providers' full-text search.
    searchFor = (await handle.db.event.findFirstOrThrow({ where: { userId: { not: null }, type: "user.updated" }, orderBy: { id: "desc" } })).userId!;
    expectedHits = await countEvents(handle, { q: searchFor });
    await handle.db.$disconnect();
    expect(expectedHits).toBeGreaterThan(0);
  }, 120_000);
  afterAll(async () => {
    for (const url of cleanup) await dropTestDatabaseUrl(url).catch(() => {});
  });

  it("copies SQLite to Postgres and back, ids unchanged, identical table by table, secrets and search working", async () => {
    const postgres = await emptyPostgres();
    const back = emptySqlite();
    cleanup.push(postgres, back);

    const there = await copyDatabase({ from: source.url, to: postgres, batchRows: 500 });
    expect(there.identical).toBe(true);
    expect(there.resumed).toBe(false);
    const tables = there.tables.map((t) => t.table);
    // Every model of the schema, found from the database's own catalog (new tables included).
    for (const name of ["Source", "Delivery", "Event", "Target", "Account", "AuditEntry", "DispatchJob", "DispatchTask", "DispatchAttempt", "Issue", "NotificationChannel"]) {
      expect(tables).toContain(name);
    }
    expect(tables.indexOf("Source")).toBeLessThan(tables.indexOf("Event"));
    expect(tables.indexOf("Event")).toBeLessThan(tables.indexOf("Delivery"));
    expect(there.tables.find((t) => t.table === "Event")!.sourceRows).toBe(SEEDED_EVENTS);
    expect(there.indexedEvents).toBe(SEEDED_EVENTS);

    const again = await copyDatabase({ from: postgres, to: back, batchRows: 500 });
    expect(again.identical).toBe(true);

    const [original, onPostgres, roundTrip] = await Promise.all([databaseChecksums(source.url), databaseChecksums(postgres), databaseChecksums(back)]);
    expect(onPostgres).toEqual(original);
    expect(roundTrip).toEqual(original);
    expect(original.find((t) => t.table === "Delivery")!.rows).toBeGreaterThan(SEEDED_EVENTS);

    await checkUsable(postgres, source.targetId, searchFor, expectedHits);
    await checkUsable(back, source.targetId, searchFor, expectedHits);

    // Raw bytes, byte for byte, on a sample (as received: the SQLite source stores them
    // compressed, the copy back as it got them from Postgres; ADR 0017).
    const [a, b] = [createDatabase(source.url), createDatabase(back)];
    const sample = await a.db.delivery.findMany({ take: 50, orderBy: { id: "desc" } });
    for (const delivery of sample) {
      const copy = await b.db.delivery.findUniqueOrThrow({ where: { id: delivery.id } });
      expect(bodyOf(copy).equals(bodyOf(delivery))).toBe(true);
      expect(copy.receivedAt.getTime()).toBe(delivery.receivedAt.getTime());
    }
    await a.db.$disconnect();
    await b.db.$disconnect();
  }, 180_000);

  it("resumes after kill -9 half-way and ends identical; a second run is the catch-up pass", async () => {
    const postgres = await emptyPostgres();
    cleanup.push(postgres);

    const killed = await hooklineCopy(source.url, postgres, (stderr) => /copy\s+Delivery\s+\S+\s+\d+% [1-9][\d,]*\//.test(stderr));
    expect(killed.signal ?? killed.code).toBeTruthy();
    expect(killed.stdout).not.toContain("Verified");
    // Half a copy: some deliveries are there, not all.
    const partial = await databaseChecksums(postgres);
    const deliveries = partial.find((t) => t.table === "Delivery")!.rows;
    expect(deliveries).toBeGreaterThan(0);
    expect(deliveries).toBeLessThan(SEEDED_EVENTS);

    const resumed = await hooklineCopy(source.url, postgres);
    expect(resumed.stderr).toContain("Continuing the copy");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/Verified: \d+ tables, row counts and checksums \(raw bodies included\) match/);
    expect(await databaseChecksums(postgres)).toEqual(await databaseChecksums(source.url));
    await checkUsable(postgres, source.targetId, searchFor, expectedHits);

    // New rows on the source (the server kept running), then the catch-up pass.
    const handle = createDatabase(source.url);
    await recordAudit(handle.db, { actor: "ops@example.com", action: "target.update", subject: source.targetId });
    await handle.db.target.update({ where: { id: source.targetId }, data: { name: "consumer (renamed)" } });
    await handle.db.$disconnect();
    const catchUp = await copyDatabase({ from: source.url, to: postgres });
    expect(catchUp.resumed).toBe(true);
    expect(catchUp.identical).toBe(true);
    expect(catchUp.tables.find((t) => t.table === "AuditEntry")!.fixed).toBe(1);
    expect(catchUp.tables.find((t) => t.table === "Target")!.fixed).toBe(1);
    expect(await databaseChecksums(postgres)).toEqual(await databaseChecksums(source.url));
  }, 240_000);

  it("refuses a destination that holds other data", async () => {
    const other = await createTestDatabaseUrl("postgres");
    cleanup.push(other);
    const handle = createDatabase(other);
    await ensureDefaultSource(handle.db);
    await handle.db.$disconnect();
    await expect(copyDatabase({ from: source.url, to: other })).rejects.toThrow(CopyInputError);
    await expect(copyDatabase({ from: source.url, to: other })).rejects.toThrow(/not empty/);
  });
});
