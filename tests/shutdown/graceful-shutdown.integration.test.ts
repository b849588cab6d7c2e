// Graceful shutdown (issue 10, section 2): SIGTERM to the real server in the middle of
// a replay, then a restart on the same database. The receiver must get every event
// exactly once: sends in flight at the signal finish and are recorded, tasks claimed
// but not sent are released, and nothing is left to lease expiry (which would send it
// again). A delivery whose body is still arriving at the signal is answered after its
// commit. The server runs as a child process (`node --import tsx server.ts`, as
// scripts/crash-test.ts starts it: ingest, health and the worker thread, no Remix
// build); the replay and target are created through the API route actions on the same
// database, with an operator token. The same is then checked for `hookline worker`
// running as its own process (HOOKLINE_WORKER=0 deployments).
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../support/database";
import { waitForJob } from "../support/dispatch";
import { startReceiver, type Receiver } from "../support/receiver";
import { setupRouteTest, type RouteTestContext } from "../support/routes";
import { envelope, newMsgId, newSecret, signedHeaders } from "../support/svix";
import { PROJECT_ROOT } from "~/db/migrate.server";
import * as replaysRoute from "~/routes/api.v1.replays";
import * as targetsRoute from "~/routes/api.v1.targets";

const EVENTS = 1_500;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const SOURCE_SECRET = newSecret();

interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** The JSON log lines with this message. */
  logs(msg: string): Record<string, unknown>[];
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function spawnHookline(script: string[], env: Record<string, string>): ChildProcess {
  // `node --import tsx` (not the tsx CLI, which forks): the signal must reach Hookline itself.
  return spawn(process.execPath, ["--import", "tsx", ...script], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production", HOOKLINE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), ...env },
  });
}

async function startServer(databaseUrl: string, dataDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnHookline([path.join(PROJECT_ROOT, "server.ts")], {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    HOOKLINE_DATA_DIR: dataDir,
    CLERK_WEBHOOK_SIGNING_SECRET: SOURCE_SECRET,
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    child,
    url,
    output: () => output,
    logs: (msg) =>
      output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === msg),
    exited,
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `hookline worker` as its own process; resolves once it logged that it started. */
async function startWorkerProcess(databaseUrl: string, dataDir: string): Promise<ServerProcess> {
  const child = spawnHookline([path.join(PROJECT_ROOT, "app/cli/main.ts"), "worker"], { DATABASE_URL: databaseUrl, HOOKLINE_DATA_DIR: dataDir });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const worker: ServerProcess = {
    child,
    url: "",
    output: () => output,
    logs: (msg) =>
      output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === msg),
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
  };
  const deadline = Date.now() + 30_000;
  while (!output.includes('"msg":"worker started"')) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker did not start\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return worker;
}

/** Posts signed deliveries, `concurrency` at a time; returns their svix-ids. */
async function postDeliveries(url: string, count: number, concurrency = 8): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const base = Date.UTC(2026, 5, 1);
  const worker = async () => {
    while (next < count) {
      const i = next++;
      // 300 users, five updates each: the replay keeps each user's order while sending eight at once.
      const body = JSON.stringify(envelope("user.updated", { id: `user_sd${i % 300}`, object: "user", n: i }, base + i));
      const msgId = newMsgId();
      const response = await fetch(`${url}/webhooks/clerk`, { method: "POST", body, headers: signedHeaders(SOURCE_SECRET, body, { msgId }) });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`delivery ${i} answered ${response.status}`);
      ids.push(msgId);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

/**
 * A delivery whose body arrives in two parts: the server is reading it when the
 * signal comes. Resolves with the answer once `finish()` has sent the rest.
 */
function slowDelivery(url: string) {
  const msgId = newMsgId();
  const body = Buffer.from(JSON.stringify(envelope("session.created", { id: "sess_shutdown", object: "session", user_id: "user_sd1" })));
  const half = Math.floor(body.length / 2);
  const request = http.request(`${url}/webhooks/clerk`, {
    method: "POST",
    agent: false,
    headers: { ...signedHeaders(SOURCE_SECRET, body, { msgId }), "content-length": String(body.length) },
  });
  const answer = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    request.on("response", (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: text }));
    });
    request.on("error", reject);
  });
  request.write(body.subarray(0, half));
  return {
    msgId,
    finish() {
      request.end(body.subarray(half));
      return answer;
    },
  };
}

describe.each(PROVIDERS)("SIGTERM during a replay (%s)", (provider) => {
  let t: RouteTestContext;
  let receiver: Receiver;
  /** svix-ids of the user.updated events the first case stores; the second replays them again. */
  let stored: string[] = [];
  let operator: string;
  const servers: ServerProcess[] = [];
  const dataDir = path.join(PROJECT_ROOT, ".cache", "test-data", `shutdown-${process.pid}-${provider}`);

  beforeAll(async () => {
    t = await setupRouteTest(provider);
    operator = await t.bearerFor("operator");
    // A consumer that takes ~20 ms per request.
    receiver = await startReceiver(newSecret(), () => ({ status: 200, body: "ok", delayMs: 20 }));
  });
  afterAll(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill("SIGKILL");
        await server.exited;
      }
    }
    await receiver?.close();
    await t?.database.drop();
  });

  const api = async (route: { action: unknown }, url: string, body: unknown) => {
    const request = t.request(url, { method: "POST", headers: { "content-type": "application/json", authorization: operator }, body: JSON.stringify(body) });
    const response = (await (route.action as (args: object) => Promise<Response>)({ request, params: {}, context: {} })) as Response;
    const json = await response.json();
    if (response.status !== 201) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  };

  it("finishes and records the sends in flight, releases the rest, exits 0; after a restart every event arrives exactly once", async () => {
    const first = await startServer(t.database.url, dataDir);
    servers.push(first);
    stored = await postDeliveries(first.url, EVENTS);
    expect(new Set(stored).size).toBe(EVENTS);

    const target = await api(targetsRoute, "/api/v1/targets", {
      name: "Slow consumer",
      url: receiver.url,
      secret: receiver.secret,
      concurrency: 40,
      timeoutMs: 5_000,
    });
    // At 200 a second a claim of 40 hands out send slots up to 200 ms ahead: at any
    // moment a few sends are on the wire and more are claimed, waiting for their slot.
    const job = await api(replaysRoute, "/api/v1/replays", { targetId: target.id, filter: { type: ["user.updated"] }, maxPerSecond: 200 });
    expect(job.total).toBe(EVENTS);

    // Mid-replay: a fifth of the events are out.
    await receiver.waitFor(EVENTS / 5, 30_000).catch((error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    const slow = slowDelivery(first.url);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sentBeforeSigterm = receiver.requests.length;
    const signalledAt = Date.now();
    first.child.kill("SIGTERM");
    // The server is still reading this delivery: it must be answered, after its commit.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answer = await slow.finish();
    expect(answer.status).toBe(200);
    expect(answer.connection).toBe("close");
    const code = await first.exited;
    const stoppedInMs = Date.now() - signalledAt;
    const sentAtExit = receiver.requests.length;
    expect(code, first.output()).toBe(0);
    expect(stoppedInMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);

    // Nothing is left leased, every request that went out is recorded, and the job's
    // counter agrees with what the receiver saw.
    const db = t.database.db;
    expect(await db.delivery.count({ where: { svixId: slow.msgId, outcome: "verified" } })).toBe(1);
    expect(await db.dispatchTask.count({ where: { jobId: job.id, status: "sending" } })).toBe(0);
    expect(await db.dispatchAttempt.count({ where: { jobId: job.id } })).toBe(sentAtExit);
    const stopped = await db.dispatchJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stopped).toMatchObject({ status: "running", sent: sentAtExit, failed: 0 });
    expect(sentAtExit).toBeLessThan(EVENTS);
    // Both paths were taken: sends on the wire were recorded, claimed ones released.
    const [dispatchStopped] = first.logs("dispatch: stopped; attempts recorded, unsent claims released");
    expect(dispatchStopped, first.output()).toMatchObject({ recorded: expect.any(Number), released: expect.any(Number) });
    expect(dispatchStopped!.recorded).toBeGreaterThan(0);
    expect(dispatchStopped!.released).toBeGreaterThan(0);

    const second = await startServer(t.database.url, dataDir);
    servers.push(second);
    const done = await waitForJob(t.database, job.id, { timeoutMs: 60_000 }).catch((error) => {
      throw new Error(`${error.message}\n${second.output()}`);
    });
    expect(done).toMatchObject({ status: "done", sent: EVENTS, failed: 0 });
    // A released claim was not counted as an attempt: every task took exactly one.
    expect(await db.dispatchTask.count({ where: { jobId: job.id, NOT: { attempts: 1 } } })).toBe(0);
    expect(await db.dispatchAttempt.count({ where: { jobId: job.id } })).toBe(EVENTS);
    // Sends that were on the wire may still be being answered as the job finishes.
    await receiver.waitFor(EVENTS, 5_000);

    const counts = new Map<string, number>();
    for (const request of receiver.requests) counts.set(request.svixId, (counts.get(request.svixId) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    const missing = stored.filter((id) => !counts.has(id));
    const stats = {
      provider,
      events: EVENTS,
      sentBeforeSigterm,
      sentDuringShutdown: sentAtExit - sentBeforeSigterm,
      sentAfterRestart: receiver.requests.length - sentAtExit,
      distinct: counts.size,
      duplicates: duplicates.length,
      missing: missing.length,
      stoppedInMs,
      recordedAtShutdown: dispatchStopped!.recorded,
      releasedAtShutdown: dispatchStopped!.released,
    };
    console.log(`[graceful-shutdown] ${JSON.stringify(stats)}`);
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
    expect(counts.size).toBe(EVENTS);
    expect(receiver.requests.length).toBe(EVENTS);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);

    second.child.kill("SIGTERM");
    expect(await second.exited, second.output()).toBe(0);
  }, 120_000);

  it("`hookline worker` as its own process does the same: SIGTERM mid-replay, exit 0, every event once after a restart", async () => {
    expect(stored.length, "the first case stores the events").toBe(EVENTS);
    const consumer = await startReceiver(newSecret(), () => ({ status: 200, body: "ok", delayMs: 20 }));
    try {
      const target = await api(targetsRoute, "/api/v1/targets", { name: "Worker consumer", url: consumer.url, secret: consumer.secret, concurrency: 40, timeoutMs: 5_000 });
      const job = await api(replaysRoute, "/api/v1/replays", { targetId: target.id, filter: { type: ["user.updated"] }, maxPerSecond: 200 });
      expect(job.total).toBe(EVENTS);

      const first = await startWorkerProcess(t.database.url, dataDir);
      servers.push(first);
      await consumer.waitFor(EVENTS / 5, 30_000).catch((error) => {
        throw new Error(`${error.message}\n${first.output()}`);
      });
      const sentBeforeSigterm = consumer.requests.length;
      const signalledAt = Date.now();
      first.child.kill("SIGTERM");
      expect(await first.exited, first.output()).toBe(0);
      const stoppedInMs = Date.now() - signalledAt;
      expect(stoppedInMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      const sentAtExit = consumer.requests.length;
      const db = t.database.db;
      expect(await db.dispatchTask.count({ where: { jobId: job.id, status: "sending" } })).toBe(0);
      expect(await db.dispatchAttempt.count({ where: { jobId: job.id } })).toBe(sentAtExit);
      const [dispatchStopped] = first.logs("dispatch: stopped; attempts recorded, unsent claims released");
      expect(dispatchStopped, first.output()).toBeDefined();
      expect(dispatchStopped!.released).toBeGreaterThan(0);

      const second = await startWorkerProcess(t.database.url, dataDir);
      servers.push(second);
      await waitForJob(t.database, job.id, { timeoutMs: 60_000 }).catch((error) => {
        throw new Error(`${error.message}\n${second.output()}`);
      });
      await consumer.waitFor(EVENTS, 5_000);
      second.child.kill("SIGTERM");
      expect(await second.exited, second.output()).toBe(0);

      const counts = new Map<string, number>();
      for (const request of consumer.requests) counts.set(request.svixId, (counts.get(request.svixId) ?? 0) + 1);
      const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      console.log(
        `[graceful-shutdown] ${JSON.stringify({
          provider,
          process: "hookline worker",
          events: EVENTS,
          sentBeforeSigterm,
          sentDuringShutdown: sentAtExit - sentBeforeSigterm,
          sentAfterRestart: consumer.requests.length - sentAtExit,
          distinct: counts.size,
          duplicates: duplicates.length,
          stoppedInMs,
          recordedAtShutdown: dispatchStopped!.recorded,
          releasedAtShutdown: dispatchStopped!.released,
        })}`,
      );
      expect(duplicates).toEqual([]);
      expect(stored.filter((id) => !counts.has(id))).toEqual([]);
      expect(consumer.requests.length).toBe(EVENTS);
      expect(await db.dispatchTask.count({ where: { jobId: job.id, NOT: { attempts: 1 } } })).toBe(0);
    } finally {
      await consumer.close();
    }
  }, 120_000);
});
