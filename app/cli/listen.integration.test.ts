// `hookline listen` end to end (issue 12): the CLI as a real child process (bin/hookline.js),
// against the real server as a child process (`node --import tsx server.ts`: the direct
// ingest and stream mounts, no Remix build), forwarding to a real local consumer that
// verifies every request with the `svix` library. Every event must arrive once, byte for
// byte, with its original svix-id; filters hold; --since backfills; and a server restart
// while events keep arriving loses nothing and repeats nothing.
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


async function startServer(databaseUrl: string, port: number, dataDir: string): Promise<Child & { url: string }> {
  // `node --import tsx` (not the tsx CLI, which forks): SIGTERM must reach the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "server.ts")], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_WORKER: "0",
      CLERK_WEBHOOK_SIGNING_SECRET: SOURCE_SECRET,
    },
  });
  const server = { ...collect(child), url: `http://127.0.0.1:${port}` };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}\n${server.output()}`);
    try {
      if ((await fetch(`${server.url}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startListen(args: string[], configHome: string): Child {
  const child = spawn(process.execPath, [BIN, "listen", ...args], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    // No database and no server settings: listen must not need them.
    env: { PATH: process.env.PATH ?? "", HOME: configHome, XDG_CONFIG_HOME: path.join(configHome, "config") } as unknown as NodeJS.ProcessEnv,
  });
  return collect(child);
}

interface Posted {
  msgId: string;
  body: string;
  type: string;
}

/** Posts one delivery as Svix would: retried until the server answers 200. */
async function deliver(url: string, type: string, data: Record<string, unknown>, retryUntil = 0): Promise<Posted> {
  const body = JSON.stringify(envelope(type, data));
  const msgId = newMsgId();
  for (;;) {
    try {
      // Signed at each try, as Svix does, so the timestamp stays fresh.
      const response = await fetch(`${url}/webhooks/clerk`, { method: "POST", body, headers: signedHeaders(SOURCE_SECRET, body, { msgId }) });
      await response.arrayBuffer();
      if (response.status === 200) return { msgId, body, type };
      if (Date.now() > retryUntil) throw new Error(`delivery answered ${response.status}`);
    } catch (error) {
      if (Date.now() > retryUntil) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const stop = async (listen: Child) => {
  listen.child.kill("SIGINT");
  return listen.exited;
};

describe.each(["sqlite", "postgres"] as TestProvider[])("hookline listen (%s)", (provider) => {
  let databaseUrl: string;
  let handle: DatabaseHandle;
  let port: number;
  let server: Child & { url: string };
  let operatorToken: string;
  let configHome: string;
  const dataDir = path.join(PROJECT_ROOT, ".cache", "test-data", `listen-${process.pid}-${provider}`);
  const children: Child[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl(provider);
    port = await freePort();
    server = await startServer(databaseUrl, port, dataDir);
    children.push(server);
    handle = createDatabase(databaseUrl);
    operatorToken = (await createApiToken(handle.db, { name: "laptop", role: "operator" })).token;
    configHome = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-listen-"));
  });
  afterAll(async () => {
    for (const { child, exited } of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    }
    await handle?.db.$disconnect();
    if (databaseUrl) await dropTestDatabaseUrl(databaseUrl);
    fs.rmSync(configHome, { recursive: true, force: true });
  });

  it("forwards every matching event once, byte for byte, with its original svix-id, signed for the local app", async () => {
    const receiver = await startReceiver(newSecret(), (_request, index) => (index === 2 ? { status: 500, body: "boom: user missing\nat line 2" } : { status: 200, body: "ok" }));
    const listen = startListen(
      ["--url", server.url, "--token", operatorToken, "--forward-to", receiver.url, "--secret", receiver.secret, "--types", "user.*,session.created"],
      configHome,
    );
    children.push(listen);
    await until("the stream to connect", () => listen.output().includes("Connected."), listen.output);

    const types = ["user.created", "organization.created", "user.updated", "session.created", "email.created", "user.deleted", "session.ended"];
    const posted: Posted[] = [];
    for (let i = 0; i < 21; i++) {
      const type = types[i % types.length]!;
      const object = type.split(".")[0]!;
      const id = object === "user" ? `user_2abcdefgh${i}` : `${object}_${i}`;
      posted.push(await deliver(server.url, type, { id, object, user_id: "user_2abcdefghijk", n: i }));
    }
    const wanted = posted.filter((p) => p.type.startsWith("user.") || p.type === "session.created");
    await receiver.waitFor(wanted.length, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 700));

    expect(receiver.requests.map((r) => r.svixId)).toEqual(wanted.map((p) => p.msgId));
    for (const [i, request] of receiver.requests.entries()) {
      expect(request.verified, request.verifyError ?? "").toBe(true);
      expect(request.body.toString("utf8")).toBe(wanted[i]!.body);
      expect(Math.abs(Number(request.svixTimestamp) - Date.now() / 1000)).toBeLessThan(10);
    }
    const lines = listen.output().split("\n");
    expect(lines.filter((line) => / {2}user\.created {2}user_2ab… {2}→ 200 in \d+ ms$/.test(line))).toHaveLength(3);
    expect(lines.some((line) => /^\d\d:\d\d:\d\d {2}\S+ {2}\S+ {2}→ 500 Internal Server Error: boom: user missing$/.test(line))).toBe(true);

    expect(await stop(listen)).toBe(0);
    expect(listen.output()).toContain(`Stopped: ${wanted.length} events, ${wanted.length - 1} forwarded, 1 failed.`);
    await receiver.close();
  });

  it("generates a signing secret once and keeps it; --since backfills stored events, then goes on live", async () => {
    const receiver = await startReceiver(newSecret());
    const first = startListen(["--url", server.url, "--token", operatorToken, "--forward-to", receiver.url], configHome);
    children.push(first);
    await until("the stream to connect", () => first.output().includes("Connected."), first.output);
    const secret = /CLERK_WEBHOOK_SIGNING_SECRET=(whsec_\S+)/.exec(first.output())?.[1];
    expect(secret).toBeDefined();
    expect(await stop(first)).toBe(0);
    const file = path.join(configHome, "config", "hookline", "listen-secret");
    expect(fs.readFileSync(file, "utf8").trim()).toBe(secret);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    receiver.useSecret(secret!);

    const marker = `org_since_${provider}`;
    const before = [];
    for (let i = 0; i < 3; i++) before.push(await deliver(server.url, "organization.updated", { id: marker, object: "organization", n: i }));
    const second = startListen(["--url", server.url, "--token", operatorToken, "--forward-to", receiver.url, "--since", "1m", "--types", "organization.updated,organization.deleted"], configHome);
    children.push(second);
    await receiver.waitFor(3, 15_000);
    expect(second.output()).toContain("Signing with the secret kept in");
    expect(second.output()).not.toContain(secret);
    const after = await deliver(server.url, "organization.deleted", { id: marker, object: "organization", deleted: true });
    await receiver.waitFor(4, 15_000);
    expect(receiver.requests.map((r) => r.svixId)).toEqual([...before, after].map((p) => p.msgId));
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(await stop(second)).toBe(0);
    await receiver.close();
  });

  it("loses nothing and repeats nothing when the server restarts while events keep arriving", async () => {
    const receiver = await startReceiver(newSecret());
    const listen = startListen(
      ["--url", server.url, "--token", operatorToken, "--forward-to", receiver.url, "--secret", receiver.secret, "--types", "user.updated"],
      configHome,
    );
    children.push(listen);
    await until("the stream to connect", () => listen.output().includes("Connected."), listen.output);

    // Svix-like sender: 120 deliveries, four at a time, each retried until it is stored.
    const TOTAL = 120;
    const posted: Posted[] = [];
    let next = 0;
    const sender = async () => {
      while (next < TOTAL) {
        const i = next++;
        posted.push(await deliver(server.url, "user.updated", { id: `user_restart${i % 10}`, object: "user", n: i }, Date.now() + 60_000));
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    };
    const sending = Promise.all([sender(), sender(), sender(), sender()]);

    await until("some events forwarded", () => receiver.requests.length >= 20, listen.output);
    const signalledAt = Date.now();
    server.child.kill("SIGTERM");
    const code = await server.exited;
    // The open event stream must not hold the graceful shutdown.
    expect(code, server.output()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    server = await startServer(databaseUrl, port, dataDir);
    children.push(server);

    await sending;
    await receiver.waitFor(TOTAL, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${listen.output()}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const received = receiver.requests.map((r) => r.svixId);
    expect(new Set(received).size).toBe(received.length);
    expect(new Set(received)).toEqual(new Set(posted.map((p) => p.msgId)));
    const bodies = new Map(posted.map((p) => [p.msgId, p.body]));
    expect(receiver.requests.every((r) => r.verified && r.body.toString("utf8") === bodies.get(r.svixId))).toBe(true);
    expect(listen.output()).toMatch(/Reconnected; resuming after [0-9A-Z]{26}\./);
    expect(await stop(listen)).toBe(0);
    expect(listen.output()).toMatch(new RegExp(`Stopped: ${TOTAL} events, ${TOTAL} forwarded, 0 failed, \\d+ reconnects?\\.`));
    await receiver.close();
  });
});
