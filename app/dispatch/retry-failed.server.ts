// Use case: "retry everything that failed since T", as one action. A `retry` job of
// the events whose sends to the target failed since T and did not succeed since;
// retries still waiting in older jobs for those events are superseded by it.
import type { DatabaseHandle } from "~/db/prisma.server";
import { startJob } from "./batch-replay.server";
import { DispatchInputError } from "./dispatch-errors";
import type { DispatchJobRow } from "./dispatch-job.server";

export async function retryFailedSince(
  handle: DatabaseHandle,
  input: { targetId: string; since: Date; maxPerSecond?: number | null; actor: string },
): Promise<DispatchJobRow> {
  if (input.since.getTime() > Date.now()) throw new DispatchInputError("since", "`since` must not be in the future.");
  return startJob(handle, {
    kind: "retry",
    targetId: input.targetId,
    since: input.since,
    maxPerSecond: input.maxPerSecond,
    actor: input.actor,
  });
}
