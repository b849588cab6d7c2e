// Use case: replay one event to one target (the "Replay to…" form on an event page).
import type { DatabaseHandle } from "~/db/prisma.server";
import { startJob } from "./batch-replay.server";
import { DispatchNotFoundError } from "./dispatch-errors";
import type { DispatchJobRow } from "./dispatch-job.server";

export async function replayEvent(
  handle: DatabaseHandle,
  input: { eventId: string; targetId: string; newSvixId?: boolean; actor: string },
): Promise<DispatchJobRow> {
  const event = await handle.db.event.findUnique({ where: { id: input.eventId }, select: { id: true } });
  if (!event) throw new DispatchNotFoundError(`No event with id "${input.eventId}".`);
  return startJob(handle, { kind: "replay", targetId: input.targetId, eventIds: [event.id], newSvixId: input.newSvixId, actor: input.actor });
}
