// Database faults during ingest: a locked or full SQLite database, and a Postgres
// server that stops and comes back. Each gives 503 answers (so Svix retries) with a
// clear log line, never a 2xx for anything not committed, and ingest resumes by itself.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestServer, type TestServer } from "../support/server";
import { envelope, newSecret, signedHeaders } from "../support/svix";
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from "./private-postgres";
import { createHttpServer, createRequestListener } from "~/server/app.server";
import { startRuntime } from "~/server/runtime.server";

const SECRET = newSecret();

async function send(url: string, n: number) {
  const body = JSON.stringify(envelope("user.updated", { id: `user_fault${n}`, object: "user" }));
  const headers = signedHeaders(SECRET, body);
  try {
    const response = await fetch(`${url}/webhooks/clerk`, { method: "POST", body, headers });
    return { status: response.status, svixId: headers["svix-id"]!, json: (await response.json()) as Record<string, unknown> };
  } catch {
    return { status: 0, svixId: headers["svix-id"]!, json: {} };
  }
}

/** Collects what the server logs to stderr while `fn` runs. */
async function captureStderr<T>(fn: () => Promise<T>): Promise<{ result: T; logged: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let logged = "";
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged += chunk.toString();
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return { result: await fn(), logged };
  } finally {
    process.stderr.write = write;
  }
}

describe("SQLite faults", () => {
  let server: TestServer;
  beforeAll(async () => {
    process.env.HOOKLINE_SQLITE_BUSY_TIMEOUT_MS = "300";
    server = await startTestServer("sqlite", { secrets: [SECRET] });
  });
  afterAll(async () => {
    delete process.env.HOOKLINE_SQLITE_BUSY_TIMEOUT_MS;
    await server.close();
  });

  it("answers 503 while another process holds the database locked, then resumes", async () => {
    const file = server.database.url.replace(/^file:/, "");
    expect((await send(server.url, 1)).status).toBe(200);
    const locker = new Database(file);
    locker.pragma("busy_timeout = 0");
    locker.exec("BEGIN EXCLUSIVE");
    const { result: locked, logged } = await captureStderr(() => send(server.url, 2));
    locker.exec("ROLLBACK");
    locker.close();
    expect(locked.status).toBe(503);
    expect(locked.json).toMatchObject({ error: "storage_unavailable" });
    expect(logged).toMatch(/database unavailable.*503/);
    expect(await server.runtime.database.db.delivery.count({ where: { svixId: locked.svixId } })).toBe(0);
    expect((await send(server.url, 3)).status).toBe(200);
  });

  it("answers 503 when the database is full, then resumes when there is room", async () => {
    const { database } = server.runtime;
    const pages = await database.withSqlite!((db) => db.pragma("page_count", { simple: true }) as number);
    await database.withSqlite!((db) => db.pragma(`max_page_count = ${pages}`));
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await send(server.url, 100 + i));
    await database.withSqlite!((db) => db.pragma("max_page_count = 1073741823"));
    expect(answers.some((a) => a.status === 503)).toBe(true);
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    for (const answer of answers.filter((a) => a.status === 200)) {
      expect(await database.db.delivery.count({ where: { svixId: answer.svixId } })).toBe(1);
    }
    expect((await send(server.url, 200)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe.runIf(privatePostgresAvailable())("Postgres stopped during ingest", () => {
  let postgres: PrivatePostgres;
  beforeAll(() => {
    postgres = startPrivatePostgres(5499);
  }, 60_000);
  afterAll(() => postgres?.destroy());

  it("answers 503 while Postgres is down, gives no 2xx for anything not stored, and resumes by itself", async () => {
    const runtime = await startRuntime({ databaseUrl: postgres.url, defaultSecrets: () => [SECRET], maxBodyBytes: 1 << 20 });
    const server = createHttpServer(createRequestListener({ runtime }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const answers = [await send(url, 1)];
      expect(answers[0]!.status).toBe(200);
      postgres.stop();
      const { result: down, logged } = await captureStderr(async () => [await send(url, 2), await send(url, 3)]);
      expect(down.map((a) => a.status)).toEqual([503, 503]);
      expect(logged).toMatch(/database unavailable/);
      expect((await fetch(`${url}/healthz`)).status).toBe(503);
      answers.push(...down);
      postgres.start();
      let resumed = await send(url, 4);
      for (let i = 0; i < 50 && resumed.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        resumed = await send(url, 5 + i);
      }
      expect(resumed.status).toBe(200);
      answers.push(resumed);
      for (const answer of answers) {
        const stored = await runtime.database.db.delivery.count({ where: { svixId: answer.svixId } });
        expect({ status: answer.status, stored }).toEqual({ status: answer.status, stored: answer.status === 200 ? 1 : 0 });
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await runtime.database.db.$disconnect();
    }
  }, 60_000);
});

