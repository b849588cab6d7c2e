// `hookline export` as an operator runs it: bin/hookline.js as a child process on a
// seeded database of each provider, writing a file that is decoded and compared with
// the stored bytes.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabaseUrl, dropTestDatabaseUrl, PROVIDERS } from "../../tests/support/database";
import { newSecret } from "../../tests/support/svix";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { bodyOf, STORED_BODY } from "~/deliveries/body-codec.server";
import { PROJECT_ROOT } from "~/db/migrate.server";
import { seedDatabase } from "~/seed/seed.server";
import { ensureDefaultSource } from "~/sources/sources.server";

const EVENTS = 2_500;

function hookline(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin/hookline.js"), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(PROVIDERS)("hookline export (%s)", (provider) => {
  let url: string;
  let handle: DatabaseHandle;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    url = await createTestDatabaseUrl(provider);
    handle = createDatabase(url);
    const source = await ensureDefaultSource(handle.db);
    await seedDatabase(handle, { events: EVENTS, days: 2, seed: 3, sourceId: source.id, sourceSlug: source.slug, secret: newSecret() });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-export-"));
    env = { DATABASE_URL: url, HOOKLINE_DATA_DIR: dir };
  }, 120_000);
  afterAll(async () => {
    await handle?.db.$disconnect();
    if (url) await dropTestDatabaseUrl(url);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes every event with --raw; each rawBody is the stored body as received", async () => {
    const out = path.join(dir, "all.ndjson");
    const run = await hookline(["export", "--raw", "--out", out], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/export: [\d,]+ events to .*all\.ndjson in [\d.]+ s \([\d,]+ rows\/s, peak RSS \d+ MB\)/);
    const lines = fs.readFileSync(out, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line) as { id: string; svixId: string; rawBody: string; payload: unknown });
    const events = await handle.db.event.findMany({ select: { id: true, firstDeliveryId: true } });
    expect(lines).toHaveLength(events.length);
    expect(events.length).toBeGreaterThanOrEqual(EVENTS);
    const deliveries = await handle.db.delivery.findMany({ where: { eventId: { not: null } }, select: { id: true, ...STORED_BODY } });
    const bodies = new Map(deliveries.map((d) => [d.id, bodyOf(d)]));
    const stored = new Map(events.map((e) => [e.id, bodies.get(e.firstDeliveryId)!]));
    for (const line of lines) {
      const bytes = Buffer.from(line.rawBody, "base64");
      expect(bytes.equals(stored.get(line.id)!), line.id).toBe(true);
      expect(line.payload).toEqual(JSON.parse(bytes.toString("utf8")));
    }
    // No partial file is left beside it.
    expect(fs.readdirSync(dir).filter((name) => name.includes(".partial"))).toEqual([]);
  }, 120_000);

  it("filters, writes CSV, refuses to overwrite without --force, and validates its options", async () => {
    const out = path.join(dir, "users.csv");
    const run = await hookline(["export", "--type", "user.*", "--format", "csv", "--dir", "asc", "--out", out], env);
    expect(run.code, run.stderr).toBe(0);
    const rows = fs.readFileSync(out, "utf8").split("\r\n").filter(Boolean);
    const count = await handle.db.event.count({ where: { type: { startsWith: "user." } } });
    expect(rows).toHaveLength(count + 1);
    expect(rows[0]!.split(",").at(-1)).toBe("summary");
    expect(rows.slice(1).every((row) => row.split(",")[2]!.startsWith("user."))).toBe(true);

    const again = await hookline(["export", "--out", out], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; pass --force/);
    const bad = await hookline(["export", "--format", "xml", "--out", path.join(dir, "x")], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format/);
    const help = await hookline(["export", "--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--raw/);
  }, 120_000);
});
