// The event page's attempts list, worded against the sends listed above it
// (<EventDispatches>), so the page says one thing: "not sent to any target yet" only
// when there is neither a send nor an attempt. Reads the same keyed fetcher as the
// form and the sends list, so no extra request.
import type { AttemptView } from "../dispatch-views.server";
import { AttemptsTable } from "./attempts-table";
import { isOpenTask, useEventDispatchData } from "./event-dispatch-data";

export function EventAttempts({ eventId, attempts }: { eventId: string; attempts: AttemptView[] }) {
  const { data } = useEventDispatchData(eventId);
  if (attempts.length > 0) {
    return (
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">HTTP attempts ({attempts.length})</h3>
        <AttemptsTable attempts={attempts} showTarget showEvent={false} empty="" />
      </div>
    );
  }
  // Until the sends are known, say nothing rather than something the list may contradict.
  if (!data) return null;
  const tasks = data.tasks;
  if (tasks.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600" data-testid="no-attempts">
        This event has not been sent to any target yet. Targets that auto-forward receive new events as they arrive; replays send stored ones
        again.
      </p>
    );
  }
  const open = tasks.filter(isOpenTask).length;
  const withdrawn = tasks.filter((task) => task.status === "canceled" || task.status === "superseded").length;
  const parts = [open ? `${open} queued` : null, withdrawn ? `${withdrawn} canceled before sending` : null].filter(Boolean);
  return (
    <p className="text-sm text-slate-600" data-testid="no-attempts">
      No HTTP attempt is recorded for the {tasks.length === 1 ? "send" : `${tasks.length} sends`} above
      {open + withdrawn === tasks.length && parts.length ? ` (${parts.join(", ")})` : ""}.
    </p>
  );
}
