import { logger } from "~/observability/logger.server";
import { runtime } from "~/server/runtime.server";
import { workerTasks } from "~/worker/tasks.server";
import { startWorker } from "~/worker/worker.server";
import type { Command } from "./command";

const command: Command = {
  usage: "worker   (runs the background worker alone; servers started with HOOKLINE_WORKER=0 leave it to this)",
  async run() {
    const rt = await runtime();
    const worker = startWorker(rt.database, workerTasks());
    logger.info("worker started", { database: rt.database.provider, tasks: workerTasks().map((t) => t.name) });
    await new Promise<void>((resolve) => {
      const stop = () => void worker.stop().then(resolve);
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
  },
};
export default command;
