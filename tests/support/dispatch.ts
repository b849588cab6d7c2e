// Runs the real dispatch worker (forwarding, planning, sending) against a test
// database inside the test process, with its own options (compressed retries,
// short leases), and waits for jobs the way an operator watches the progress page.
import { DispatchWorker, type DispatchWorkerOptions } from "~/dispatch/dispatch-worker.server";
import { isFinished } from "~/dispatch/dispatch-status";
import type { DatabaseHandle } from "~/db/prisma.server";
import { startWorker, type Worker } from "~/worker/worker.server";

export interface RunningDispatch {
  worker: DispatchWorker;
  stop(): Promise<void>;
}

export function startDispatch(handle: DatabaseHandle, options: Partial<DispatchWorkerOptions> = {}): RunningDispatch {
  const worker = new DispatchWorker(handle, { retrySchedule: [100, 200], leaseMarginMs: 500, allowlist: null, ...options });
  // Quicker turns than production, so tests do not wait on poll intervals.
  const tasks = worker.workerTasks().map((task) => ({ ...task, intervalMs: 20 }));
  const loop: Worker = startWorker(handle, tasks);
  return {
    worker,
    async stop() {
      await loop.stop();
      await worker.stop();
    },
  };
}

/** Waits until the job reaches one of `statuses` (any finished status by default). */
export async function waitForJob(
  handle: DatabaseHandle,
  jobId: string,
  options: { statuses?: string[]; timeoutMs?: number } = {},
) {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const job = await handle.db.dispatchJob.findUniqueOrThrow({ where: { id: jobId } });
    if (options.statuses ? options.statuses.includes(job.status) : isFinished(job.status)) return job;
    if (Date.now() > deadline) {
      throw new Error(`job ${jobId} is ${job.status} (sent ${job.sent}, failed ${job.failed} of ${job.total}) after ${options.timeoutMs ?? 15_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
