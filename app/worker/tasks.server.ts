// Every background task the worker loop runs, in the server process or alone as
// `npx hookline worker`. Add a capability's task here.
import { alertWorkerTasks } from "~/alerts/alerts-worker.server";
import { env } from "~/config/env.server";
import { compactBodiesTask } from "~/deliveries/compact-bodies.server";
import { dispatchWorkerTasks } from "~/dispatch/dispatch-worker.server";
import { retentionTask } from "~/retention/prune.server";
import { checkpointTask, searchIndexTask, searchPendingMergeTask, type WorkerTask } from "./worker.server";

export function workerTasks(): WorkerTask[] {
  return [
    checkpointTask(),
    searchIndexTask(),
    searchPendingMergeTask(),
    retentionTask(() => env().HOOKLINE_RETENTION_DAYS),
    ...dispatchWorkerTasks(),
    ...alertWorkerTasks(),
    ...compaction(),
  ];
}

/** SQLite bodies and headers compressed a while after they arrive (ADR 0017), unless `off`. */
function compaction(): WorkerTask[] {
  const after = env().HOOKLINE_COMPRESS_AFTER_MS;
  return after === "off" ? [] : [compactBodiesTask(after)];
}
