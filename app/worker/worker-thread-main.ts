// The worker loop's own thread (see worker-thread.server.ts; started through worker-thread-entry.mjs): its own event loop and
// its own database connection, so search indexing and dispatch run beside ingest
// instead of between its requests.
import { parentPort } from "node:worker_threads";

import { logger } from "~/observability/logger.server";
import { sendWorkerHeartbeat } from "~/observability/metrics.server";
import { runtime } from "~/server/runtime.server";
import { workerTasks } from "./tasks.server";
import { heartbeatTask, startWorker } from "./worker.server";

const rt = await runtime();
const worker = startWorker(rt.database, [...workerTasks(), heartbeatTask(sendWorkerHeartbeat)]);
logger.info("worker thread started", { tasks: workerTasks().map((task) => task.name) });

parentPort?.on("message", (message: unknown) => {
  if (message !== "stop") return;
  logger.info("worker: stopping");
  void worker
    .stop()
    .then(() => rt.database.db.$disconnect())
    .then(
      () => logger.info("worker: stopped; database disconnected"),
      (error) => logger.error("worker: stopping failed", { error: String(error) }),
    )
    .finally(() => parentPort?.postMessage("stopped"));
});
