// Runs the worker loop on a worker thread of the server process. The server's main
// thread then only answers HTTP: on the 2-core build machine the loop in the main
// thread halved ingest throughput (docs/benchmarks.md). SQLite is shared through two
// connections (WAL: one writer at a time, transactions take the write lock up front).
// HOOKLINE_WORKER=0 turns it off, for deployments that run `npx hookline worker`.
import { Worker as Thread } from "node:worker_threads";

import { writeGateBuffer } from "~/db/write-gate";
import { logger } from "~/observability/logger.server";
import { acceptWorkerMetrics, metrics } from "~/observability/metrics.server";

export interface WorkerThread {
  /**
   * Asks the thread to stop (sends in flight finish and are recorded, unsent claims are
   * released, its connection closes) and waits for its "stopped" up to `timeoutMs`;
   * past that the thread is terminated. Resolves true when it stopped in time.
   */
  stop(timeoutMs?: number): Promise<boolean>;
}

const RESTART_DELAY_MS = 2_000;
const WORKER_YOUNG_GENERATION_MB = 6;

/**
 * Where the thread starts. Compiled (npm run build), this module sits in
 * build/hookline/ beside the thread's own compiled entry, and nothing loads TypeScript.
 * Run as TypeScript (tsx in development, the tests), the thread starts from
 * worker-thread-entry.mjs, which registers tsx first.
 */
const DEFAULT_ENTRY = import.meta.url.endsWith(".ts")
  ? new URL("./worker-thread-entry.mjs", import.meta.url)
  : new URL("./worker-thread.js", import.meta.url);

export function startWorkerThread(entry = DEFAULT_ENTRY): WorkerThread {
  let thread: Thread | null = null;
  let stopping = false;

  const launch = () => {
    // The thread inherits this process's execArgv, so the TypeScript loader (tsx) and
    // the ~/ paths work there too.
    // The thread's SQLite connection lets this thread's writers go first (app/db/write-gate.ts).
    // A small young generation: the loop allocates little between sleeps, and V8's
    // default (3 x 16 MiB semi-spaces) stays resident after start-up (~10 MiB of idle RSS).
    const current = new Thread(entry, {
      workerData: { writeGate: writeGateBuffer() },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    thread = current;
    // /readyz and /metrics now expect the loop's heartbeat (worker-thread-main.ts).
    metrics().expectWorkerHeartbeat();
    current.on("message", (message) => acceptWorkerMetrics(message));
    current.on("error", (error) => logger.error("worker thread failed", { error: error.stack ?? String(error) }));
    current.on("exit", (code) => {
      if (stopping) return;
      logger.error("worker thread exited; restarting it", { code, inMs: RESTART_DELAY_MS });
      setTimeout(() => !stopping && launch(), RESTART_DELAY_MS).unref();
    });
  };
  launch();

  return {
    async stop(timeoutMs = 30_000) {
      stopping = true;
      const current = thread;
      if (!current) return true;
      const stopped = new Promise<boolean>((resolve) => {
        current.on("message", (message) => message === "stopped" && resolve(true));
        current.once("exit", () => resolve(true));
      });
      current.postMessage("stop");
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([stopped, new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)))]);
      clearTimeout(timer);
      if (!inTime) logger.warn("worker thread did not stop in time; terminating it", { timeoutMs });
      await current.terminate();
      return inTime;
    },
  };
}
