// Use case: bulk replay to a target, by explicit event ids or by the event list's
// filter. The job is counted now and planned later by the worker in chunks; it
// sends in envelope-timestamp order by default, one resource's events in turn.
import { recordAudit } from "~/audit/audit.server";
import { typeMatchesPatterns } from "~/catalog/event-catalog";
import type { DatabaseHandle } from "~/db/prisma.server";
import type { EventFilter } from "~/events/event-filter";
import { DispatchConflictError, DispatchInputError } from "./dispatch-errors";
import type { DispatchJobRow } from "./dispatch-job.server";
import type { JobKind, JobOrder } from "./dispatch-status";
import type { ReplayMode } from "./replay-input";
import { countSelection, storeFilter } from "./job-selection.server";
import { parseEventTypes, requireTarget } from "./target.server";

export interface NewJob {
  kind: JobKind;
  targetId: string;
  eventIds?: string[] | null;
  filter?: Partial<EventFilter> | null;
  order?: JobOrder;
  /** "latest": only each selected resource's latest event (rebuild a consumer). */
  mode?: ReplayMode;
  maxPerSecond?: number | null;
  newSvixId?: boolean;
  onlyUndelivered?: boolean;
  includeNeverSent?: boolean;
  since?: Date | null;
  /**
   * False: send only the selected events whose type the target subscribes to (its
   * `eventTypes`; /replays/new's default). True or absent: every selected event, as
   * before (the API's and the retry jobs' behaviour).
   */
  includeOutsideTypes?: boolean;
  actor: string;
}

/** Creates a queued job after checking the target; shared by every replay use case. */
export async function startJob(handle: DatabaseHandle, input: NewJob): Promise<DispatchJobRow> {
  const { db } = handle;
  const target = await requireTarget(db, input.targetId);
  if (!target.enabled) throw new DispatchConflictError(`Target "${target.name}" is disabled; enable it before replaying to it.`);
  const mode = input.mode ?? "all";
  if (mode === "latest" && (input.eventIds || input.kind !== "replay" || input.onlyUndelivered)) {
    throw new DispatchInputError("mode", "Mode `latest` takes a `filter` (or none, for every resource), not `eventIds`.");
  }
  if (!input.eventIds && !input.filter && input.kind !== "retry" && mode !== "latest") {
    throw new DispatchInputError("eventIds", "Give `eventIds` or a `filter` to choose the events.");
  }
  const createdAt = new Date();
  const targetTypes = input.includeOutsideTypes === false ? parseEventTypes(target.eventTypes) : [];
  let eventIds = input.eventIds ? [...new Set(input.eventIds)] : null;
  // Explicit ids are bounded (MAX_EVENT_IDS): the outside ones are dropped now; a
  // filter keeps the target's types beside it and applies them when it is planned.
  if (eventIds && targetTypes.length) eventIds = await idsOfTypes(handle, eventIds, targetTypes);
  const selection = {
    kind: input.kind,
    targetId: target.id,
    filter: input.filter || mode === "latest" ? storeFilter(input.filter ?? {}, mode, targetTypes) : null,
    eventIds: eventIds ? JSON.stringify(eventIds) : null,
    order: input.order ?? "timestamp",
    onlyUndelivered: input.onlyUndelivered ?? false,
    includeNeverSent: input.includeNeverSent ?? false,
    since: input.since ?? null,
    createdAt,
  };
  const total = await countSelection(handle, selection);
  const job = await db.dispatchJob.create({
    data: {
      ...selection,
      maxPerSecond: input.maxPerSecond ?? null,
      newSvixId: input.newSvixId ?? false,
      status: "queued",
      total,
      createdBy: input.actor,
    },
  });
  await recordAudit(db, {
    actor: input.actor,
    action: "replay.start",
    subject: job.id,
    detail: {
      kind: job.kind,
      targetId: target.id,
      target: target.name,
      total,
      ...(input.eventIds ? { eventIds: input.eventIds.length } : {}),
      ...(job.filter ? { filter: JSON.parse(job.filter) } : {}),
      ...(mode === "latest" ? { mode } : {}),
      ...(targetTypes.length ? { onlyTargetTypes: targetTypes } : {}),
      ...(job.onlyUndelivered ? { onlyUndelivered: true, includeNeverSent: job.includeNeverSent } : {}),
      ...(job.since ? { since: job.since.toISOString() } : {}),
    },
  });
  return job;
}

export async function replayEvents(
  handle: DatabaseHandle,
  input: Omit<NewJob, "kind" | "since">,
): Promise<DispatchJobRow> {
  if (input.eventIds && input.filter) throw new DispatchInputError("filter", "Give either `eventIds` or `filter`, not both.");
  return startJob(handle, { ...input, kind: "replay" });
}

/** Of these events, those whose type matches the patterns, in the given order. */
async function idsOfTypes(handle: DatabaseHandle, ids: string[], patterns: string[]): Promise<string[]> {
  const keep = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await handle.db.event.findMany({ where: { id: { in: ids.slice(i, i + 500) } }, select: { id: true, type: true } });
    for (const row of rows) if (typeMatchesPatterns(row.type, patterns)) keep.add(row.id);
  }
  return ids.filter((id) => keep.has(id));
}
