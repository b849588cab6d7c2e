// Runs the worker loop on a worker thread of the server process. The server's main
// thread then only answers HTTP: on the 2-core build machine the loop in the main
// thread halved ingest throughput (docs/benchmarks.md). SQLite is shared through two
// connections (WAL: one writer at a time, transactions take the write lock up front).
// HOOKLINE_WORKER=0 turns it off, for deployments that run `npx hookline worker`.
import { Worker as Thread } from "node:worker_threads";

import { logger } from "~/observability/logger.server";
import { acceptWorkerMetrics } from "~/observability/metrics.server";

export interface WorkerThread {
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 2_000;

export function startWorkerThread(entry = new URL("./worker-thread-entry.mjs", import.meta.url)): WorkerThread {
  let thread: Thread | null = null;
  let stopping = false;

  const launch = () => {
    // The thread inherits this process's execArgv, so the TypeScript loader (tsx) and
    // the ~/ paths work there too.
    const current = new Thread(entry);
    thread = current;
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
    async stop() {
      stopping = true;
      const current = thread;
      if (!current) return;
      const stopped = new Promise<void>((resolve) => {
        current.on("message", (message) => message === "stopped" && resolve());
        current.once("exit", () => resolve());
      });
      current.postMessage("stop");
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 8_000))]);
      await current.terminate();
    },
  };
}
