// The one watcher per process (per database) behind `GET /api/v1/events/stream`: it
// finds newly stored events and fans them out to every connected stream. No stream
// ever queries the database for live events on its own; 200 clients cost one query.
//
// How it finds new events:
// - `id > last`, in id order. Event ids are newId(firstReceivedAt), so id order is
//   arrival order, and the primary key answers the query.
// - every POLL_MS (SQLite) or SAFETY_POLL_MS (Postgres), and at once when this
//   process's ingest has answered a delivery (notifyEventsStored), or on Postgres when
//   another instance's ingest did (LISTEN/NOTIFY on a dedicated `pg` client).
// - NOTE: an id is taken when the request is read, its row is committed a few ms
//   later, so two concurrent deliveries can commit in the opposite order of their ids.
//   Rows younger than SETTLE_MS wait one more tick, which makes that rare; a sweep of
//   the last LATE_WINDOW_MS of ids every second finds the rest. Such "late" events are
//   sent out of id order, and the emission order is kept (the ring) so that a stream
//   resuming after one of them gets exactly what was sent after it.
import pg from "pg";

import { firstIdAt } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { EVENT_COLUMNS, whereClause, type EventRow } from "~/events/event-query.server";
import { Prisma } from "~/generated/sqlite/client";
import { logger } from "~/observability/logger.server";
import { closeListenerChannels } from "./listeners.server";

export const NOTIFY_CHANNEL = "hookline_events";
const POLL_MS = Number(process.env.HOOKLINE_STREAM_POLL_MS ?? 200);
const SAFETY_POLL_MS = 1_000;
const SETTLE_MS = 100;
const LATE_WINDOW_MS = 10_000;
const SWEEP_MS = 1_000;
const BATCH = 500;
/** Emissions remembered for exact resumes: about ten minutes at 30 events/s. */
const RING_SIZE = 20_000;

export interface StreamRow extends EventRow {
  /** The first delivery's body in its stored form (ADR 0017): read it with decodeBody. */
  rawBody: Uint8Array | null;
  bodyEncoding: number | null;
}

export interface Subscriber {
  /** Called for each new event in emission order; must not throw. */
  deliver(row: StreamRow): void;
  /** The watcher is closing (server shutdown). */
  close(): void;
}

export class EventWatcher {
  private readonly subscribers = new Set<Subscriber>();
  /** The largest id emitted (or stored when the watcher started). */
  private last: string | null = null;
  /** Ids at or after the late window's start that were emitted or were there at start. */
  private readonly recent = new Set<string>();
  private readonly ring: string[] = [];
  private readonly ringIndex = new Map<string, number>();
  private ringBase = 0;
  private ready: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private lastSweep = 0;
  private listener: pg.Client | null = null;
  private closed = false;

  constructor(private readonly handle: DatabaseHandle) {}

  /** Starts watching on first use; resolves once the starting point is known. */
  start(): Promise<void> {
    // A failed start (database down) is tried again by the next stream.
    this.ready ??= this.init().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** The newest id known: a stream with no `since` starts after it. */
  head(): string | null {
    return this.last;
  }

  /**
   * What was emitted after `id`, when `id` is still in the ring: the exact continuation
   * for a client whose Last-Event-ID it is (late events included). Null when the ring
   * no longer (or never) held it; then "ids after it" is the answer.
   */
  emittedAfter(id: string): string[] | null {
    const index = this.ringIndex.get(id);
    if (index === undefined) return null;
    return this.ring.slice(index - this.ringBase + 1);
  }

  /** Look now rather than at the next tick (this process's ingest just stored something). */
  wake() {
    if (!this.ready || this.closed) return;
    void this.poll();
  }

  close() {
    this.closed = true;
    if (registry.__hooklineEventWatchers?.get(this.handle) === this) registry.__hooklineEventWatchers.delete(this.handle);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const subscriber of [...this.subscribers]) subscriber.close();
    this.subscribers.clear();
    const listener = this.listener;
    this.listener = null;
    if (listener) void listener.end().catch(() => {});
  }

  private async init() {
    // The window first, then the head: a row committed in between is below the head
    // and not in `recent`, so the first sweep sends it instead of it being skipped.
    const windowStart = firstIdAt(new Date(Date.now() - LATE_WINDOW_MS));
    const ids = await this.handle.db.$queryRaw<{ id: string }[]>`SELECT e."id" FROM "Event" e WHERE e."id" >= ${windowStart}`;
    for (const { id } of ids) this.recent.add(id);
    const [row] = await this.handle.db.$queryRaw<{ id: string | null }[]>`SELECT MAX(e."id") AS "id" FROM "Event" e`;
    this.last = row?.id ?? null;
    if (this.handle.provider === "postgres") await this.listen();
    this.schedule(this.interval());
  }

  private interval() {
    return this.handle.provider === "postgres" && this.listener ? SAFETY_POLL_MS : POLL_MS;
  }

  private schedule(ms: number) {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async listen() {
    const client = new pg.Client({ connectionString: this.handle.url });
    client.on("notification", () => this.wake());
    client.on("error", (error) => {
      logger.warn("stream: LISTEN connection lost; polling every 200 ms until it is back", { error: String(error) });
      if (this.listener === client) this.listener = null;
      this.schedule(POLL_MS);
      setTimeout(() => {
        if (!this.closed && !this.listener) void this.listen();
      }, 5_000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (this.closed) return void client.end().catch(() => {});
      this.listener = client;
    } catch (error) {
      logger.warn("stream: could not LISTEN; polling instead", { error: String(error) });
      void client.end().catch(() => {});
    }
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    let next = this.interval();
    try {
      do {
        this.again = false;
        const held = await this.fetchNew();
        if (held) next = Math.min(next, SETTLE_MS);
        if (Date.now() - this.lastSweep >= SWEEP_MS) await this.sweep();
      } while (this.again && !this.closed);
    } catch (error) {
      logger.warn("stream: watching for new events failed; trying again", { error: String(error) });
      next = SAFETY_POLL_MS;
    } finally {
      this.running = false;
    }
    this.schedule(next);
  }

  /** Emits rows after `last`; true when some were too young and wait for the next tick. */
  private async fetchNew(): Promise<boolean> {
    for (;;) {
      const after = this.last;
      const rows = await this.select(after ? Prisma.sql`e."id" > ${after}` : Prisma.sql`1 = 1`, BATCH);
      const settled = firstIdAt(new Date(Date.now() - SETTLE_MS));
      let held = false;
      for (const row of rows) {
        if (row.id >= settled) {
          held = true;
          break;
        }
        this.emit(row);
      }
      if (held) return true;
      if (rows.length < BATCH) return false;
    }
  }

  /** Finds rows that committed after larger ids were already emitted. */
  private async sweep() {
    this.lastSweep = Date.now();
    const windowStart = firstIdAt(new Date(Date.now() - LATE_WINDOW_MS));
    for (const id of this.recent) if (id < windowStart) this.recent.delete(id);
    if (!this.last) return;
    const ids = await this.handle.db.$queryRaw<{ id: string }[]>`
      SELECT e."id" FROM "Event" e WHERE e."id" >= ${windowStart} AND e."id" <= ${this.last}`;
    const missing = ids.map((row) => row.id).filter((id) => !this.recent.has(id));
    if (missing.length === 0) return;
    const rows = await this.select(Prisma.sql`e."id" IN (${Prisma.join(missing)})`, missing.length);
    for (const row of rows) this.emit(row);
  }

  private select(condition: Prisma.Sql, limit: number) {
    return selectStreamRows(this.handle, [condition], limit);
  }

  private emit(row: StreamRow) {
    if (this.recent.has(row.id) || this.ringIndex.has(row.id)) return;
    if (!this.last || row.id > this.last) this.last = row.id;
    this.recent.add(row.id);
    this.ringIndex.set(row.id, this.ringBase + this.ring.length);
    this.ring.push(row.id);
    if (this.ring.length > RING_SIZE) {
      const dropped = this.ring.splice(0, this.ring.length - RING_SIZE);
      for (const id of dropped) this.ringIndex.delete(id);
      this.ringBase += dropped.length;
    }
    for (const subscriber of this.subscribers) subscriber.deliver(row);
  }
}

/** Events with their first delivery's stored body, in id (arrival) order. */
export function selectStreamRows(handle: DatabaseHandle, conditions: Prisma.Sql[], limit: number): Promise<StreamRow[]> {
  return handle.db.$queryRaw<StreamRow[]>`
    SELECT ${EVENT_COLUMNS}, d."rawBody" AS "rawBody", d."bodyEncoding" AS "bodyEncoding"
    FROM "Event" e LEFT JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
    ${whereClause(conditions)}
    ORDER BY e."id" ASC
    LIMIT ${limit}`;
}

// One watcher per database handle, shared by every module instance in the process
// (the direct mount and, in development, Vite's copy of the route modules).
const registry = globalThis as unknown as { __hooklineEventWatchers?: Map<DatabaseHandle, EventWatcher> };

export function eventWatcher(handle: DatabaseHandle): EventWatcher {
  registry.__hooklineEventWatchers ??= new Map();
  let watcher = registry.__hooklineEventWatchers.get(handle);
  if (!watcher) {
    watcher = new EventWatcher(handle);
    registry.__hooklineEventWatchers.set(handle, watcher);
  }
  return watcher;
}

/**
 * Ingest stored something: wake this process's watcher, and on Postgres tell other
 * instances (at most one NOTIFY per 50 ms; their safety poll covers a lost one).
 */
export function notifyEventsStored(handle: DatabaseHandle) {
  registry.__hooklineEventWatchers?.get(handle)?.wake();
  if (handle.provider !== "postgres") return;
  const state = notifyState.get(handle) ?? { pending: false };
  notifyState.set(handle, state);
  if (state.pending) return;
  state.pending = true;
  setTimeout(() => {
    state.pending = false;
    handle.db.$executeRawUnsafe(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`).catch((error: unknown) => {
      logger.debug("stream: NOTIFY failed", { error: String(error) });
    });
  }, 50).unref();
}
const notifyState = new WeakMap<DatabaseHandle, { pending: boolean }>();

/** Ends every stream and stops every watcher: graceful shutdown must not wait for them. */
export function closeEventStreams() {
  for (const watcher of registry.__hooklineEventWatchers?.values() ?? []) watcher.close();
  registry.__hooklineEventWatchers?.clear();
  closeListenerChannels();
}
