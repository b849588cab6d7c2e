// Every background task the worker loop runs, in the server process or alone as
// `npx hookline worker`. Add a capability's task here.
import { searchIndexTask, type WorkerTask } from "./worker.server";

export function workerTasks(): WorkerTask[] {
  return [searchIndexTask()];
}
