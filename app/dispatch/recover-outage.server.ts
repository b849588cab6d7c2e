// Use case: outage recovery. "Our consumer was down from 02:10 to 03:40": every event
// of that window the target subscribes to and never received successfully (and, if
// asked, those never sent to it at all), in order, at the chosen rate.
import type { DatabaseHandle } from "~/db/prisma.server";
import { startJob } from "./batch-replay.server";
import { DispatchInputError } from "./dispatch-errors";
import type { DispatchJobRow } from "./dispatch-job.server";
import type { JobOrder } from "./dispatch-status";
import { parseEventTypes, requireTarget } from "./target.server";

export async function recoverOutage(
  handle: DatabaseHandle,
  input: {
    targetId: string;
    from: Date;
    to: Date;
    includeNeverSent: boolean;
    order?: JobOrder;
    maxPerSecond?: number | null;
    actor: string;
  },
): Promise<DispatchJobRow> {
  if (input.from > input.to) throw new DispatchInputError("from", "The window's start must not be after its end.");
  const target = await requireTarget(handle.db, input.targetId);
  return startJob(handle, {
    kind: "replay",
    targetId: target.id,
    // The target's own type filter: "never received" only means something for
    // events it subscribes to.
    filter: { type: parseEventTypes(target.eventTypes), from: input.from, to: input.to },
    onlyUndelivered: true,
    includeNeverSent: input.includeNeverSent,
    order: input.order,
    maxPerSecond: input.maxPerSecond,
    actor: input.actor,
  });
}
