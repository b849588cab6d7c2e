// Live `hookline listen` sessions (issue 12, section 3): who is listening, since when,
// with which filter, and the last answer each one's local app gave. A stream becomes a
// listener when it sends `X-Hookline-Listener: <description>`; it is told its id in a
// first `event: listener` frame and reports each local answer to
// POST /api/v1/listeners/:id/answers.
//
// NOTE: in memory, per server process: a listener is a connection to this process and
// ends with it. With several instances on Postgres, each lists the listeners connected
// to it (GET /api/v1/listeners says which instance answered). A table would need a
// schema change; see docs/decisions/0012-event-stream.md.
import os from "node:os";

import { newId } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { Prisma } from "~/generated/sqlite/client";
import type { StreamFilter } from "./event-stream.server";
import { selectStreamRows, type StreamRow } from "./event-watcher.server";

export interface ListenerAnswer {
  eventId: string;
  /** The local app's HTTP status, or null when it did not answer. */
  status: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  at: string;
}

export interface Listener {
  id: string;
  /** The token's name or the account's email. */
  who: string;
  role: string;
  /** Who may report answers for it. */
  principalId: string;
  /** What the CLI says about itself: host and where it forwards. */
  client: string;
  connectedAt: string;
  filter: StreamFilter;
  forwarded: number;
  failed: number;
  lastAnswer: ListenerAnswer | null;
}

const MAX_LISTENERS = 1_000;
// On globalThis: the server's direct stream mount and the Remix build's copy of this
// module are two module instances in one process, and must see the same listeners.
const registry = globalThis as unknown as {
  __hooklineListeners?: Map<string, Listener>;
  /** How to send an event to each listener's stream as `event: replay` (false: gone or too far behind). */
  __hooklineListenerPushers?: Map<string, (row: StreamRow) => boolean>;
};

function listeners(): Map<string, Listener> {
  registry.__hooklineListeners ??= new Map();
  return registry.__hooklineListeners;
}

function pushers(): Map<string, (row: StreamRow) => boolean> {
  registry.__hooklineListenerPushers ??= new Map();
  return registry.__hooklineListenerPushers;
}

export const INSTANCE = `${os.hostname()}:${process.pid}`;

/** Registers a listening stream; the returned function removes it (the stream ended). */
export function registerListener(
  input: Omit<Listener, "id" | "connectedAt" | "forwarded" | "failed" | "lastAnswer">,
  push: (row: StreamRow) => boolean,
): {
  listener: Listener;
  remove(): void;
} | null {
  if (listeners().size >= MAX_LISTENERS) return null;
  const listener: Listener = {
    ...input,
    client: input.client.slice(0, 300),
    id: newId(),
    connectedAt: new Date().toISOString(),
    forwarded: 0,
    failed: 0,
    lastAnswer: null,
  };
  listeners().set(listener.id, listener);
  pushers().set(listener.id, push);
  return {
    listener,
    remove: () => {
      listeners().delete(listener.id);
      pushers().delete(listener.id);
    },
  };
}

export function listListeners(): Listener[] {
  return [...listeners().values()].sort((a, b) => (a.connectedAt < b.connectedAt ? 1 : -1));
}

export type ReportOutcome = "recorded" | "not_found" | "forbidden";

/** Records what the listener's local app answered; only its own principal may report. */
export function reportListenerAnswer(id: string, principalId: string, answer: Omit<ListenerAnswer, "at">): ReportOutcome {
  const listener = listeners().get(id);
  if (!listener) return "not_found";
  if (listener.principalId !== principalId) return "forbidden";
  listener.lastAnswer = { ...answer, at: new Date().toISOString() };
  if (answer.ok) listener.forwarded++;
  else listener.failed++;
  return "recorded";
}

export type ReplayOutcome = "sent" | "no_listener" | "no_event" | "not_delivered";

/**
 * Sends one stored event to a listening session again (`event: replay`, no `id:`, so its
 * resume position stays where it was); the CLI forwards it like any other and reports
 * the local answer.
 */
export async function replayToListener(handle: DatabaseHandle, listenerId: string, eventId: string): Promise<ReplayOutcome> {
  const push = pushers().get(listenerId);
  if (!push) return "no_listener";
  const [row] = await selectStreamRows(handle, [Prisma.sql`e."id" = ${eventId}`], 1);
  if (!row) return "no_event";
  return push(row) ? "sent" : "not_delivered";
}

/** The public view (no principal id). */
export function toApiListener(listener: Listener) {
  const { principalId: _principal, ...rest } = listener;
  return { ...rest, instance: INSTANCE };
}
