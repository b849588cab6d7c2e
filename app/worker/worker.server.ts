// The worker loop: background work that must not sit on the ingest path. It runs in
// the server process, and the same code runs alone as `npx hookline worker`. Each
// task is a function of the database handle that does one bounded batch of work and
// says whether more is waiting; jobs live in the database, so they survive restarts.
import type { DatabaseHandle } from "~/db/prisma.server";
import { indexPendingEvents, mergePendingSearchEntries } from "~/events/search.server";
import { logger } from "~/observability/logger.server";

export interface WorkerTask {
  name: string;
  /** How often to run when idle. */
  intervalMs: number;
  /** Does one batch; returns true when it found work (it then runs again at once). */
  run(handle: DatabaseHandle): Promise<boolean>;
  /**
   * On shutdown, for a task that starts work beyond its run() (dispatch's per-target
   * pumps): stop that work and resolve once it is finished and recorded. The loops
   * stop at the same time; the database is disconnected only after both.
   */
  stop?(handle: DatabaseHandle): Promise<void>;
}

export function searchIndexTask(): WorkerTask {
  return {
    name: "search-index",
    intervalMs: 1000,
    // Small batches: each holds SQLite's write lock, which ingest waits for.
    run: async (handle) => (await indexPendingEvents(handle, 50)) > 0,
  };
}

/**
 * Postgres: merges the search index's pending list every second, off ingest's answers.
 * A failure is logged once until a merge succeeds again (a role that does not own the
 * index may not merge it: Postgres then merges inside ingest's inserts, as before).
 */
export function searchPendingMergeTask(): WorkerTask {
  let failing = false;
  return {
    name: "search-pending-merge",
    intervalMs: 1000,
    run: async (handle) => {
      try {
        await mergePendingSearchEntries(handle);
        failing = false;
      } catch (error) {
        if (!failing) logger.warn("could not merge the search index's pending list; ingest will merge it", { error: String(error) });
        failing = true;
      }
      return false;
    },
  };
}

/**
 * WAL frames (4 KiB pages) past which the checkpoint also rewinds the WAL (RESTART):
 * 16 MiB, about a second of ingest at 200 deliveries/s on a database of 1M events.
 */
export const WAL_RESTART_FRAMES = 4_000;
/** At most this many frames (1 MiB) may have arrived during the last copy before a RESTART copies them under the lock. */
const WAL_RESTART_TAIL_FRAMES = 256;
/** How long a RESTART may wait for ingest's writer or a reader before it gives up for this turn. */
const WAL_RESTART_BUSY_MS = 10;

/**
 * SQLite: copies the WAL back into the database file every half second, on the
 * worker's connection (PASSIVE: it never blocks a writer). Every connection's own
 * automatic checkpoint is set far higher (sqlite-pragmas.ts), so ingest's writer does
 * not stall a batch for the tens of milliseconds a checkpoint takes.
 *
 * A PASSIVE checkpoint never rewinds the WAL, though: SQLite starts writing at the top
 * of the file again only when a writer begins while every frame is copied, and with
 * ingest committing every few milliseconds, frames arrive while each checkpoint copies.
 * So the WAL grew to ingest's own limit (20,000 frames, 80 MiB: every 4 s at 200/s on a
 * 1M-event database, where each delivery writes ~25 pages), and that commit ran the
 * checkpoint that rewinds it: ingest stalled 60 ms (130 ms with no worker), ingest's
 * p99 at 200/s was 29–33 ms with answers up to 71 ms (scripts/bench/sqlite-p99-probe.ts,
 * docs/benchmarks.md "Stop 25").
 * Past WAL_RESTART_FRAMES, right after the PASSIVE copy, a RESTART copies the few frames
 * that arrived meanwhile and rewinds the WAL under the write lock: 7–23 ms, every second
 * or so at that rate, max answer 37 ms. When more than WAL_RESTART_TAIL_FRAMES arrived
 * during a copy (a prune writing ~100 MB/s), it copies again first, and after three
 * tries leaves the rewind to a later turn. It waits at most WAL_RESTART_BUSY_MS for the
 * lock and for readers of older frames (an export, a long page): then it gives up this
 * turn (busy), without holding ingest up.
 */
export function checkpointTask(options: { restartFrames?: number } = {}): WorkerTask {
  return {
    name: "wal-checkpoint",
    intervalMs: 500,
    run: async (handle) => {
      await handle.withSqlite?.((db) => checkpointWal(db, options.restartFrames));
      return false;
    },
  };
}

/**
 * One turn of checkpointTask on a connection: "copied" (PASSIVE only: the WAL was under
 * `restartFrames`), "rewound" (RESTART done: the next commit writes at the top of the
 * WAL), or "busy" (a writer or a reader of older frames held on past WAL_RESTART_BUSY_MS).
 */
export function checkpointWal(db: import("better-sqlite3").Database, restartFrames = WAL_RESTART_FRAMES): "copied" | "rewound" | "busy" {
  const walFrames = () => Number((db.pragma("wal_checkpoint(PASSIVE)") as { log: number | bigint }[])[0]?.log ?? 0);
  let frames = walFrames();
  if (frames <= restartFrames) return "copied";
  // RESTART copies, under the write lock, what arrived during the last PASSIVE copy:
  // copy again (outside the lock) until that is little, as while a prune writes.
  for (let pass = 0; ; pass++) {
    const before = frames;
    frames = walFrames();
    if (frames - before <= WAL_RESTART_TAIL_FRAMES) break;
    if (pass === 2) return "copied";
  }
  const busyTimeout = Number(db.pragma("busy_timeout", { simple: true }));
  db.pragma(`busy_timeout = ${WAL_RESTART_BUSY_MS}`);
  try {
    const [restart] = db.pragma("wal_checkpoint(RESTART)") as { busy: number | bigint }[];
    return Number(restart?.busy ?? 1) === 0 ? "rewound" : "busy";
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

/** How often the worker loop reports that it is alive (/readyz, /metrics). */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * Reports that the worker loop runs: a thread that crashed or exited, or an event loop
 * blocked by a task, stops the heartbeat.
 */
export function heartbeatTask(beat: () => void): WorkerTask {
  return {
    name: "heartbeat",
    intervalMs: HEARTBEAT_INTERVAL_MS,
    run: async () => {
      beat();
      return false;
    },
  };
}

export interface Worker {
  stop(): Promise<void>;
  /** Runs every task until none has work left (tests, CLI). */
  drain(): Promise<void>;
}

export function startWorker(handle: DatabaseHandle, tasks: WorkerTask[]): Worker {
  let stopped = false;
  const loops = tasks.map(async (task) => {
    while (!stopped) {
      let busy = false;
      try {
        busy = await task.run(handle);
      } catch (error) {
        logger.error("worker task failed; it will run again", { task: task.name, error: String(error) });
      }
      if (!busy) await sleep(task.intervalMs, () => stopped);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  });
  return {
    async stop() {
      stopped = true;
      const hooks = tasks.map(async (task) => {
        try {
          await task.stop?.(handle);
        } catch (error) {
          logger.error("worker task failed to stop cleanly", { task: task.name, error: String(error) });
        }
      });
      await Promise.all([...loops, ...hooks]);
    },
    async drain() {
      for (const task of tasks) while (await task.run(handle));
    },
  };
}

/** Sleeps up to `ms`, waking early (every 100 ms) once `cancelled()` is true. */
async function sleep(ms: number, cancelled: () => boolean) {
  const until = Date.now() + ms;
  while (!cancelled() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
  }
}
