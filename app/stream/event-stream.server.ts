// `GET /api/v1/events/stream`: new verified events as Server-Sent Events (issue 12).
// Framework-free like ingest: the production server mounts handleNodeEventStream()
// ahead of Express and Remix (a stream outlives any request pipeline), and the Remix
// route app/routes/api.v1.events.stream.tsx answers through the same openEventStream().
//
// Each event is `id: <event id>`, `event: event`, `data: <the event list's fields>`.
// A stream starts after Last-Event-ID, or `?since=` (an event id, `10m`/`2h`/`1d`, or an
// ISO time: stored events from then, in arrival order), or from now. The live part
// comes from the one watcher per process (event-watcher.server.ts).
// NOTE: resume follows the EventSource rules: the browser sends the last `id:` it saw as
// Last-Event-ID when it reconnects (https://html.spec.whatwg.org/multipage/server-sent-events.html).
import type { IncomingMessage, ServerResponse } from "node:http";

import { requireApiToken } from "~/auth/tokens.server";
import { hasRole, type Role } from "~/auth/roles";
import { getSessionAccount } from "~/auth/session.server";
import { firstIdAt } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { decodeBody } from "~/deliveries/body-codec.server";
import { EventFilterSchema, filterInputFromSearchParams, type EventFilter } from "~/events/event-filter";
import { eventFilterConditions, resolveTypePatterns, toApiEvent } from "~/events/event-query.server";
import { redactEnvelope } from "~/events/redaction";
import { Prisma } from "~/generated/sqlite/client";
import { logger } from "~/observability/logger.server";
import { eventWatcher, selectStreamRows, type StreamRow } from "./event-watcher.server";
import { runListenerReplay } from "./listener-replay.server";
import { onReplayNotification, registerListener } from "./listeners.server";

// A replay asked for on another instance, for a listener this process holds.
onReplayNotification((handle, listenerId, replayId) => void runListenerReplay(handle, listenerId, replayId));

export const STREAM_PATH = "/api/v1/events/stream";
const PARAMETERS = ["type", "source", "resource", "since", "raw"];
const EVENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const DURATION = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const BACKFILL_PAGE = 500;
/** A client this far behind is dropped; it reconnects with Last-Event-ID and loses nothing. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** How long after a backfill a late event can still turn up (the watcher's late window and some). */
const LATE_MARGIN_MS = 30_000;
/** The browser waits this long before reconnecting. */
const RETRY_MS = 2_000;

function heartbeatMs() {
  return Number(process.env.HOOKLINE_STREAM_HEARTBEAT_MS ?? 15_000);
}

export type StreamFilter = Pick<EventFilter, "type" | "source" | "resource">;

/** Where a stream starts: after an event id, at an id (a time), or from now. */
export type StreamStart = { after: string } | { from: string } | { live: true };

export interface StreamRequest {
  filter: StreamFilter;
  start: StreamStart;
  raw: boolean;
  role: Role;
  /** The token's or account's id and name. */
  principal: { id: string; name: string };
  /** `X-Hookline-Listener`: a `hookline listen` session (listeners.server.ts). */
  listener: string | null;
}

export type StreamOpening = { ok: true; request: StreamRequest } | { ok: false; status: number; body: Record<string, unknown>; headers?: Record<string, string> };

const StreamFilterSchema = EventFilterSchema.innerType().pick({ type: true, source: true, resource: true });

/** Reads `since` / Last-Event-ID: an event id, a duration back from now, or an ISO time. */
export function parseStart(since: string | null, lastEventId: string | null, now = Date.now()): StreamStart | string {
  const resume = lastEventId?.trim();
  if (resume) return EVENT_ID.test(resume) ? { after: resume } : "Invalid Last-Event-ID: expected an event id.";
  const value = since?.trim();
  if (!value) return { live: true };
  if (EVENT_ID.test(value)) return { after: value };
  const duration = DURATION.exec(value);
  if (duration) return { from: firstIdAt(new Date(now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS])) };
  const time = Date.parse(value);
  if (!Number.isNaN(time) && /^\d{4}-\d{2}-\d{2}/.test(value)) return { from: firstIdAt(new Date(time)) };
  return "Invalid `since`: use an event id, a duration such as 10m, 2h or 1d, or an ISO 8601 time.";
}

function error(status: number, code: string, message: string, extra?: Record<string, unknown>): StreamOpening {
  return { ok: false, status, body: { error: code, message, ...extra } };
}

/** Authenticates and validates a stream request (a Fetch API Request: headers and URL). */
export async function openEventStream(request: Request): Promise<StreamOpening> {
  let role: Role;
  let principal: StreamRequest["principal"];
  try {
    if (request.headers.get("authorization")) {
      const token = await requireApiToken(request, "viewer");
      role = token.role;
      principal = { id: `token:${token.tokenId}`, name: token.name };
    } else {
      const account = await getSessionAccount(request);
      if (!account) return error(401, "unauthorized", "Send Authorization: Bearer <token>, or sign in.");
      role = account.role;
      principal = { id: `account:${account.id}`, name: account.email };
    }
  } catch (thrown) {
    if (thrown instanceof Response) {
      const body = (await thrown.json().catch(() => ({ error: "unauthorized" }))) as Record<string, unknown>;
      return { ok: false, status: thrown.status, body, headers: Object.fromEntries(thrown.headers) };
    }
    throw thrown;
  }
  const params = new URL(request.url).searchParams;
  for (const name of params.keys()) {
    if (!PARAMETERS.includes(name)) {
      return error(400, "invalid_parameter", `Unknown parameter \`${name}\`. This endpoint takes: ${PARAMETERS.join(", ")}.`, { parameter: name });
    }
  }
  const { type, source, resource } = filterInputFromSearchParams(params);
  const filter = StreamFilterSchema.safeParse({ type, source, resource });
  if (!filter.success) {
    const issue = filter.error.issues[0]!;
    const parameter = String(issue.path[0] ?? "query");
    return error(400, "invalid_parameter", `Invalid \`${parameter}\`: ${issue.message}`, { parameter });
  }
  const start = parseStart(params.get("since"), request.headers.get("last-event-id"));
  if (typeof start === "string") return error(400, "invalid_parameter", start, { parameter: "since" });
  const raw = params.get("raw");
  if (raw !== null && raw !== "1" && raw !== "0" && raw !== "true" && raw !== "false") {
    return error(400, "invalid_parameter", "Invalid `raw`: use raw=1.", { parameter: "raw" });
  }
  const listener = request.headers.get("x-hookline-listener")?.trim() || null;
  return { ok: true, request: { filter: filter.data, start, raw: raw === "1" || raw === "true", role, principal, listener } };
}

/** Whether a live event passes the stream's filter (the list's rules, in memory). */
export function matchesFilter(row: StreamRow, filter: StreamFilter): boolean {
  const types = filter.type ?? [];
  if (types.length && !types.includes("*")) {
    const ok = types.some((pattern) => (pattern.endsWith(".*") ? row.type.startsWith(pattern.slice(0, -1)) : row.type === pattern));
    if (!ok) return false;
  }
  if (filter.source && row.sourceSlug !== filter.source) return false;
  if (filter.resource) {
    const id = filter.resource;
    if (![row.resourceId, row.userId, row.organizationId, row.subscriptionId, row.payerId, row.svixId].includes(id)) return false;
  }
  return true;
}

type Variant = "list" | "raw" | "masked";
const serialized = new WeakMap<StreamRow, Partial<Record<Variant, string>>>();

/**
 * The SSE frame for an event, built once per variant and shared by every stream.
 * `raw` (operators and admins): the first delivery's exact bytes, base64. `masked`
 * (viewers asking for raw=1): the parsed payload with codes and message bodies masked,
 * as every page shows it to them (redaction.ts), and no raw bytes.
 */
export function frameFor(row: StreamRow, variant: Variant): string {
  let cache = serialized.get(row);
  if (!cache) serialized.set(row, (cache = {}));
  const cached = cache[variant];
  if (cached) return cached;
  const data: Record<string, unknown> = { ...toApiEvent(row) };
  if (variant !== "list" && row.rawBody) {
    // Decoded once per event and variant: frames are cached and shared by every stream.
    const bytes = decodeBody(row.rawBody, row.bodyEncoding);
    if (variant === "raw") data.rawBody = bytes.toString("base64");
    else {
      try {
        const masked = redactEnvelope(row.type, JSON.parse(bytes.toString("utf8")) as unknown);
        data.payload = masked.value;
        data.masked = masked.paths;
      } catch {
        data.payload = null;
      }
    }
  }
  const frame = `id: ${row.id}\nevent: event\ndata: ${JSON.stringify(data)}\n\n`;
  cache[variant] = frame;
  return frame;
}

/**
 * An event sent again on request (a listener's replay): no `id:`, so Last-Event-ID
 * stays put, and the replay's id, which the CLI reports its local answer against.
 */
function replayFrame(row: StreamRow, variant: Variant, replayId: string): string {
  const data = frameFor(row, variant).split("\n").find((line) => line.startsWith("data: "))!;
  return `event: replay\ndata: {"replayId":${JSON.stringify(replayId)},${data.slice("data: {".length)}\n\n`;
}

/** Where a stream writes: a Node response or a Web stream. */
export interface StreamSink {
  /** False when the client is too far behind; the stream then ends. */
  write(chunk: string): boolean;
  /** Resolves when buffered output has gone out (backfill waits on it). */
  drained(): Promise<void>;
  end(): void;
  onClose(listener: () => void): void;
}

/**
 * Runs an opened stream until the client leaves or the server shuts down: backfill in
 * arrival order, then live events from the watcher. Live events that arrive during the
 * backfill wait in a buffer and are sent after it, each once.
 */
export async function runEventStream(handle: DatabaseHandle, request: StreamRequest, sink: StreamSink): Promise<void> {
  const variant: Variant = !request.raw ? "list" : hasRole(request.role, "operator") ? "raw" : "masked";
  const watcher = eventWatcher(handle);
  await watcher.start();
  let closed = false;
  let buffer: StreamRow[] | null = "live" in request.start ? null : [];
  /** What the backfill sent, so that the same rows coming live are not sent again. */
  let sent: BackfillResult | null = null;
  const send = (row: StreamRow) => {
    if (closed || !matchesFilter(row, request.filter) || (sent && alreadySent(sent, row.id))) return;
    if (!sink.write(frameFor(row, variant))) stop();
  };
  const heartbeat = setInterval(() => {
    if (!closed && !sink.write(`: keep-alive ${new Date().toISOString()}\n\n`)) stop();
  }, heartbeatMs());
  heartbeat.unref();
  const unsubscribe = watcher.subscribe({
    deliver(row) {
      if (buffer) buffer.push(row);
      else send(row);
    },
    close: () => stop(),
  });
  let registration: { id: string; remove(): void } | null = null;
  function stop() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    registration?.remove();
    sink.end();
  }
  sink.onClose(stop);
  sink.write(`retry: ${RETRY_MS}\n: hookline event stream\n\n`);
  if (request.listener) {
    registration = await registerListener(
      handle,
      { who: request.principal.name, role: request.role, principalId: request.principal.id, client: request.listener, filter: request.filter },
      async (row, replayId) => {
        if (closed) return false;
        if (!sink.write(replayFrame(row, variant, replayId))) {
          stop();
          return false;
        }
        await sink.drained();
        return !closed;
      },
    ).catch((failure: unknown) => {
      // Still a stream: it just cannot be listed or sent replays.
      logger.warn("stream: could not register a listener", { error: String(failure) });
      return null;
    });
    if (closed) registration?.remove();
    else if (registration) sink.write(`event: listener\ndata: ${JSON.stringify({ id: registration.id })}\n\n`);
  }
  if (!buffer) return;

  try {
    const result = await backfill(handle, watcher, request, (row) => {
      send(row);
      return closed ? null : sink.drained();
    });
    sent = result;
    // Live events seen during the backfill, then the live stream itself.
    const pending = buffer;
    buffer = null;
    for (const row of pending) send(row);
  } catch (failure) {
    logger.error("stream: backfill failed", { error: String(failure) });
    stop();
  }
}

/**
 * Whether the backfill covered this id (the watcher may emit a row the backfill already
 * read: it had not yet settled when the backfill ran). Rows before the starting point are
 * covered too, except when resuming from the ring, whose continuation is exact: there a
 * smaller id that comes live is a late commit the client has not seen.
 */
function alreadySent(sent: BackfillResult, id: string): boolean {
  if (sent.ids.has(id)) return true;
  if (sent.floor !== null && id <= sent.floor) return true;
  return id <= sent.lastId && id < sent.since;
}

interface BackfillResult {
  /** The last id the backfill read (sent or filtered out). */
  lastId: string;
  /** Ids it read from `since` on: only those can still come live from the watcher. */
  ids: Set<string>;
  since: string;
  /** Ids at or below this were before the starting point (null: resumed from the ring). */
  floor: string | null;
}

async function backfill(
  handle: DatabaseHandle,
  watcher: ReturnType<typeof eventWatcher>,
  request: StreamRequest,
  sendRow: (row: StreamRow) => Promise<void> | null,
): Promise<BackfillResult> {
  const result: BackfillResult = { lastId: "", ids: new Set(), since: firstIdAt(new Date(Date.now() - LATE_MARGIN_MS)), floor: null };
  const start = request.start;
  const record = async (row: StreamRow) => {
    if (row.id > result.lastId) result.lastId = row.id;
    if (row.id >= result.since) result.ids.add(row.id);
    const wait = sendRow(row);
    if (!wait) return false;
    await wait;
    return true;
  };
  // Resuming from an event this process sent: exactly what it sent after that one.
  if ("after" in start) {
    const continuation = watcher.emittedAfter(start.after);
    if (continuation) {
      result.since = "";
      result.lastId = start.after;
      for (let i = 0; i < continuation.length; i += BACKFILL_PAGE) {
        const ids = continuation.slice(i, i + BACKFILL_PAGE);
        const rows = await selectStreamRows(handle, [Prisma.sql`e."id" IN (${Prisma.join(ids)})`], ids.length);
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const id of ids) {
          const row = byId.get(id);
          if (row && !(await record(row))) return result;
        }
      }
      return result;
    }
  }
  const filter = await resolveTypePatterns(handle, request.filter);
  const conditions = eventFilterConditions(handle.provider, filter);
  let cursor = "after" in start ? start.after : "from" in start ? start.from : "";
  let inclusive = "from" in start;
  result.lastId = cursor;
  // `from` is the smallest id of a millisecond, so "before it" is "at or below the id just under it".
  result.floor = "after" in start ? start.after : cursor.slice(0, 10) + "/";
  for (;;) {
    const position = inclusive ? Prisma.sql`e."id" >= ${cursor}` : Prisma.sql`e."id" > ${cursor}`;
    const rows = await selectStreamRows(handle, [...conditions, position], BACKFILL_PAGE);
    for (const row of rows) if (!(await record(row))) return result;
    if (rows.length < BACKFILL_PAGE) return result;
    cursor = rows.at(-1)!.id;
    inclusive = false;
  }
}

/** A Fetch API Request with the Node request's URL and headers (no body: a GET). */
function toFetchRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return new Request(new URL(req.url ?? "/", "http://hookline.local"), { headers });
}

/** The production server's direct mount. */
export async function handleNodeEventStream(handle: DatabaseHandle, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body = JSON.stringify({ error: "method_not_allowed", message: "The event stream is a GET request." });
    res.writeHead(405, { allow: "GET", "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  let opening: StreamOpening;
  try {
    opening = await openEventStream(toFetchRequest(req));
  } catch (failure) {
    logger.error("stream: could not open", { error: String(failure), requestId: req.requestId });
    opening = error(500, "internal_error", "Something went wrong on the server.");
  }
  if (!opening.ok) {
    const body = JSON.stringify(opening.body);
    res.writeHead(opening.status, {
      ...opening.headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    });
    res.end(body);
    return;
  }
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    // NOTE: nginx buffers proxied responses unless told not to.
    "x-accel-buffering": "no",
    // The stream is the connection's last response: ending it (shutdown) frees the socket.
    connection: "close",
  });
  res.flushHeaders();
  if (req.method === "HEAD") return void res.end();
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
  const sink: StreamSink = {
    write(chunk) {
      if (res.writableEnded || res.destroyed) return false;
      res.write(chunk);
      return res.writableLength < MAX_BUFFERED_BYTES;
    },
    drained() {
      if (res.writableLength === 0 || !res.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.once("drain", done);
        res.once("close", done);
      });
    },
    end() {
      if (!res.writableEnded) res.end();
    },
    onClose(listener) {
      res.once("close", listener);
    },
  };
  try {
    await runEventStream(handle, opening.request, sink);
  } catch (failure) {
    // The watcher could not start (database down): end the stream; the client retries.
    logger.error("stream: could not start", { error: String(failure), requestId: req.requestId });
    sink.end();
  }
}

/** The Remix route's answer: the same stream as a Web ReadableStream. */
export async function eventStreamResponse(handle: DatabaseHandle, request: Request): Promise<Response> {
  const opening = await openEventStream(request);
  if (!opening.ok) {
    return new Response(JSON.stringify(opening.body), {
      status: opening.status,
      headers: { ...opening.headers, "content-type": "application/json", "cache-control": "no-store" },
    });
  }
  const encoder = new TextEncoder();
  const closeListeners: (() => void)[] = [];
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      ended = true;
      for (const listener of closeListeners) listener();
    },
  });
  request.signal.addEventListener("abort", () => {
    for (const listener of closeListeners) listener();
  });
  const sink: StreamSink = {
    write(chunk) {
      if (ended) return false;
      controller.enqueue(encoder.encode(chunk));
      return (controller.desiredSize ?? 0) > -MAX_BUFFERED_BYTES;
    },
    drained: () => Promise.resolve(),
    end() {
      if (ended) return;
      ended = true;
      controller.close();
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
  };
  runEventStream(handle, opening.request, sink).catch((failure: unknown) => {
    logger.error("stream: could not start", { error: String(failure) });
    sink.end();
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
