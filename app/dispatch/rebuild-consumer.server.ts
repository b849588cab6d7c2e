// Use case: rebuild a consumer that lost its database. A replay job in mode "latest":
// for each resource the filter selects (users, organizations, memberships, billing
// objects...), only its latest event in envelope order, so a consumer that applies
// upserts and deletes ends with the current state without replaying all of history.
// The bodies are the original bytes, re-signed with the target's secret as usual.
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventFilter } from "~/events/event-filter";
import { replayEvents } from "./batch-replay.server";
import type { DispatchJobRow } from "./dispatch-job.server";
import { previewLatest, type RebuildPreviewRow } from "./job-selection.server";

export interface RebuildPreview {
  byType: RebuildPreviewRow[];
  total: number;
}

/** How many resources of each type a rebuild with this filter sends, before it starts. */
export async function previewRebuild(handle: DatabaseHandle, filter: Partial<EventFilter>): Promise<RebuildPreview> {
  const byType = await previewLatest(handle, filter);
  return { byType, total: byType.reduce((sum, row) => sum + row.resources, 0) };
}

export async function rebuildConsumer(
  handle: DatabaseHandle,
  input: { targetId: string; filter?: Partial<EventFilter> | null; maxPerSecond?: number | null; actor: string },
): Promise<DispatchJobRow> {
  return replayEvents(handle, { targetId: input.targetId, filter: input.filter ?? {}, mode: "latest", maxPerSecond: input.maxPerSecond ?? null, actor: input.actor });
}
