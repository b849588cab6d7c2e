// `hookline backup` as an operator runs it: a real server process on a real SQLite file
// takes signed deliveries without pause, the backup runs as its own process in the
// middle of that, and a second server started on the copy must hold every delivery
// that was acknowledged before the backup began, byte for byte.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabaseUrl, dropTestDatabaseUrl } from "../../tests/support/database";
import { newSecret, signedHeaders } from "../../tests/support/svix";
import { buildSamples } from "~/catalog/samples";
import { createDatabase } from "~/db/prisma.server";
import { PROJECT_ROOT } from "~/db/migrate.server";
import { decodeBody } from "~/deliveries/body-codec.server";
import { seedDatabase } from "~/seed/seed.server";
import { ensureDefaultSource } from "~/sources/sources.server";

const SECRET = newSecret();
const SENDERS = 4;
const SEEDED_EVENTS = 8_000;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx hookline …` as a child process: bin/hookline.js, then tsx, then app/cli/main.ts. */
function hookline(args: string[], env: Record<string, string> = {}, onStderrLine?: (line: string) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin/hookline.js"), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) onStderrLine?.(line);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/** The production server (server.ts) as its own process, as `npm start` runs it, with the worker thread. */
async function startServer(databaseUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      HOOKLINE_DATA_DIR: path.join(PROJECT_ROOT, ".cache", "test-data"),
      SESSION_SECRET: "backup-test-session-secret-0123",
      HOOKLINE_ENCRYPTION_KEY: "backup-test-encryption-key-0123",
      CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
    },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`server did not become healthy: ${stderr.slice(-2000)}`);
}

interface Answer {
  svixId: string;
  sha256: string;
  status: number;
  /** performance.now() when the answer arrived. */
  at: number;
}

/** Signed deliveries from SENDERS concurrent clients until stop(); every answer is recorded. */
function ingestStream(url: string) {
  const bodies = buildSamples("all", { count: 3, seed: 11 }).map((envelope) => JSON.stringify(envelope));
  const answers: Answer[] = [];
  let running = true;
  let next = 0;
  const sender = async () => {
    while (running) {
      const sequence = next++;
      const body = bodies[sequence % bodies.length]!.replace('"object":"event"', `"object":"event","x_backup_seq":${sequence}`);
      const headers = signedHeaders(SECRET, body);
      const sha256 = crypto.createHash("sha256").update(body).digest("hex");
      let status = 0; // 0: no answer at all
      try {
        const response = await fetch(`${url}/webhooks/clerk`, { method: "POST", body, headers });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        // counted below as a failure
      }
      answers.push({ svixId: headers["svix-id"]!, sha256, status, at: performance.now() });
    }
  };
  const senders = Array.from({ length: SENDERS }, sender);
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(senders);
    },
  };
}

function storedBodies(file: string, svixIds: string[]): Map<string, string[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // The bodies as received, whatever form they are stored in (ADR 0017).
    const query = db.prepare(`SELECT "rawBody", "bodyEncoding" FROM "Delivery" WHERE "svixId" = ?`);
    return new Map(
      svixIds.map((id) => [
        id,
        (query.all(id) as { rawBody: Buffer; bodyEncoding: number }[]).map((row) =>
          crypto.createHash("sha256").update(decodeBody(row.rawBody, row.bodyEncoding)).digest("hex"),
        ),
      ]),
    );
  } finally {
    db.close();
  }
}

describe("hookline backup (SQLite)", () => {
  let databaseUrl: string;
  let databaseFile: string;
  let dir: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl("sqlite");
    databaseFile = databaseUrl.slice("file:".length);
    dir = path.dirname(databaseFile);
    // Some history first, so the copy takes many steps while ingest writes between them.
    const handle = createDatabase(databaseUrl);
    const source = await ensureDefaultSource(handle.db);
    await seedDatabase(handle, {
      events: SEEDED_EVENTS,
      days: 3,
      seed: 5,
      sourceId: source.id,
      sourceSlug: source.slug,
      secret: SECRET,
    });
    await handle.db.$disconnect();
  });

  afterAll(async () => {
    await dropTestDatabaseUrl(databaseUrl);
  });

  it("copies the live database during ingest: a server on the copy has every delivery acknowledged before the backup", async () => {
    const backupFile = path.join(dir, `backup-${crypto.randomBytes(4).toString("hex")}.db`);
    const live = await startServer(databaseUrl);
    let restored: ServerProcess | null = null;
    try {
      const stream = ingestStream(live.url);
      // Ingest is in full swing before the backup starts.
      const warmUpUntil = performance.now() + 30_000;
      while (stream.answers.filter((a) => a.status === 200).length < 500 && performance.now() < warmUpUntil) {
        await new Promise((r) => setTimeout(r, 20));
      }

      const backupStarted = performance.now();
      const acknowledgedBefore = stream.answers.filter((a) => a.status >= 200 && a.status < 300);
      let copyStarted = 0;
      const backup = await hookline(
        // Small steps: the copy yields to the server's writers many times on the way.
        ["backup", "--to", backupFile, "--pages-per-step", "32"],
        { DATABASE_URL: databaseUrl },
        (line) => {
          if (!copyStarted && /^backup: 0\//.test(line)) copyStarted = performance.now();
        },
      );
      const backupEnded = performance.now();
      // A little more ingest after the backup, then stop.
      await new Promise((r) => setTimeout(r, 200));
      await stream.stop();
      await live.stop();

      expect(backup.code, backup.stderr).toBe(0);
      const progress = backup.stderr.split("\n").filter((line) => line.startsWith("backup: "));
      const total = /\/([\d,]+) pages/.exec(progress[0] ?? "")?.[1];
      expect(progress[0]).toMatch(/^backup: 0\/[\d,]+ pages \(0%\)$/);
      expect(progress.at(-1)).toBe(`backup: ${total}/${total} pages (100%)`);
      expect(backup.stdout.trim()).toMatch(
        new RegExp(`^Backed up .+ to ${backupFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: [\\d.]+ MiB \\(${total} pages\\) in [\\d.]+ s; integrity_check: ok$`),
      );
      // Nothing was left beside the target.
      expect(fs.readdirSync(dir).filter((name) => name.includes(path.basename(backupFile)) && name !== path.basename(backupFile))).toEqual([]);

      const during = stream.answers.filter((a) => a.at > backupStarted && a.at <= backupEnded);
      const duringCopy = stream.answers.filter((a) => a.at > copyStarted && a.at <= backupEnded);
      expect(during.filter((a) => a.status < 200 || a.status >= 300)).toEqual([]);
      expect(stream.answers.filter((a) => a.status < 200 || a.status >= 300)).toEqual([]);
      // The copy really ran while deliveries were being written.
      expect(copyStarted).toBeGreaterThan(0);
      expect(duringCopy.length).toBeGreaterThan(0);

      // Restore = start Hookline on the file.
      restored = await startServer(`file:${backupFile}`);
      const stored = storedBodies(backupFile, acknowledgedBefore.map((a) => a.svixId));
      const missing = acknowledgedBefore.filter((a) => !stored.get(a.svixId)?.includes(a.sha256));
      expect(missing).toEqual([]);
      // The restored database is a working Hookline: it takes new deliveries.
      const body = JSON.stringify({ data: { id: "user_after_restore", object: "user" }, object: "event", type: "user.created", timestamp: Date.now(), instance_id: "ins_test" });
      const headers = signedHeaders(SECRET, body);
      const answer = await fetch(`${restored.url}/webhooks/clerk`, { method: "POST", body, headers });
      expect(answer.status).toBe(200);
      expect(storedBodies(backupFile, [headers["svix-id"]!]).get(headers["svix-id"]!)).toHaveLength(1);

      const integrity = new Database(backupFile, { readonly: true });
      expect(integrity.pragma("integrity_check", { simple: true })).toBe("ok");
      integrity.close();

      console.log(
        `[backup test] ${acknowledgedBefore.length} deliveries acknowledged before the backup, ${acknowledgedBefore.length - missing.length} found in the copy; ` +
          `${total} pages (${(fs.statSync(backupFile).size / 2 ** 20).toFixed(1)} MiB); backup command ${Math.round(backupEnded - backupStarted)} ms ` +
          `(copy ${Math.round(backupEnded - copyStarted)} ms, ${duringCopy.length} deliveries acknowledged meanwhile); ${stream.answers.length} sent, 0 non-2xx`,
      );
    } finally {
      await restored?.stop();
      await live.stop();
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(backupFile + suffix, { force: true });
    }
  }, 180_000);

  it("refuses to overwrite a file without --force, and replaces it with --force", async () => {
    const target = path.join(dir, `existing-${crypto.randomBytes(4).toString("hex")}.db`);
    fs.writeFileSync(target, "keep me");
    try {
      const refused = await hookline(["backup", "--to", target], { DATABASE_URL: databaseUrl });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`${target} already exists. Pass --force to replace it.`);
      expect(fs.readFileSync(target, "utf8")).toBe("keep me");

      const forced = await hookline(["backup", "--to", target, "--force", "--quick"], { DATABASE_URL: databaseUrl });
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toMatch(/quick_check: ok\n$/);
      const copy = new Database(target, { readonly: true });
      expect((copy.prepare(`SELECT count(*) AS n FROM "Event"`).get() as { n: number }).n).toBeGreaterThanOrEqual(SEEDED_EVENTS);
      copy.close();
    } finally {
      fs.rmSync(target, { force: true });
    }
  }, 60_000);

  it("leaves no file behind when it cannot back up, and refuses the database itself as the target", async () => {
    const target = path.join(dir, `never-${crypto.randomBytes(4).toString("hex")}.db`);
    const noDatabase = await hookline(["backup", "--to", target], { DATABASE_URL: `file:${path.join(dir, "no-such.db")}` });
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toContain("No SQLite database at");
    expect(fs.readdirSync(dir).filter((name) => name.includes(path.basename(target)))).toEqual([]);

    const itself = await hookline(["backup", "--to", databaseFile, "--force"], { DATABASE_URL: databaseUrl });
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain("is the database itself");
  }, 60_000);

  it("points Postgres users to pg_dump with exit 2, and answers --help with exit 0", async () => {
    const postgres = await hookline(["backup", "--to", path.join(dir, "pg.db")], { DATABASE_URL: "postgresql://hookline@127.0.0.1:5432/hookline" });
    expect(postgres.code).toBe(2);
    expect(postgres.stderr).toContain("pg_dump --format=custom");
    expect(postgres.stderr).toContain("pg_restore");
    expect(fs.existsSync(path.join(dir, "pg.db"))).toBe(false);

    const help = await hookline(["backup", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: (npx )?hookline backup --to FILE/);
  }, 60_000);
});
