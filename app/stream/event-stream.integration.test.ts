// GET /api/v1/events/stream over real HTTP (the server's direct mount) on real
// databases of both providers, with events posted to the real ingest: auth, filters,
// backfill and resume, raw bytes for operators and masked payloads for viewers, and
// one watcher serving many streams.
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { startTestServer, type TestServer } from "../../tests/support/server";
import { envelope, newMsgId, newSecret, signedHeaders } from "../../tests/support/svix";
import { createAccount } from "~/auth/accounts.server";
import { createSession } from "~/auth/session.server";
import { createApiToken } from "~/auth/tokens.server";
import * as streamRoute from "~/routes/api.v1.events.stream";
import * as answersRoute from "~/routes/api.v1.listeners.$id.answers";
import * as replayRoute from "~/routes/api.v1.listeners.$id.replay";
import * as listenersRoute from "~/routes/api.v1.listeners._index";
import { createDatabase } from "~/db/prisma.server";
import { createHttpServer, createRequestListener } from "~/server/app.server";
import { REDACTED } from "~/events/redaction";
import { readServerSentEvents, type ServerSentEvent } from "./sse-client";
import { eventWatcher } from "./event-watcher.server";

const SECRET = newSecret();

interface OpenStream {
  status: number;
  events: ServerSentEvent[];
  /** Resolves once `count` events (not comments) arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ServerSentEvent[]>;
  close(): void;
  ended: Promise<void>;
}

async function openStream(url: string, query: string, headers: Record<string, string>): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(`${url}/api/v1/events/stream${query}`, { headers, signal: abort.signal });
  const events: ServerSentEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended: Promise<void> = Promise.resolve();
  if (response.ok && response.body) {
    ended = (async () => {
      try {
        for await (const event of readServerSentEvents(response.body!)) {
          events.push(event);
          for (const wake of waiters.splice(0)) wake();
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: response.status,
    events,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${events.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
    close: () => abort.abort(),
    ended,
  };
}

async function post(url: string, type: string, data: Record<string, unknown>, source = "clerk") {
  const body = JSON.stringify(envelope(type, data));
  const msgId = newMsgId();
  const response = await fetch(`${url}/webhooks/${source}`, { method: "POST", body, headers: signedHeaders(SECRET, body, { msgId }) });
  const answer = (await response.json()) as { outcome: string; eventId: string };
  expect(answer.outcome).toBe("verified");
  return { msgId, body, eventId: answer.eventId };
}

const dataOf = (event: ServerSentEvent) => JSON.parse(event.data) as Record<string, any>;

describe.each(PROVIDERS)("event stream (%s)", (provider) => {
  let server: TestServer;
  let viewer: string;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer(provider, { secrets: [SECRET] });
    // The auth helpers read the process-wide handle.
    (globalThis as { __hooklineDb?: unknown }).__hooklineDb = server.database;
    viewer = `Bearer ${(await createApiToken(server.database.db, { name: "viewer", role: "viewer" })).token}`;
    operator = `Bearer ${(await createApiToken(server.database.db, { name: "operator", role: "operator" })).token}`;
  });
  afterAll(async () => {
    eventWatcher(server.database).close();
    await server?.close();
  });

  it("answers 401 without a token, 400 for unknown parameters and a bad since", async () => {
    expect((await openStream(server.url, "", {})).status).toBe(401);
    const bad = await fetch(`${server.url}/api/v1/events/stream?typo=1`, { headers: { authorization: viewer } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_parameter", parameter: "typo" });
    const since = await fetch(`${server.url}/api/v1/events/stream?since=yesterday`, { headers: { authorization: viewer } });
    expect(since.status).toBe(400);
  });

  it("accepts the session cookie, and sends a keep-alive comment on an idle stream", async () => {
    const account = await createAccount(server.database.db, { email: `stream-${provider}@hookline.test`, password: "long-enough-password", role: "viewer" });
    const cookie = (await createSession(account.id, "vitest")).split(";")[0]!;
    process.env.HOOKLINE_STREAM_HEARTBEAT_MS = "200";
    try {
      const abort = new AbortController();
      const response = await fetch(`${server.url}/api/v1/events/stream`, { headers: { cookie }, signal: abort.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const reader = response.body!.getReader();
      let text = "";
      while (!text.includes(": keep-alive")) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toMatch(/^retry: \d+\n/);
      abort.abort();
    } finally {
      delete process.env.HOOKLINE_STREAM_HEARTBEAT_MS;
    }
  });

  it("answers through the Remix route with the same stream", async () => {
    const event = await post(server.url, "user.created", { id: "user_viaRemix", object: "user" });
    const abort = new AbortController();
    const request = new Request(`http://hookline.test/api/v1/events/stream?resource=user_viaRemix&since=1m`, {
      headers: { authorization: viewer },
      signal: abort.signal,
    });
    const response = await streamRoute.loader({ request, params: {}, context: {} });
    expect(response.status).toBe(200);
    const events = readServerSentEvents(response.body!);
    const first = await events.next();
    expect(first.value?.id).toBe(event.eventId);
    abort.abort();
    await response.body!.cancel().catch(() => {});
  });

  it("sends each new event once, live, with id = event id and the list's fields, filtered by type", async () => {
    // Events stored by earlier tests are out of the watcher first (a live stream may get
    // an event stored just before it opened).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const all = await openStream(server.url, "", { authorization: viewer });
    const users = await openStream(server.url, "?type=user.*", { authorization: viewer });
    expect(all.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const a = await post(server.url, "user.created", { id: "user_live1", object: "user" });
    const b = await post(server.url, "session.created", { id: "sess_live1", object: "session", user_id: "user_live1" });
    const c = await post(server.url, "user.updated", { id: "user_live1", object: "user" });
    await all.waitFor(3);
    await users.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(all.events.map((e) => e.id)).toEqual([a.eventId, b.eventId, c.eventId]);
    expect(users.events.map((e) => e.id)).toEqual([a.eventId, c.eventId]);
    const first = dataOf(all.events[0]!);
    expect(first).toMatchObject({ id: a.eventId, svixId: a.msgId, type: "user.created", source: "clerk", resourceId: "user_live1" });
    expect(first.rawBody).toBeUndefined();
    all.close();
    users.close();
  });

  it("backfills from ?since= in arrival order, resumes after Last-Event-ID, and filters by resource", async () => {
    const resource = `user_${crypto.randomBytes(4).toString("hex")}`;
    const posted = [];
    for (let i = 0; i < 4; i++) posted.push(await post(server.url, "user.updated", { id: resource, object: "user", n: i }));
    const fromTime = await openStream(server.url, `?since=10m&resource=${resource}`, { authorization: viewer });
    await fromTime.waitFor(4);
    expect(fromTime.events.map((e) => e.id)).toEqual(posted.map((p) => p.eventId));
    fromTime.close();

    const resumed = await openStream(server.url, `?resource=${resource}`, { authorization: viewer, "last-event-id": posted[1]!.eventId });
    const fromId = await openStream(server.url, `?since=${posted[2]!.eventId}&resource=${resource}`, { authorization: viewer });
    await resumed.waitFor(2);
    await fromId.waitFor(1);
    const next = await post(server.url, "user.deleted", { id: resource, object: "user", deleted: true });
    await resumed.waitFor(3);
    await fromId.waitFor(2);
    expect(resumed.events.map((e) => e.id)).toEqual([posted[2]!.eventId, posted[3]!.eventId, next.eventId]);
    expect(fromId.events.map((e) => e.id)).toEqual([posted[3]!.eventId, next.eventId]);
    resumed.close();
    fromId.close();
  });

  it("raw=1 gives operators the exact bytes and viewers a masked payload", async () => {
    const otp = "739201";
    const email = await post(server.url, "email.created", { id: "ema_1", object: "email", body: `Your code is ${otp}`, data: { otp_code: otp } });
    const asOperator = await openStream(server.url, `?raw=1&since=${email.eventId.slice(0, 10)}0000000000000000&type=email.created`, {
      authorization: operator,
    });
    const asViewer = await openStream(server.url, `?raw=1&since=1m&type=email.created`, { authorization: viewer });
    const [forOperator] = await asOperator.waitFor(1);
    const [forViewer] = await asViewer.waitFor(1);
    expect(Buffer.from(dataOf(forOperator!).rawBody, "base64").toString("utf8")).toBe(email.body);
    expect(dataOf(forOperator!).svixId).toBe(email.msgId);
    expect(dataOf(forViewer!).rawBody).toBeUndefined();
    expect(dataOf(forViewer!).payload.data.data.otp_code).toBe(REDACTED);
    expect(JSON.stringify(dataOf(forViewer!))).not.toContain(otp);
    asOperator.close();
    asViewer.close();
  });

  it.runIf(provider === "postgres")("reaches streams on another instance within a second (LISTEN/NOTIFY)", async () => {
    // Instance B: its own database handle, so its own watcher and LISTEN connection.
    const handleB = createDatabase(server.database.url);
    const listenerB = createRequestListener({ runtime: { ...server.runtime, database: handleB } });
    const serverB = createHttpServer(listenerB);
    await new Promise<void>((resolve) => serverB.listen(0, "127.0.0.1", resolve));
    const urlB = `http://127.0.0.1:${(serverB.address() as AddressInfo).port}`;
    try {
      const stream = await openStream(urlB, "?type=organization.updated", { authorization: viewer });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const event = await post(server.url, "organization.updated", { id: "org_remote", object: "organization", n: i });
        await stream.waitFor(i + 1);
        expect(stream.events[i]!.id).toBe(event.eventId);
        latencies.push(Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 137));
      }
      // The safety poll is once a second; NOTIFY makes it a few hundred ms at most.
      expect(Math.max(...latencies), String(latencies)).toBeLessThan(600);
      stream.close();
    } finally {
      eventWatcher(handleB).close();
      serverB.closeAllConnections();
      await new Promise((resolve) => serverB.close(resolve));
      await handleB.db.$disconnect();
    }
  });

  it("lists a listening stream on /api/v1/listeners with its filter and the last local answer it reported", async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/api/v1/events/stream?type=user.*&raw=1`, {
      headers: { authorization: operator, "x-hookline-listener": "laptop-1 -> http://localhost:3000/hook" },
      signal: abort.signal,
    });
    const frames = readServerSentEvents(response.body!);
    const first = (await frames.next()).value!;
    expect(first.event).toBe("listener");
    const { id } = JSON.parse(first.data) as { id: string };

    const list = async () => {
      const request = new Request("http://hookline.test/api/v1/listeners", { headers: { authorization: viewer } });
      const answer = await listenersRoute.loader({ request, params: {}, context: {} });
      return (await answer.json()) as { listeners: Record<string, any>[] };
    };
    const report = async (authorization: string, body: unknown) => {
      const request = new Request(`http://hookline.test/api/v1/listeners/${id}/answers`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return answersRoute.action({ request, params: { id }, context: {} });
    };
    expect((await list()).listeners).toEqual([
      expect.objectContaining({ id, who: "operator", role: "operator", client: "laptop-1 -> http://localhost:3000/hook", filter: { type: ["user.*"] }, lastAnswer: null }),
    ]);
    expect((await report(operator, { eventId: "01EVENT", status: 500, ok: false, durationMs: 12, error: null })).status).toBe(200);
    // Another token may not report for it.
    expect((await report(viewer, { eventId: "01EVENT", status: 200, ok: true, durationMs: 1, error: null })).status).toBe(403);
    const [listed] = (await list()).listeners;
    expect(listed).toMatchObject({ forwarded: 0, failed: 1, lastAnswer: { eventId: "01EVENT", status: 500, ok: false, durationMs: 12 } });
    expect(listed!.principalId).toBeUndefined();

    // An operator sends a stored event to the listener again: `event: replay`, raw bytes, no id.
    const stored = await post(server.url, "user.updated", { id: "user_replayed", object: "user" });
    let next = (await frames.next()).value!;
    if (next.id !== stored.eventId) next = (await frames.next()).value!;
    expect(next.id).toBe(stored.eventId);
    const replayRequest = (authorization: string, eventId: string) =>
      replayRoute.action({
        request: new Request(`http://hookline.test/api/v1/listeners/${id}/replay`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({ eventId }),
        }),
        params: { id },
        context: {},
      });
    expect((await replayRequest(viewer, stored.eventId)).status).toBe(403);
    expect((await replayRequest(operator, "01NOSUCHEVENT0000000000000")).status).toBe(404);
    expect((await replayRequest(operator, stored.eventId)).status).toBe(202);
    const replayed = (await frames.next()).value!;
    expect(replayed.event).toBe("replay");
    expect(replayed.id).toBe(stored.eventId); // the reader keeps the last id; the frame itself has none
    expect(Buffer.from(dataOf(replayed).rawBody, "base64").toString("utf8")).toBe(stored.body);

    abort.abort();
    const deadline = Date.now() + 2_000;
    while ((await list()).listeners.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await list()).listeners).toEqual([]);
  });

  it("serves 50 streams from one watcher and ends them all when it closes", async () => {
    const streams = await Promise.all(Array.from({ length: 50 }, () => openStream(server.url, "", { authorization: viewer })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(eventWatcher(server.database).size).toBeGreaterThanOrEqual(50);
    const event = await post(server.url, "organization.created", { id: "org_fan", object: "organization" });
    // (A stream without `since` starts live: it may also get an event stored just before it opened.)
    const deadline = Date.now() + 5_000;
    while (!streams.every((s) => s.events.some((e) => e.id === event.eventId)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(streams.every((s) => s.events.filter((e) => e.id === event.eventId).length === 1)).toBe(true);
    eventWatcher(server.database).close();
    await Promise.all(streams.map((s) => s.ended));
  });
});
