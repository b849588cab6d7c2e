// Use case: send stored events to a listening laptop again (issue 12, section 3). The
// event page's "Replay to…", POST /api/v1/replays with `listenerId` and
// POST /api/v1/listeners/:id/replay all come here.
//
// Steps: check the listener is live (404 unknown, 409 ended), select the events in the
// job's order, store the selection (ListenerReplay), then hand it to the process that
// holds the connection: this one, or another instance through NOTIFY. That process
// pushes each event as `event: replay` in order, waiting for the socket to drain;
// the CLI forwards it like any other and reports its local app's answer, stored as a
// ListenerAttempt (listeners.server.ts). No worker and no retries: the laptop is there
// now or not at all.
import { recordAudit } from "~/audit/audit.server";
import type { DatabaseHandle } from "~/db/prisma.server";
import { DispatchConflictError, DispatchInputError, DispatchNotFoundError } from "~/dispatch/dispatch-errors";
import type { JobOrder } from "~/dispatch/dispatch-status";
import { countSelection, cursorOf, selectChunk, selectExplicit, storeFilter, type JobSelection } from "~/dispatch/job-selection.server";
import { MAX_EVENT_IDS } from "~/dispatch/replay-input";
import type { EventFilter } from "~/events/event-filter";
import { Prisma } from "~/generated/sqlite/client";
import { logger } from "~/observability/logger.server";
import { selectStreamRows } from "./event-watcher.server";
import { findListener, isLive, localListener, notifyListenerReplay } from "./listeners.server";
import { newId } from "~/db/ids";

const PUSH_CHUNK = 200;

export interface ListenerReplayInput {
  listenerId: string;
  eventIds?: string[] | null;
  filter?: Partial<EventFilter> | null;
  order?: JobOrder;
  actor: string;
}

export interface ListenerReplayView {
  id: string;
  kind: "replay";
  listenerId: string;
  /** "running" until every event has an answer; "failed" when the listener left first. */
  status: "running" | "done" | "failed";
  total: number;
  /** Answered by the local app with a 2xx. */
  sent: number;
  failed: number;
  error: string | null;
  createdBy: string;
  createdAt: string;
}

export async function replayToListener(handle: DatabaseHandle, input: ListenerReplayInput): Promise<ListenerReplayView> {
  const listener = await findListener(handle, input.listenerId);
  if (!listener) throw new DispatchNotFoundError(`No listener with id "${input.listenerId}".`);
  if (!isLive(listener)) {
    throw new DispatchConflictError(`The listener "${listener.who}" (${listener.client}) is no longer connected; start \`hookline listen\` again and pick the new session.`);
  }
  if (input.eventIds && input.filter) throw new DispatchInputError("filter", "Give either `eventIds` or `filter`, not both.");
  if (!input.eventIds && !input.filter) throw new DispatchInputError("eventIds", "Give `eventIds` or a `filter` to choose the events.");
  const eventIds = await selectEvents(handle, input);
  if (eventIds.length === 0) {
    if (input.eventIds) throw new DispatchNotFoundError(input.eventIds.length === 1 ? `No event with id "${input.eventIds[0]}".` : "None of these events exists.");
    throw new DispatchInputError("filter", "The filter selects no events.");
  }
  const createdAt = new Date();
  const replay = await handle.db.listenerReplay.create({
    data: { id: newId(createdAt.getTime()), listenerId: listener.id, eventIds: JSON.stringify(eventIds), total: eventIds.length, createdBy: input.actor, createdAt },
  });
  await recordAudit(handle.db, {
    actor: input.actor,
    action: "replay.start",
    subject: replay.id,
    detail: { kind: "replay", listenerId: listener.id, listener: `${listener.who} (${listener.client})`, total: eventIds.length },
  });
  if (localListener(listener.id)) {
    void runListenerReplay(handle, listener.id, replay.id);
  } else if (handle.provider === "postgres") {
    await notifyListenerReplay(handle, listener.id, replay.id);
  } else {
    // SQLite has one server process; a live row it does not hold is a CLI worker's or a test's.
    throw new DispatchConflictError(`The listener "${listener.who}" is connected to another process (${listener.instance}), which cannot be reached.`);
  }
  return toView(replay, [], true);
}

async function selectEvents(handle: DatabaseHandle, input: ListenerReplayInput): Promise<string[]> {
  const selection: JobSelection = {
    kind: "replay",
    targetId: "",
    filter: input.filter ? storeFilter(input.filter) : null,
    eventIds: input.eventIds ? JSON.stringify([...new Set(input.eventIds)]) : null,
    order: input.order ?? "timestamp",
    onlyUndelivered: false,
    includeNeverSent: false,
    since: null,
    createdAt: new Date(),
  };
  if (input.eventIds) return (await selectExplicit(handle, selection, [...new Set(input.eventIds)])).map((event) => event.id);
  const total = await countSelection(handle, selection);
  if (total > MAX_EVENT_IDS) {
    throw new DispatchInputError("filter", `The filter selects ${total} events; a replay to a listener sends at most ${MAX_EVENT_IDS}. Narrow it.`);
  }
  const ids: string[] = [];
  let cursor = null;
  for (;;) {
    const chunk = await selectChunk(handle, selection, cursor, 500);
    ids.push(...chunk.map((event) => event.id));
    if (chunk.length < 500) return ids;
    cursor = cursorOf(selection.order, chunk.at(-1)!);
  }
}

/** Pushes a replay's events, in order, to a listener this process holds. */
export async function runListenerReplay(handle: DatabaseHandle, listenerId: string, replayId: string): Promise<void> {
  try {
    const replay = await handle.db.listenerReplay.findUnique({ where: { id: replayId } });
    if (!replay || replay.listenerId !== listenerId) return;
    const ids = JSON.parse(replay.eventIds) as string[];
    for (let i = 0; i < ids.length; i += PUSH_CHUNK) {
      const chunk = ids.slice(i, i + PUSH_CHUNK);
      const rows = await selectStreamRows(handle, [Prisma.sql`e."id" IN (${Prisma.join(chunk)})`], chunk.length);
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const id of chunk) {
        const row = byId.get(id);
        if (!row) continue; // pruned since
        const push = localListener(listenerId)?.push;
        if (!push || !(await push(row, replayId))) {
          logger.info("listeners: replay stopped, the listener left", { listenerId, replayId, sent: i });
          return;
        }
      }
    }
  } catch (error) {
    logger.error("listeners: replay failed", { listenerId, replayId, error: String(error) });
  }
}

/** A replay to a listener as GET /api/v1/replays/:id shows it, or null. */
export async function getListenerReplay(handle: DatabaseHandle, id: string): Promise<ListenerReplayView | null> {
  const replay = await handle.db.listenerReplay.findUnique({ where: { id } });
  if (!replay) return null;
  const answers = await handle.db.listenerAttempt.findMany({ where: { replayId: id }, select: { ok: true } });
  const listener = await findListener(handle, replay.listenerId);
  return toView(replay, answers, listener !== null && isLive(listener));
}

function toView(
  replay: { id: string; listenerId: string; total: number; createdBy: string; createdAt: Date },
  answers: { ok: boolean }[],
  live: boolean,
): ListenerReplayView {
  const sent = answers.filter((a) => a.ok).length;
  const done = answers.length >= replay.total;
  return {
    id: replay.id,
    kind: "replay",
    listenerId: replay.listenerId,
    status: done ? "done" : live ? "running" : "failed",
    total: replay.total,
    sent,
    failed: answers.length - sent,
    error: done || live ? null : `The listener disconnected after ${answers.length} of ${replay.total} answers.`,
    createdBy: replay.createdBy,
    createdAt: replay.createdAt.toISOString(),
  };
}
