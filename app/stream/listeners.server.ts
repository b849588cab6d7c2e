// Live `hookline listen` sessions (issue 12, section 3): who is listening, since when,
// with which filter, and the last answer each one's local app gave. A stream becomes a
// listener when it sends `X-Hookline-Listener: <description>`; it is told its id in a
// first `event: listener` frame and reports each local answer to
// POST /api/v1/listeners/:id/answers.
//
// A listener is a connection to one server process, but every instance must list it
// and be able to send it a replay:
// - its row (Listener) is written when it connects; the holding process refreshes
//   `lastSeenAt` every HEARTBEAT_MS and sets `disconnectedAt` when it closes. A row not
//   seen for STALE_MS belonged to a process that died: it is gone.
// - a replay asked for on another instance reaches the holder with
//   `NOTIFY hookline_listener '{listenerId, replayId}'` (Postgres); each process that
//   holds listeners LISTENs, and the holder pushes (listener-replay.server.ts).
// - answers are rows too, so they can arrive at any instance.
import os from "node:os";

import pg from "pg";

import { newId } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { logger } from "~/observability/logger.server";
import type { StreamFilter } from "./event-stream.server";
import type { StreamRow } from "./event-watcher.server";

export const LISTENER_CHANNEL = "hookline_listener";
const HEARTBEAT_MS = Number(process.env.HOOKLINE_LISTENER_HEARTBEAT_MS ?? 15_000);
/** Three missed heartbeats: the process holding it is gone. */
const STALE_MS = HEARTBEAT_MS * 3;
/** Rows of ended sessions are kept this long (a late replay gets "gone", not "no such"). */
const KEEP_ENDED_MS = 24 * 3_600_000;
const MAX_LOCAL_LISTENERS = 1_000;

export const INSTANCE = `${os.hostname()}:${process.pid}`;

export interface ListenerAnswer {
  eventId: string;
  /** The local app's HTTP status, or null when it did not answer. */
  status: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  at: string;
}

export interface ListenerView {
  id: string;
  /** The token's name or the account's email. */
  who: string;
  role: string;
  /** What the CLI says about itself: host and where it forwards. */
  client: string;
  connectedAt: string;
  lastSeenAt: string;
  filter: StreamFilter;
  forwarded: number;
  failed: number;
  lastAnswer: ListenerAnswer | null;
  /** The server process holding its connection. */
  instance: string;
}

/** Sends one event to the listener's stream as `event: replay`; false when it is gone or too far behind. */
export type ListenerPush = (row: StreamRow, replayId: string) => Promise<boolean>;

interface LocalListener {
  handle: DatabaseHandle;
  push: ListenerPush;
}

// On globalThis: the server's direct stream mount and the Remix build's copy of this
// module are two module instances in one process, and must see the same listeners.
const registry = globalThis as unknown as {
  __hooklineLocalListeners?: Map<string, LocalListener>;
  __hooklineListenerChannels?: Map<DatabaseHandle, { ready: Promise<void>; client: pg.Client }>;
  __hooklineListenerHeartbeat?: NodeJS.Timeout;
  __hooklineListenerDeliver?: (handle: DatabaseHandle, listenerId: string, replayId: string) => void;
};

function local(): Map<string, LocalListener> {
  registry.__hooklineLocalListeners ??= new Map();
  return registry.__hooklineLocalListeners;
}

/** This process's push function for a listener it holds, or null. */
export function localListener(id: string): LocalListener | null {
  return local().get(id) ?? null;
}

/** Set by listener-replay.server.ts: what to do with a replay NOTIFY for a listener held here. */
export function onReplayNotification(deliver: (handle: DatabaseHandle, listenerId: string, replayId: string) => void) {
  registry.__hooklineListenerDeliver = deliver;
}

export interface NewListener {
  who: string;
  role: string;
  principalId: string;
  client: string;
  filter: StreamFilter;
}

/** Registers a listening stream; the returned `remove` marks it ended (the stream closed). */
export async function registerListener(
  handle: DatabaseHandle,
  input: NewListener,
  push: ListenerPush,
): Promise<{ id: string; remove(): void } | null> {
  if (local().size >= MAX_LOCAL_LISTENERS) return null;
  // Listening first: a replay asked for on another instance as soon as the row exists must not be missed.
  if (handle.provider === "postgres") await listenForReplays(handle);
  const now = new Date();
  const id = newId(now.getTime());
  await handle.db.listener.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - KEEP_ENDED_MS) } } });
  await handle.db.listener.create({
    data: {
      id,
      who: input.who.slice(0, 200),
      role: input.role,
      principalId: input.principalId,
      client: input.client.slice(0, 300),
      filter: JSON.stringify(input.filter),
      instance: INSTANCE,
      connectedAt: now,
      lastSeenAt: now,
    },
  });
  local().set(id, { handle, push });
  startHeartbeat();
  let removed = false;
  return {
    id,
    remove() {
      if (removed) return;
      removed = true;
      local().delete(id);
      void handle.db.listener
        .updateMany({ where: { id }, data: { disconnectedAt: new Date() } })
        .catch((error: unknown) => logger.debug("listeners: could not mark one ended", { error: String(error) }));
    },
  };
}

/** Refreshes lastSeenAt of every listener this process holds (one query per database). */
function startHeartbeat() {
  if (registry.__hooklineListenerHeartbeat) return;
  registry.__hooklineListenerHeartbeat = setInterval(() => {
    const byHandle = new Map<DatabaseHandle, string[]>();
    for (const [id, listener] of local()) byHandle.set(listener.handle, [...(byHandle.get(listener.handle) ?? []), id]);
    for (const [handle, ids] of byHandle) {
      void handle.db.listener
        .updateMany({ where: { id: { in: ids } }, data: { lastSeenAt: new Date() } })
        .catch((error: unknown) => logger.warn("listeners: heartbeat failed", { error: String(error) }));
    }
  }, HEARTBEAT_MS);
  registry.__hooklineListenerHeartbeat.unref();
}

/** One LISTEN connection per database in a process that holds listeners. */
function listenForReplays(handle: DatabaseHandle): Promise<void> {
  registry.__hooklineListenerChannels ??= new Map();
  const channels = registry.__hooklineListenerChannels;
  const existing = channels.get(handle);
  if (existing) return existing.ready;
  const client = new pg.Client({ connectionString: handle.url });
  client.on("notification", (message) => {
    try {
      const { listenerId, replayId } = JSON.parse(message.payload ?? "") as { listenerId?: string; replayId?: string };
      if (listenerId && replayId && local().has(listenerId)) registry.__hooklineListenerDeliver?.(handle, listenerId, replayId);
    } catch {
      // not ours
    }
  });
  client.on("error", (error) => {
    if (channels.get(handle)?.client !== client) return;
    channels.delete(handle);
    // Only while it still holds listeners on this database (not after shutdown or a dropped test database).
    if (![...local().values()].some((l) => l.handle === handle)) return;
    logger.warn("listeners: LISTEN connection lost; reconnecting", { error: String(error) });
    setTimeout(() => void listenForReplays(handle).catch(() => undefined), 1_000).unref();
  });
  const ready = (async () => {
    await client.connect();
    await client.query(`LISTEN ${LISTENER_CHANNEL}`);
  })().catch((error: unknown) => {
    channels.delete(handle);
    void client.end().catch(() => undefined);
    throw error;
  });
  channels.set(handle, { ready, client });
  return ready;
}

/** Shutdown: the LISTEN connections go (the streams, and so the listeners, end first). */
export function closeListenerChannels() {
  const channels = registry.__hooklineListenerChannels;
  if (!channels) return;
  for (const { client } of channels.values()) void client.end().catch(() => undefined);
  channels.clear();
}

/** Tells the instance holding a listener (whichever it is) to push a replay. */
export async function notifyListenerReplay(handle: DatabaseHandle, listenerId: string, replayId: string) {
  const payload = JSON.stringify({ listenerId, replayId });
  await handle.db.$executeRaw`SELECT pg_notify(${LISTENER_CHANNEL}, ${payload})`;
}

type ListenerRow = Awaited<ReturnType<DatabaseHandle["db"]["listener"]["findUniqueOrThrow"]>>;

/** Connected and seen recently: its process is alive and holds it. */
export function isLive(row: Pick<ListenerRow, "disconnectedAt" | "lastSeenAt">, now = Date.now()): boolean {
  return row.disconnectedAt === null && row.lastSeenAt.getTime() > now - STALE_MS;
}

export function findListener(handle: DatabaseHandle, id: string) {
  return handle.db.listener.findUnique({ where: { id } });
}

/** Every live session, on whichever instance it is connected, newest first. */
export async function listListeners(handle: DatabaseHandle): Promise<ListenerView[]> {
  const rows = await handle.db.listener.findMany({
    where: { disconnectedAt: null, lastSeenAt: { gt: new Date(Date.now() - STALE_MS) } },
    orderBy: { connectedAt: "desc" },
    take: 500,
  });
  return rows.map(toListenerView);
}

function toListenerView(row: ListenerRow): ListenerView {
  return {
    id: row.id,
    who: row.who,
    role: row.role,
    client: row.client,
    connectedAt: row.connectedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    filter: JSON.parse(row.filter) as StreamFilter,
    forwarded: row.forwarded,
    failed: row.failed,
    lastAnswer: row.lastAnswer ? (JSON.parse(row.lastAnswer) as ListenerAnswer) : null,
    instance: row.instance,
  };
}

export interface ReportedAnswer extends Omit<ListenerAnswer, "at"> {
  /** The first non-empty line of the local app's answer. */
  bodyLine: string | null;
  /** Set when the event came as a replay: its answer is stored as a ListenerAttempt. */
  replayId: string | null;
}

export type ReportOutcome = "recorded" | "not_found" | "forbidden" | "not_in_replay";

/** Records what the listener's local app answered; only its own principal may report. */
export async function reportListenerAnswer(handle: DatabaseHandle, id: string, principalId: string, answer: ReportedAnswer): Promise<ReportOutcome> {
  const listener = await findListener(handle, id);
  if (!listener) return "not_found";
  if (listener.principalId !== principalId) return "forbidden";
  const at = new Date();
  if (answer.replayId) {
    const replay = await handle.db.listenerReplay.findUnique({ where: { id: answer.replayId }, select: { listenerId: true, eventIds: true } });
    if (!replay || replay.listenerId !== id || !(JSON.parse(replay.eventIds) as string[]).includes(answer.eventId)) return "not_in_replay";
    try {
      await handle.db.listenerAttempt.create({
        data: {
          id: newId(at.getTime()),
          eventId: answer.eventId,
          listenerId: id,
          replayId: answer.replayId,
          who: listener.who,
          client: listener.client,
          status: answer.status,
          ok: answer.ok,
          durationMs: answer.durationMs,
          error: answer.error,
          responseExcerpt: answer.bodyLine,
          sentAt: at,
        },
      });
    } catch (error) {
      // The unique (replayId, eventId): a repeated report does not count twice.
      if ((error as { code?: string }).code === "P2002") return "recorded";
      throw error;
    }
  }
  const lastAnswer: ListenerAnswer = {
    eventId: answer.eventId,
    status: answer.status,
    ok: answer.ok,
    durationMs: answer.durationMs,
    error: answer.error,
    at: at.toISOString(),
  };
  await handle.db.listener.update({
    where: { id },
    data: { lastAnswer: JSON.stringify(lastAnswer), ...(answer.ok ? { forwarded: { increment: 1 } } : { failed: { increment: 1 } }) },
  });
  return "recorded";
}

/** A replayed event's local answer, as the event page and the API show it. */
export interface ListenerAttemptView {
  id: string;
  eventId: string;
  listenerId: string;
  replayId: string | null;
  who: string;
  client: string;
  status: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  sentAt: string;
}

export async function listenerAttemptsOf(handle: DatabaseHandle, eventId: string, limit = 50): Promise<ListenerAttemptView[]> {
  const rows = await handle.db.listenerAttempt.findMany({ where: { eventId }, orderBy: [{ sentAt: "desc" }, { id: "desc" }], take: limit });
  return rows.map((row) => ({ ...row, sentAt: row.sentAt.toISOString() }));
}
