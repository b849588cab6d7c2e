import { env } from "~/config/env.server";
import { logger } from "~/observability/logger.server";
import { runtime } from "~/server/runtime.server";
import { workerTasks } from "~/worker/tasks.server";
import { startWorker } from "~/worker/worker.server";
import type { Command } from "./command";

const command: Command = {
  usage: "worker   (runs the background worker alone; servers started with HOOKLINE_WORKER=0 leave it to this)",
  async run() {
    // On SQLite this process writes in the background: the server's requests go first
    // (app/db/write-gate.ts, docs/decisions/0008-write-coordination.md).
    process.env.HOOKLINE_SQLITE_PRIORITY ??= "background";
    const rt = await runtime();
    const worker = startWorker(rt.database, workerTasks());
    logger.info("worker started", { database: rt.database.provider, tasks: workerTasks().map((t) => t.name) });
    // Graceful stop, as the server's (README, "Stopping and restarting"): sends in flight
    // finish and are recorded, unsent claims are released, then the connection closes
    // and the process exits 0. A second signal, or the timeout, exits 1 at once.
    await new Promise<void>((resolve) => {
      let stopping = false;
      let started = 0;
      const stop = (signal: string) => {
        if (stopping) {
          // The same signal twice at once is one request (a wrapper passing it on to a
          // process group that also got it, Ctrl-C under npx); a deliberate second one exits.
          if (Date.now() - started < 1_000) return;
          logger.warn("worker: second signal; exiting now", { signal });
          process.exit(1);
        }
        stopping = true;
        started = Date.now();
        const timeoutMs = env().HOOKLINE_SHUTDOWN_TIMEOUT_MS;
        logger.info("worker: stopping; no new claims, finishing sends in flight", { signal, timeoutMs });
        setTimeout(() => {
          logger.error("worker: stop timed out; exiting now (sends still in flight may go out again after a restart)", { timeoutMs });
          process.exit(1);
        }, timeoutMs).unref();
        void worker
          .stop()
          .then(() => rt.database.db.$disconnect())
          .then(() => logger.info("worker: stopped; database disconnected", { ms: Date.now() - started }))
          .then(resolve, (error) => {
            logger.error("worker: stopping failed", { error: String(error) });
            process.exit(1);
          });
      };
      process.on("SIGTERM", () => stop("SIGTERM"));
      process.on("SIGINT", () => stop("SIGINT"));
    });
  },
};
export default command;
