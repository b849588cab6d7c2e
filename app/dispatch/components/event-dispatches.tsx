// This event's sends per target as they stand now: queued, in flight, waiting to
// retry, sent, failed. Polls while any is open and refreshes the page when one
// settles, so the page's attempts list (response, duration) updates too.
// Mount with <EventDispatches eventId={event.id} />.
import { Link, useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

import { Timestamp } from "~/components/time";
import { eventReplayPath, isOpenTask, useEventDispatchData } from "./event-dispatch-data";

const STATUS_TEXT: Record<string, { label: string; tone: string }> = {
  pending: { label: "queued", tone: "bg-slate-100 text-slate-700" },
  sending: { label: "sending", tone: "bg-indigo-50 text-indigo-700" },
  sent: { label: "delivered", tone: "bg-emerald-50 text-emerald-700" },
  failed: { label: "failed", tone: "bg-red-50 text-red-700" },
  canceled: { label: "canceled", tone: "bg-slate-100 text-slate-500" },
  superseded: { label: "taken over", tone: "bg-slate-100 text-slate-500" },
};

export function EventDispatches({ eventId }: { eventId: string }) {
  const data = useEventDispatchData(eventId);
  // The "Replay to…" form's fetcher: a job it just queued has no task until the worker plans it.
  const replay = useFetcher<{ jobId: string | null }>({ key: `event-replay-${eventId}` });
  const revalidator = useRevalidator();
  const tasks = data.data?.tasks ?? [];
  const open = tasks.filter(isOpenTask).length;
  const queuedJob = replay.data?.jobId ?? null;
  const waitingForJob = queuedJob !== null && !tasks.some((task) => task.jobId === queuedJob);

  const { load } = data;
  useEffect(() => {
    if (!open && !waitingForJob) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") load(eventReplayPath(eventId));
    }, 1000);
    return () => clearInterval(timer);
  }, [open, waitingForJob, eventId, load]);

  // When a send settles, the page's own data (its attempts table) is out of date.
  const settled = tasks.length - open;
  const previousSettled = useRef<number | null>(null);
  useEffect(() => {
    if (!data.data) return;
    if (previousSettled.current !== null && settled > previousSettled.current && revalidator.state === "idle") revalidator.revalidate();
    previousSettled.current = settled;
  }, [data.data, settled, revalidator]);

  if (tasks.length === 0) return null;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white" data-testid="event-dispatches">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">Sends to targets</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">Target</th>
            <th scope="col" className="px-3 py-2">Status</th>
            <th scope="col" className="px-3 py-2 text-right">Attempts</th>
            <th scope="col" className="px-3 py-2">Via</th>
            <th scope="col" className="px-3 py-2">Queued</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tasks.map((task) => {
            const status = STATUS_TEXT[task.status] ?? { label: task.status, tone: "bg-slate-100 text-slate-700" };
            return (
              <tr key={task.id} data-testid="event-dispatch" data-status={task.status}>
                <td className="px-3 py-2">
                  <Link to={`/targets/${task.targetId}`} className="text-indigo-700 hover:underline">
                    {task.targetName}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${status.tone}`}>
                    {task.status === "pending" && task.attempts > 0 ? "waiting to retry" : status.label}
                  </span>
                  {task.nextAttemptAt && task.attempts > 0 ? (
                    <span className="ml-2 text-xs text-slate-500">
                      next <Timestamp iso={task.nextAttemptAt} />
                    </span>
                  ) : null}
                  {task.lastError && task.status !== "sent" ? <div className="text-xs text-red-700">{task.lastError}</div> : null}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{task.attempts}</td>
                <td className="px-3 py-2 text-xs">
                  {task.jobId ? (
                    <Link to={`/replays/${task.jobId}`} className="text-indigo-700 hover:underline">
                      replay
                    </Link>
                  ) : (
                    <span className="text-slate-600">auto-forward</span>
                  )}
                </td>
                <td className="px-3 py-2 text-slate-600">
                  <Timestamp iso={task.createdAt} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
