// The export over real HTTP (Express, the Remix handler, a real socket) on a seeded
// SQLite database: it reads by cursor only as fast as the client takes the bytes
// (back-pressure), and a client that goes away stops the reading.
import http from "node:http";
import { Writable } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startRemixTestServer, type RemixTestServer } from "../../tests/support/remix-server";
import { newSecret } from "../../tests/support/svix";
import { exportStream, writeExport } from "~/export/event-export.server";
import { seedDatabase } from "~/seed/seed.server";
import { ensureDefaultSource } from "~/sources/sources.server";

const EVENTS = 20_000;
const BATCH = 1_000;

describe("event export over HTTP (sqlite)", () => {
  let server: RemixTestServer;
  let operator: string;
  /** Export batch queries run so far. */
  let batches = 0;

  beforeAll(async () => {
    server = await startRemixTestServer("sqlite");
    const source = await ensureDefaultSource(server.database.db);
    await seedDatabase(server.database, { events: EVENTS, days: 3, seed: 9, sourceId: source.id, sourceSlug: source.slug, secret: newSecret(), failedRatio: 0, duplicateRatio: 0 });
    operator = await server.bearer("operator");
    // Count the export's batch queries: on SQLite they run on the raw connection.
    const withSqlite = server.database.withSqlite!.bind(server.database);
    server.database.withSqlite = (fn) =>
      withSqlite((connection) => {
        const counting = new Proxy(connection, {
          get(target, property) {
            if (property === "prepare") {
              return (sql: string) => {
                const statement = target.prepare(sql);
                if (!(sql.includes('AS "rawBody"') && sql.includes('FROM "Event" e'))) return statement;
                // A statement may serve several batches: count its runs.
                return new Proxy(statement, {
                  get(inner, name) {
                    if (name === "all") {
                      return (...args: unknown[]) => {
                        batches++;
                        return inner.all(...args);
                      };
                    }
                    const value = Reflect.get(inner, name) as unknown;
                    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
                  },
                });
              };
            }
            const value = Reflect.get(target, property) as unknown;
            return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
        return fn(counting);
      });
  }, 120_000);
  afterAll(() => server?.close());

  async function settled(): Promise<number> {
    let last = -1;
    for (let i = 0; i < 50 && batches !== last; i++) {
      last = batches;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    return batches;
  }

  it("streams every event to a client that reads", async () => {
    const before = batches;
    const response = await fetch(`${server.url}/api/v1/events/export?raw=1`, { headers: { authorization: operator } });
    expect(response.status).toBe(200);
    let lines = 0;
    let pending = "";
    const decoder = new TextDecoder();
    for await (const chunk of response.body! as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split("\n");
      pending = parts.pop()!;
      lines += parts.length;
    }
    expect(pending).toBe("");
    expect(lines).toBe(EVENTS);
    // An exact multiple of the batch size takes one more (empty) read to see the end.
    expect(batches - before).toBe(EVENTS / BATCH + 1);
  }, 60_000);

  it("waits for a client that stops reading, and stops when it disconnects", async () => {
    const before = batches;
    const request = http.get(`${server.url}/api/v1/events/export?raw=1`, { headers: { authorization: operator }, agent: false });
    const response = await new Promise<http.IncomingMessage>((resolve) => request.once("response", resolve));
    expect(response.statusCode).toBe(200);
    // Not reading: the socket's buffers fill and the server must stop reading batches.
    response.pause();
    const stalled = (await settled()) - before;
    expect(stalled).toBeGreaterThan(0);
    // ~2.7 KB a line with raw=1: 20 batches are ~54 MB; the socket holds a few MB.
    expect(stalled).toBeLessThan(EVENTS / BATCH / 2);

    request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(batches - before).toBeLessThanOrEqual(stalled + 1);
    expect(await settled()).toBe(batches);
  }, 60_000);

  it("stops reading once the client is gone, even with no abort signal", async () => {
    // Remix keeps reading a body stream into a closed response; the request's abort
    // signal is the other way to stop, and once (CI) it never came.
    const before = batches;
    let ended: { rows: number; aborted: boolean } | null = null;
    const stream = exportStream(server.database, { filter: {}, sort: "timestamp", dir: "desc" }, {
      format: "ndjson",
      raw: false,
      batchSize: BATCH,
      gone: () => batches - before >= 2,
      onEnd: (result) => (ended = result),
    });
    let bytes = 0;
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    expect(bytes).toBeGreaterThan(0);
    expect(batches - before).toBe(2);
    expect(ended).toEqual({ rows: 2 * BATCH, aborted: true });
  });

  it("writes to a slow Node stream without piling up listeners (hookline export's file)", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    let bytes = 0;
    // A consumer slower than the reader, with a tiny buffer: nearly every batch waits for drain.
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        setImmediate(callback);
      },
    });
    const result = await writeExport(server.database, { filter: {}, sort: "timestamp", dir: "desc" }, { format: "ndjson", raw: false, batchSize: 200 }, out);
    process.off("warning", onWarning);
    expect(result).toEqual({ rows: EVENTS, aborted: false });
    expect(bytes).toBeGreaterThan(EVENTS * 100);
    expect(out.listenerCount("close")).toBeLessThanOrEqual(1);
    expect(out.listenerCount("drain")).toBe(0);
    expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
  }, 120_000);
});
