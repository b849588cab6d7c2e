// The client side of `hookline listen`: follows a Hookline's event stream and forwards
// each event to a local app, re-signed for it. No database, no server environment:
// only fetch, the svix library and a secret.
//
// Like `stripe listen` and `svix listen` it keeps one long-lived connection and
// reconnects with backoff; unlike them it resumes exactly: it reconnects with
// Last-Event-ID = the last event it forwarded, so an outage of the server or the network
// loses nothing, and it remembers recent ids so that nothing is forwarded twice.
import { Webhook } from "svix";

import { readServerSentEvents } from "./sse-client";

export interface ListenOptions {
  /** The Hookline base URL, e.g. https://hookline.example.com */
  url: string;
  token: string;
  forwardTo?: string;
  /** Required with forwardTo. */
  secret?: string;
  types: string[];
  source?: string;
  since?: string;
  /** Called with each handled event and what the local app answered. */
  onEvent(event: StreamedEvent, result: ForwardResult | null): void;
  onStatus(message: StatusMessage): void;
  signal: AbortSignal;
  /** Reconnect delays (ms), the last one repeating. */
  backoff?: number[];
  /** No bytes (not even a heartbeat) for this long: the connection is dead. */
  idleTimeoutMs?: number;
  forwardTimeoutMs?: number;
  /**
   * How this session describes itself to the server's listener list (host, where it
   * forwards); each local answer is then reported back to it.
   */
  client?: string;
}

export interface StreamedEvent {
  id: string;
  svixId: string;
  type: string;
  receivedAt: string;
  resourceId: string | null;
  userId: string | null;
  /** The original bytes (operator and admin tokens). */
  rawBody?: string;
  /** The masked payload (viewer tokens). */
  payload?: unknown;
  /** Sent again on request from the server (`event: replay`), not a new event. */
  replay?: boolean;
  /** The replay it belongs to (set on `event: replay`); its answer is reported against it. */
  replayId?: string;
}

export type ForwardResult =
  | { ok: boolean; status: number; statusText: string; durationMs: number; bodyLine: string }
  | { ok: false; status: null; error: string; durationMs: number };

export type StatusMessage =
  | { kind: "connected"; resumedAfter: string | null }
  | { kind: "disconnected"; reason: string; retryInMs: number }
  | { kind: "skipped"; id: string; reason: string };

/** A refusal that reconnecting will not fix (bad token, bad filter). */
export class ListenRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ListenSummary {
  events: number;
  forwarded: number;
  failed: number;
  reconnects: number;
  lastEventId: string | null;
}

const DEFAULT_BACKOFF = [500, 1_000, 2_000, 4_000, 8_000, 15_000];
const REMEMBERED_IDS = 10_000;

export function streamUrl(options: Pick<ListenOptions, "url" | "types" | "source" | "since">, resuming: boolean): string {
  const url = new URL("/api/v1/events/stream", options.url.endsWith("/") ? options.url : `${options.url}/`);
  url.searchParams.set("raw", "1");
  for (const type of options.types) url.searchParams.append("type", type);
  if (options.source) url.searchParams.set("source", options.source);
  if (options.since && !resuming) url.searchParams.set("since", options.since);
  return url.toString();
}

/** Runs until the signal aborts; throws ListenRefusedError when the server refuses for good. */
export async function listen(options: ListenOptions): Promise<ListenSummary> {
  const summary: ListenSummary = { events: 0, forwarded: 0, failed: 0, reconnects: 0, lastEventId: null };
  const seen = new Set<string>();
  const webhook = options.forwardTo && options.secret ? new Webhook(options.secret) : null;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let attempt = 0;
  let listenerId: string | null = null;

  while (!options.signal.aborted) {
    const connection = new AbortController();
    const abort = () => connection.abort();
    options.signal.addEventListener("abort", abort);
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new Error("no heartbeat")), options.idleTimeoutMs ?? 45_000);
    };
    let reason = "the stream ended";
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: "text/event-stream" };
      if (summary.lastEventId) headers["last-event-id"] = summary.lastEventId;
      if (options.client) headers["x-hookline-listener"] = options.client.replace(/[^\x20-\x7e]/g, "?");
      listenerId = null;
      touch();
      const response = await fetch(streamUrl(options, summary.lastEventId !== null), { headers, signal: connection.signal });
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => "");
        const message = messageOf(text) ?? `HTTP ${response.status}`;
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          throw new ListenRefusedError(response.status, message);
        }
        throw new Error(`the server answered ${response.status}: ${message}`);
      }
      options.onStatus({ kind: "connected", resumedAfter: summary.lastEventId });
      attempt = 0;
      const tap = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          touch();
          controller.enqueue(chunk);
        },
      });
      for await (const message of readServerSentEvents(response.body.pipeThrough(tap))) {
        if (message.event === "listener") {
          listenerId = (JSON.parse(message.data) as { id?: string }).id ?? null;
          continue;
        }
        if (message.event === "replay") {
          // Asked for again from the server: forwarded even if seen, and not a resume position.
          const event = JSON.parse(message.data) as StreamedEvent;
          const result = await handle(event);
          options.onEvent({ ...event, replay: true }, result);
          if (result && listenerId) void report(listenerId, event, result);
          continue;
        }
        if (message.event !== "event") continue;
        const event = JSON.parse(message.data) as StreamedEvent;
        if (seen.has(event.id)) continue;
        const result = await handle(event);
        remember(event.id);
        summary.events++;
        if (result) result.ok ? summary.forwarded++ : summary.failed++;
        summary.lastEventId = event.id;
        options.onEvent(event, result);
        if (result && listenerId) void report(listenerId, event, result);
      }
    } catch (error) {
      if (error instanceof ListenRefusedError) throw error;
      if (options.signal.aborted) break;
      reason = describe(connection.signal.reason ?? error);
    } finally {
      clearTimeout(idle);
      options.signal.removeEventListener("abort", abort);
    }
    if (options.signal.aborted) break;
    const delay = backoff[Math.min(attempt, backoff.length - 1)]!;
    attempt++;
    summary.reconnects++;
    options.onStatus({ kind: "disconnected", reason, retryInMs: delay });
    await sleep(delay, options.signal);
  }
  return summary;

  /**
   * Tells the server what the local app answered (shown on /listeners, and for a replay
   * on the event's page); best effort.
   */
  async function report(listener: string, event: StreamedEvent, result: ForwardResult) {
    const url = new URL(`/api/v1/listeners/${encodeURIComponent(listener)}/answers`, options.url.endsWith("/") ? options.url : `${options.url}/`);
    const body = {
      eventId: event.id,
      status: result.status,
      ok: result.ok,
      durationMs: result.durationMs,
      error: result.status === null ? result.error.slice(0, 500) : null,
      bodyLine: result.status === null ? null : result.bodyLine || null,
      replayId: event.replayId ?? null,
    };
    await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    })
      .then((response) => response.body?.cancel())
      .catch(() => undefined);
  }

  function remember(id: string) {
    seen.add(id);
    if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value!);
  }

  async function handle(event: StreamedEvent): Promise<ForwardResult | null> {
    if (!options.forwardTo || !webhook) return null;
    if (event.rawBody === undefined) {
      options.onStatus({ kind: "skipped", id: event.id, reason: "no raw bytes: forwarding needs an operator or admin token" });
      return { ok: false, status: null, error: "not forwarded (viewer token)", durationMs: 0 };
    }
    return forward(options.forwardTo, webhook, event.svixId, Buffer.from(event.rawBody, "base64"), options.forwardTimeoutMs ?? 30_000);
  }
}

/** POSTs the original bytes with the original svix-id, a fresh timestamp and our signature. */
export async function forward(url: string, webhook: Webhook, svixId: string, body: Buffer, timeoutMs: number): Promise<ForwardResult> {
  const now = new Date();
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "hookline-listen",
        "svix-id": svixId,
        "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
        "svix-signature": webhook.sign(svixId, now, body),
      },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text().catch(() => "");
    const durationMs = Math.round(performance.now() - started);
    const bodyLine = text.split(/\r?\n/).find((line) => line.trim())?.trim().slice(0, 200) ?? "";
    return { ok: response.ok, status: response.status, statusText: response.statusText, durationMs, bodyLine };
  } catch (error) {
    return { ok: false, status: null, error: describe(error), durationMs: Math.round(performance.now() - started) };
  }
}

function messageOf(text: string): string | null {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : null;
  } catch {
    return text.trim().slice(0, 200) || null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "timed out";
    // fetch puts the useful part ("connect ECONNREFUSED ...") in `cause`.
    const cause = error.cause instanceof Error ? error.cause.message : null;
    return (cause ?? error.message).replace(/\s+/g, " ");
  }
  return String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
