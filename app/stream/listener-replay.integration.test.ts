// Replays to a listening laptop end to end (issue 12, section 3): `hookline listen` as a
// real child process (bin/hookline.js), real servers as child processes (server.ts
// --dev: the Remix API routes from this checkout's source, on real databases), and a
// real local consumer that verifies every request with the `svix` library.
// - an event replayed with POST /api/v1/replays { listenerId } arrives byte for byte
//   with its original svix-id, and its local answer is stored and returned with the
//   event's attempts;
// - a replay over a filter delivers each selected event once;
// - clear 4xx for an unknown listener, one that left, and bad bodies;
// - two instances on one Postgres: asked on B, the replay reaches the laptop on A, and
//   B lists the listener.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { collect, freePort, until, type Child } from "../../tests/support/child-process";
import { createTestDatabaseUrl, dropTestDatabaseUrl, type TestProvider } from "../../tests/support/database";
import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newMsgId, newSecret, signedHeaders } from "../../tests/support/svix";
import { createApiToken } from "~/auth/tokens.server";
import { PROJECT_ROOT } from "~/db/migrate.server";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";

const BIN = path.join(PROJECT_ROOT, "bin/hookline.js");
const SOURCE_SECRET = newSecret();
const STARTUP_MS = 120_000;


/** A server process with the Remix routes compiled from source (Vite middleware mode). */
async function startServer(databaseUrl: string, dataDir: string): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server.ts"), "--dev"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      // Without Vitest's variables: vite.config.ts leaves the Remix plugin out under Vitest.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST"))),
      NODE_ENV: "development",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_WORKER: "0",
      CLERK_WEBHOOK_SIGNING_SECRET: SOURCE_SECRET,
      HOOKLINE_LISTENER_HEARTBEAT_MS: "1000",
    },
  });
  const server = { ...collect(child), url: `http://127.0.0.1:${port}` };
  try {
    await until(
      "the server to answer",
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}\n${server.output()}`);
        // A Remix route, so that Vite has compiled the server build before the test starts.
        return fetch(`${server.url}/api/v1/listeners`).then((r) => r.status === 401, () => false);
      },
      server.output,
      STARTUP_MS,
    );
  } catch (error) {
    // Not yet in the test's children: stop it here, or it outlives the run.
    child.kill("SIGKILL");
    throw error;
  }
  return server;
}

function startListen(args: string[], configHome: string): Child {
  const child = spawn(process.execPath, [BIN, "listen", ...args], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: configHome, XDG_CONFIG_HOME: path.join(configHome, "config") } as unknown as NodeJS.ProcessEnv,
  });
  return collect(child);
}

async function deliver(url: string, type: string, data: Record<string, unknown>) {
  const body = JSON.stringify(envelope(type, data));
  const msgId = newMsgId();
  const response = await fetch(`${url}/webhooks/clerk`, { method: "POST", body, headers: signedHeaders(SOURCE_SECRET, body, { msgId }) });
  const answer = (await response.json()) as { outcome: string; eventId: string };
  expect(answer.outcome).toBe("verified");
  return { msgId, body, eventId: answer.eventId };
}

function api(url: string, token: string) {
  return async (method: "GET" | "POST", pathname: string, body?: unknown) => {
    const response = await fetch(`${url}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
}

interface Setup {
  databaseUrl: string;
  handle: DatabaseHandle;
  token: string;
  configHome: string;
  children: Child[];
}

async function setUp(provider: TestProvider): Promise<Setup> {
  const databaseUrl = await createTestDatabaseUrl(provider);
  const handle = createDatabase(databaseUrl);
  const token = (await createApiToken(handle.db, { name: "laptop", role: "operator" })).token;
  return { databaseUrl, handle, token, configHome: fs.mkdtempSync(path.join(os.tmpdir(), "hookline-listener-replay-")), children: [] };
}

async function tearDown(setup: Setup | undefined) {
  if (!setup) return;
  for (const { child, exited } of setup.children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  }
  await setup.handle.db.$disconnect();
  await dropTestDatabaseUrl(setup.databaseUrl);
  fs.rmSync(setup.configHome, { recursive: true, force: true });
}

/** Starts `hookline listen` against `url` and returns its listener id (from GET /api/v1/listeners on `listUrl`). */
async function listenTo(setup: Setup, url: string, receiver: Receiver, listUrl = url) {
  const listen = startListen(["--url", url, "--token", setup.token, "--forward-to", receiver.url, "--secret", receiver.secret, "--types", "user.*"], setup.configHome);
  setup.children.push(listen);
  await until("the stream to connect", () => listen.output().includes("Connected."), listen.output);
  const listener = await until(
    "the listener to be listed",
    async () => (await api(listUrl, setup.token)("GET", "/api/v1/listeners")).body.listeners?.[0] as { id: string; who: string; instance: string } | undefined,
    listen.output,
  );
  return { listen, listener };
}

const answerFor = (request: { body: Buffer }) =>
  request.body.toString("utf8").includes("fails_locally") ? { status: 500, body: "boom: no such user\n    at handler (app.ts:3)" } : { status: 200, body: "synced\nsecond line" };

describe("replays to a listening laptop (sqlite)", () => {
  let setup: Setup;
  let server: Child & { url: string };

  beforeAll(async () => {
    setup = await setUp("sqlite");
    server = await startServer(setup.databaseUrl, path.join(setup.configHome, "data"));
    setup.children.push(server);
  }, STARTUP_MS + 30_000);
  afterAll(() => tearDown(setup));

  it("sends a stored event byte for byte with its original svix-id, and stores its local answer with the event's attempts", async () => {
    const receiver = await startReceiver(newSecret(), (request) => answerFor(request));
    const call = api(server.url, setup.token);
    const { listen, listener } = await listenTo(setup, server.url, receiver);
    expect(listener.who).toBe("laptop");

    const stored = await deliver(server.url, "user.created", { id: "user_laptop1", object: "user", first_name: "Jane" });
    await receiver.waitFor(1, 10_000);
    const replay = await call("POST", "/api/v1/replays", { listenerId: listener.id, eventIds: [stored.eventId] });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body).toMatchObject({ listenerId: listener.id, total: 1, status: "running" });

    await receiver.waitFor(2, 10_000);
    const [live, again] = receiver.requests;
    expect(again!.svixId).toBe(stored.msgId);
    expect(again!.svixId).toBe(live!.svixId);
    expect(again!.body.equals(Buffer.from(stored.body))).toBe(true);
    expect(again!.verified, again!.verifyError ?? "").toBe(true);

    const attempts = await until(
      "the local answer to be stored",
      async () => {
        const event = await call("GET", `/api/v1/events/${stored.eventId}`);
        return (event.body.listenerAttempts as Record<string, unknown>[]).length ? event.body.listenerAttempts : null;
      },
      listen.output,
    );
    expect(attempts).toEqual([
      expect.objectContaining({ listenerId: listener.id, replayId: replay.body.id, who: "laptop", status: 200, ok: true, responseExcerpt: "synced" }),
    ]);
    expect((await call("GET", `/api/v1/replays/${replay.body.id}`)).body).toMatchObject({ status: "done", total: 1, sent: 1, failed: 0 });
    expect(listen.output()).toContain("(replay)");
    await receiver.close();
    listen.child.kill("SIGINT");
    await listen.exited;
  });

  it("sends each event a filter selects once, in envelope order, and records failures with the first line of the answer", async () => {
    const receiver = await startReceiver(newSecret(), (request) => answerFor(request));
    const call = api(server.url, setup.token);
    const posted = [];
    for (let i = 0; i < 5; i++) posted.push(await deliver(server.url, "organization.updated", { id: "org_batch", object: "organization", n: i, slug: i === 3 ? "fails_locally" : "x" }));
    await deliver(server.url, "organization.updated", { id: "org_other", object: "organization" });
    const { listen, listener } = await listenTo(setup, server.url, receiver);

    const replay = await call("POST", "/api/v1/replays", { listenerId: listener.id, filter: { type: ["organization.updated"], resource: "org_batch" } });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body.total).toBe(5);
    await receiver.waitFor(5, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Each once, in envelope order (they were posted in order), and nothing else.
    expect(receiver.requests.map((r) => r.svixId)).toEqual(posted.map((p) => p.msgId));
    expect(receiver.requests.every((r) => r.verified)).toBe(true);

    const status = await until(
      "every answer",
      async () => {
        const job = (await call("GET", `/api/v1/replays/${replay.body.id}`)).body;
        return job.status === "done" ? job : null;
      },
      listen.output,
    );
    expect(status).toMatchObject({ total: 5, sent: 4, failed: 1 });
    const failed = (await call("GET", `/api/v1/events/${posted[3]!.eventId}`)).body.listenerAttempts;
    expect(failed).toEqual([expect.objectContaining({ status: 500, ok: false, responseExcerpt: "boom: no such user" })]);

    // Clear errors: bad bodies, an unknown listener, and one that has left.
    expect((await call("POST", "/api/v1/replays", { listenerId: 5, eventIds: [posted[0]!.eventId] })).status).toBe(400);
    expect((await call("POST", "/api/v1/replays", { listenerId: listener.id, eventIds: [posted[0]!.eventId], filter: {} })).status).toBe(400);
    expect((await call("POST", "/api/v1/replays", { listenerId: listener.id })).status).toBe(400);
    const unknown = await call("POST", "/api/v1/replays", { listenerId: "01NOSUCHLISTENER0000000000", eventIds: [posted[0]!.eventId] });
    expect(unknown).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect((await call("POST", "/api/v1/replays", { listenerId: listener.id, eventIds: ["01NOSUCHEVENT0000000000000"] })).status).toBe(404);
    listen.child.kill("SIGINT");
    await listen.exited;
    await until("the listener to leave the list", async () => (await call("GET", "/api/v1/listeners")).body.listeners.length === 0, listen.output);
    const gone = await call("POST", "/api/v1/replays", { listenerId: listener.id, eventIds: [posted[0]!.eventId] });
    expect(gone.status).toBe(409);
    expect(gone.body.message).toContain("no longer connected");
    await receiver.close();
  });
});

describe("replays to a listening laptop on another instance (postgres)", () => {
  let setup: Setup;
  let serverA: Child & { url: string };
  let serverB: Child & { url: string };

  beforeAll(async () => {
    setup = await setUp("postgres");
    // One after the other: two Vite servers starting at once would both optimise
    // dependencies into the same cache (node_modules/.vite).
    serverA = await startServer(setup.databaseUrl, path.join(setup.configHome, "data-a"));
    setup.children.push(serverA);
    serverB = await startServer(setup.databaseUrl, path.join(setup.configHome, "data-b"));
    setup.children.push(serverB);
  }, 2 * STARTUP_MS);
  afterAll(() => tearDown(setup));

  it("lists the laptop connected to A on B, and a replay asked for on B reaches it; its answer is readable on both", async () => {
    const receiver = await startReceiver(newSecret(), (request) => answerFor(request));
    const onA = api(serverA.url, setup.token);
    const onB = api(serverB.url, setup.token);
    // Listening on A; B lists it.
    const { listen, listener } = await listenTo(setup, serverA.url, receiver, serverB.url);
    const listedOnA = (await onA("GET", "/api/v1/listeners")).body;
    const listedOnB = (await onB("GET", "/api/v1/listeners")).body;
    expect(listener.instance).toBe(listedOnA.instance);
    expect(listedOnB.instance).not.toBe(listedOnA.instance);
    expect(listedOnA.listeners.map((l: { id: string }) => l.id)).toEqual([listener.id]);

    const stored = await deliver(serverB.url, "user.updated", { id: "user_remote", object: "user" });
    await receiver.waitFor(1, 10_000);
    const replay = await onB("POST", "/api/v1/replays", { listenerId: listener.id, eventIds: [stored.eventId] });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    await receiver.waitFor(2, 10_000);
    expect(receiver.requests[1]!.svixId).toBe(stored.msgId);
    expect(receiver.requests[1]!.body.equals(Buffer.from(stored.body))).toBe(true);
    expect(receiver.requests[1]!.verified).toBe(true);

    for (const call of [onA, onB]) {
      const attempts = await until(
        "the answer on both instances",
        async () => {
          const list = (await call("GET", `/api/v1/events/${stored.eventId}`)).body.listenerAttempts as Record<string, unknown>[];
          return list.length ? list : null;
        },
        listen.output,
      );
      expect(attempts).toEqual([expect.objectContaining({ replayId: replay.body.id, status: 200, ok: true, who: "laptop" })]);
    }

    // A filter replay asked on B: each selected event once.
    const batch = [];
    for (let i = 0; i < 4; i++) batch.push(await deliver(serverA.url, "session.created", { id: `sess_remote${i}`, object: "session", user_id: "user_remote_batch" }));
    const filtered = await onB("POST", "/api/v1/replays", { listenerId: listener.id, filter: { type: ["session.created"], resource: "user_remote_batch" } });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(202);
    await receiver.waitFor(6, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests.slice(2).map((r) => r.svixId)).toEqual(batch.map((b) => b.msgId));
    await until("every answer", async () => (await onB("GET", `/api/v1/replays/${filtered.body.id}`)).body.status === "done", listen.output);

    listen.child.kill("SIGINT");
    await listen.exited;
    await receiver.close();
  });
});
