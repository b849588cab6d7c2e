// The event page's attempts list, worded against the sends listed above it
// (<EventDispatches>), so the page says one thing: "not sent to any target yet" only
// when there is neither a send nor an attempt. Reads the same keyed fetcher as the
// form and the sends list, so no extra request. Above them, the answers of laptops
// (`hookline listen`) the event was replayed to.
import { Timestamp } from "~/components/time";
import type { ListenerAttemptView } from "~/stream/listeners.server";
import type { AttemptView } from "../dispatch-views.server";
import { AttemptsTable } from "./attempts-table";
import { isOpenTask, useEventDispatchData } from "./event-dispatch-data";

export function EventAttempts({
  eventId,
  attempts,
  listenerAttempts = [],
}: {
  eventId: string;
  attempts: AttemptView[];
  listenerAttempts?: ListenerAttemptView[];
}) {
  return (
    <div className="space-y-3">
      {listenerAttempts.length ? <LaptopAnswers attempts={listenerAttempts} /> : null}
      <TargetAttempts eventId={eventId} attempts={attempts} />
    </div>
  );
}

/** What each laptop's local app answered when this event was replayed to it. */
function LaptopAnswers({ attempts }: { attempts: ListenerAttemptView[] }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Local answers from laptops ({attempts.length})</h3>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="listener-attempts">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Sent</th>
              <th scope="col" className="px-3 py-2">Where</th>
              <th scope="col" className="px-3 py-2">Result</th>
              <th scope="col" className="px-3 py-2 text-right">Duration</th>
              <th scope="col" className="px-3 py-2">Response</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {attempts.map((a) => (
              <tr key={a.id} data-testid="listener-attempt">
                <td className="whitespace-nowrap px-3 py-2">
                  <Timestamp iso={a.sentAt} />
                </td>
                <td className="px-3 py-2">
                  <span className="font-medium text-slate-800">laptop: {a.who}</span>
                  <div className="break-all font-mono text-xs text-slate-600">{a.client}</div>
                </td>
                <td className="px-3 py-2">
                  <span className={`font-medium ${a.ok ? "text-emerald-700" : "text-red-700"}`}>{a.ok ? "OK" : "Failed"}</span>{" "}
                  {a.status !== null ? <span className="tabular-nums text-slate-600">HTTP {a.status}</span> : null}
                  {a.error && !a.ok ? <div className="text-xs text-red-700">{a.error}</div> : null}
                </td>
                <td className="px-3 py-2 text-right tabular-nums text-slate-600">{a.durationMs} ms</td>
                <td className="max-w-xs px-3 py-2">
                  {a.responseExcerpt ? (
                    <code className="block truncate font-mono text-xs text-slate-600" title={a.responseExcerpt}>
                      {a.responseExcerpt}
                    </code>
                  ) : (
                    <span className="text-xs text-slate-600">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function TargetAttempts({ eventId, attempts }: { eventId: string; attempts: AttemptView[] }) {
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
