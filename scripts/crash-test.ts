// npm run test:crash — nothing acknowledged is ever lost.
// Each round: a steady stream of signed deliveries, `kill -9` of the server at a
// random moment, a restart on the same database, then every delivery that got a 2xx
// must be stored byte for byte, and the database must pass its integrity check
// (SQLite `PRAGMA integrity_check`; Postgres amcheck on every B-tree index).
//
//   npm run test:crash -- [--rounds 5] [--provider sqlite|postgres|both] [--seconds 3]
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";

import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";
import { decodeBody } from "~/deliveries/body-codec.server";

const args = new Map<string, string>();
process.argv.slice(2).forEach((arg, i, all) => {
  if (arg.startsWith("--")) args.set(arg.slice(2), all[i + 1] ?? "1");
});
const ROUNDS = Number(args.get("rounds") ?? 5);
const SECONDS = Number(args.get("seconds") ?? 3);
const PROVIDERS = (args.get("provider") ?? "both") === "both" ? ["sqlite", "postgres"] : [args.get("provider")!];
const CONNECTIONS = 8;
const SECRET = "whsec_" + Buffer.from("hookline-crash-test-secret-012345").toString("base64");
const DIR = path.resolve(".cache/crash-test");
const PG_ADMIN = process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PORT = Number(args.get("port") ?? 3380);

function log(message: string) {
  console.log(`[test:crash] ${message}`);
}

function startServer(databaseUrl: string): ChildProcess {
  // `node --import tsx` (not the tsx CLI, which forks): kill -9 must hit the server itself.
  return spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      HOOKLINE_DATA_DIR: DIR,
      SESSION_SECRET: "crash-test-session-secret-0123",
      HOOKLINE_ENCRYPTION_KEY: "crash-test-encryption-key-0123",
      CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
    },
  });
}

async function waitUntilHealthy(child: ChildProcess) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not become healthy");
}

interface Acked {
  svixId: string;
  sha256: string;
}

/** Sends until `stop()` and records every delivery answered 2xx. */
function sendStream(bodies: string[]) {
  const acked: Acked[] = [];
  let sent = 0;
  let failed = 0;
  let running = true;
  let next = 0;
  const worker = async () => {
    while (running) {
      const body = bodies[next++ % bodies.length]!.replace('"object":"event"', `"object":"event","x_crash_seq":${next}`);
      const { headers, msgId } = signDelivery(SECRET, body);
      sent++;
      try {
        const response = await fetch(`http://127.0.0.1:${PORT}/webhooks/clerk`, { method: "POST", body, headers });
        await response.arrayBuffer();
        if (response.ok) acked.push({ svixId: msgId, sha256: crypto.createHash("sha256").update(body).digest("hex") });
        else failed++;
      } catch {
        failed++; // the server died mid-request: not acknowledged, so not owed
      }
    }
  };
  const workers = Array.from({ length: CONNECTIONS }, worker);
  return {
    acked,
    counts: () => ({ sent, failed }),
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

interface Store {
  url: string;
  storedHashes(svixIds: string[]): Promise<Map<string, string[]>>;
  integrity(): Promise<string>;
  close(): Promise<void>;
}

async function sqliteStore(round: number): Promise<Store> {
  const file = path.join(DIR, `crash-${round}.db`);
  return {
    url: `file:${file}`,
    async storedHashes(ids) {
      const db = new Database(file, { readonly: true });
      try {
        const result = new Map<string, string[]>();
        // The bodies as received: SQLite stores them compressed (ADR 0017).
        const query = db.prepare(`SELECT "svixId", "rawBody", "bodyEncoding" FROM "Delivery" WHERE "svixId" = ?`);
        for (const id of ids) {
          const rows = query.all(id) as { svixId: string; rawBody: Buffer; bodyEncoding: number }[];
          result.set(id, rows.map((row) => crypto.createHash("sha256").update(decodeBody(row.rawBody, row.bodyEncoding)).digest("hex")));
        }
        return result;
      } finally {
        db.close();
      }
    },
    async integrity() {
      const db = new Database(file, { readonly: true });
      try {
        return (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join(", ");
      } finally {
        db.close();
      }
    },
    async close() {},
  };
}

async function postgresStore(round: number): Promise<Store> {
  const name = `hookline_crash_${process.pid}_${round}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  let connected = false;
  const connect = async () => {
    if (!connected) await client.connect();
    connected = true;
  };
  return {
    url: url.toString(),
    async storedHashes(ids) {
      await connect();
      const { rows } = await client.query<{ svixId: string; rawBody: Buffer; bodyEncoding: number }>(
        `SELECT "svixId", "rawBody", "bodyEncoding" FROM "Delivery" WHERE "svixId" = ANY($1)`,
        [ids],
      );
      const result = new Map<string, string[]>(ids.map((id) => [id, []]));
      for (const row of rows) result.get(row.svixId)!.push(crypto.createHash("sha256").update(decodeBody(row.rawBody, row.bodyEncoding)).digest("hex"));
      return result;
    },
    async integrity() {
      await connect();
      await client.query("CREATE EXTENSION IF NOT EXISTS amcheck");
      const { rows } = await client.query<{ index: string }>(
        `SELECT c.relname AS index FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE a.amname = 'btree' AND n.nspname = 'public'`,
      );
      for (const { index } of rows) await client.query(`SELECT bt_index_check($1::regclass, true)`, [`"${index}"`]);
      return `ok (${rows.length} B-tree indexes checked with amcheck)`;
    },
    async close() {
      await client.end().catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function round(provider: string, index: number, bodies: string[]) {
  const store = provider === "postgres" ? await postgresStore(index) : await sqliteStore(index);
  let server = startServer(store.url);
  let stderr = "";
  server.stderr!.on("data", (chunk) => (stderr += chunk));
  try {
    await waitUntilHealthy(server);
    const stream = sendStream(bodies);
    const killAfter = 300 + Math.random() * SECONDS * 1000;
    await new Promise((r) => setTimeout(r, killAfter));
    server.kill("SIGKILL");
    await new Promise((r) => server.once("exit", r));
    await stream.stop();
    const { sent, failed } = stream.counts();

    server = startServer(store.url);
    await waitUntilHealthy(server);
    const stored = await store.storedHashes(stream.acked.map((a) => a.svixId));
    const lost = stream.acked.filter((a) => !stored.get(a.svixId)?.includes(a.sha256));
    const integrity = await store.integrity();
    log(
      `${provider} round ${index + 1}: killed after ${Math.round(killAfter)} ms; ${sent} sent, ${stream.acked.length} acknowledged, ${failed} not acknowledged; lost ${lost.length}; integrity: ${integrity}`,
    );
    return { acknowledged: stream.acked.length, lost: lost.length, integrityOk: integrity.startsWith("ok") };
  } catch (error) {
    console.error(stderr.slice(-2000));
    throw error;
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGKILL");
      await new Promise((r) => server.once("exit", r));
    }
    await store.close();
  }
}

async function main() {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const bodies = buildSamples("all", { count: 5, seed: 7 }).map((e) => JSON.stringify(e));
  let acknowledged = 0;
  let lost = 0;
  let runs = 0;
  let integrityFailures = 0;
  for (const provider of PROVIDERS) {
    for (let i = 0; i < ROUNDS; i++) {
      const result = await round(provider, i, bodies);
      runs++;
      acknowledged += result.acknowledged;
      lost += result.lost;
      if (!result.integrityOk) integrityFailures++;
    }
  }
  log(`${runs} crash runs, ${acknowledged} acknowledged deliveries, ${lost} lost, ${integrityFailures} integrity failures.`);
  if (lost > 0 || integrityFailures > 0) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
