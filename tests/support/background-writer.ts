// A background writer, as the worker thread is during a replay: several tasks (pumps,
// planner, indexer) each running interactive Prisma transactions on the thread's one
// SQLite connection, so one begins the moment the last commits; each holds the write
// lock for `holdMs`. Posts how many it committed when told to stop.
import { parentPort, workerData } from "node:worker_threads";

import { createDatabase } from "~/db/prisma.server";

const { url, holdMs } = workerData as { url: string; holdMs: number };
const handle = createDatabase(url);
let running = true;
let committed = 0;

parentPort!.on("message", (message) => {
  if (message === "stop") running = false;
});

await handle.db.$connect();
parentPort!.postMessage({ started: true });
const task = async () => {
  while (running) {
    await handle.db.$transaction(async (tx) => {
      await tx.auditEntry.create({ data: { actor: "background", action: "test.background-write" } });
      await new Promise((resolve) => setTimeout(resolve, holdMs));
    });
    committed++;
  }
};
await Promise.all([task(), task(), task()]);
await handle.db.$disconnect();
parentPort!.postMessage({ committed });
