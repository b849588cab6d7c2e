// SQLite's write lock, shared fairly between the threads of one Hookline process.
//
// SQLite has one writer at a time, and a connection that finds the lock taken either
// fails at once (busy_timeout 0) or sleeps in SQLite's busy handler, which polls with
// growing pauses and never queues. With the worker thread writing back to back during
// a replay, the server's connection lost that race for seconds: sign-ins and API
// writes failed with "database is locked" and Prisma's P1008 (docs/decisions/0008).
//
// The rule (every writer in the process agrees on it):
// - The server's connection (the main thread: people, API clients, ingest) never
//   sleeps in SQLite: busy_timeout 0, and a busy statement is retried from the event
//   loop (runWithBusyRetry) while it raises `demand` here.
// - The background connection (the worker thread) takes a turn only while nobody on
//   the main thread waits: before each of its statements and transactions it waits
//   for `demand` to fall to 0 (yieldToForeground). Its transactions are short, so a
//   person waits at most for the one that is running.
// Other processes (`npx hookline worker`, the CLI) cannot see this memory; against
// them the main thread's retry is what remains, up to the busy timeout.
import { isMainThread, workerData } from "node:worker_threads";

const globalForGate = globalThis as unknown as { __hooklineWriteGate?: Int32Array };

/** The shared counter of foreground writers waiting for the lock. */
export function writeGateBuffer(): SharedArrayBuffer {
  return writeGate().buffer as SharedArrayBuffer;
}

function writeGate(): Int32Array {
  if (!globalForGate.__hooklineWriteGate) {
    const inherited = (workerData as { writeGate?: SharedArrayBuffer } | null)?.writeGate;
    globalForGate.__hooklineWriteGate = new Int32Array(inherited ?? new SharedArrayBuffer(4));
  }
  return globalForGate.__hooklineWriteGate;
}

/** Which side of the rule a connection opened in this thread is on. */
export function connectionPriority(): "foreground" | "background" {
  if (process.env.HOOKLINE_SQLITE_PRIORITY === "background") return "background";
  return isMainThread ? "foreground" : "background";
}

/** How long a write may wait for SQLite's lock before it fails (503 / an error page). */
export const busyTimeoutMs = () => Number(process.env.HOOKLINE_SQLITE_BUSY_TIMEOUT_MS ?? 5000);

/** The longest a background writer defers to the foreground before it goes anyway. */
const MAX_YIELD_MS = 2_000;

export function isBusy(error: unknown): boolean {
  // better-sqlite3's own error has `code`; Prisma's adapter wraps it in a
  // DriverAdapterError whose `cause.originalCode` keeps it.
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | null;
  const code = e?.code ?? e?.cause?.originalCode;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, retrying from the event
 * loop (never blocking it) and holding the background writers back meanwhile.
 * `attempt` must leave nothing behind when it fails busy: an autocommit statement, or
 * a transaction that took the lock up front (BEGIN IMMEDIATE).
 */
export async function runWithBusyRetry<T>(attempt: () => T | Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
  const gate = writeGate();
  Atomics.add(gate, 0, 1);
  const giveUpAt = Date.now() + busyTimeoutMs();
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      try {
        return await attempt();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= giveUpAt) throw error;
      }
    }
  } finally {
    Atomics.sub(gate, 0, 1);
    Atomics.notify(gate, 0);
  }
}

/** Background connections: wait while a foreground writer waits for the lock. */
export async function yieldToForeground(): Promise<void> {
  const gate = writeGate();
  if (Atomics.load(gate, 0) === 0) return;
  const until = Date.now() + MAX_YIELD_MS;
  while (Date.now() < until) {
    const waiting = Atomics.load(gate, 0);
    if (waiting === 0) return;
    const result = waitAsync(gate, 0, waiting, Math.max(1, until - Date.now()));
    if (result.async) await result.value;
    // Woken by notify, a change of value or the timeout: check again.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

// (Atomics.waitAsync is in Node 16+, but not in TypeScript's ES2022 lib.)
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;
