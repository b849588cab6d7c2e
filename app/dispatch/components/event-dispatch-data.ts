// The data both event-page dispatch components read, from GET /events/:id/replay.
// One keyed fetcher, so the form and the list share a single request.
import { useFetcher } from "@remix-run/react";
import { useEffect } from "react";

import type { EventTaskView, TargetOption } from "../dispatch-views.server";

export interface EventDispatchData {
  canReplay: boolean;
  targets: TargetOption[];
  tasks: EventTaskView[];
}

export function eventReplayPath(eventId: string) {
  return `/events/${encodeURIComponent(eventId)}/replay`;
}

export function useEventDispatchData(eventId: string) {
  const fetcher = useFetcher<EventDispatchData>({ key: `event-dispatch-${eventId}` });
  const { load } = fetcher;
  useEffect(() => {
    load(eventReplayPath(eventId));
  }, [eventId, load]);
  return fetcher;
}

/** A send still waiting or in flight. */
export function isOpenTask(task: { status: string }) {
  return task.status === "pending" || task.status === "sending";
}
