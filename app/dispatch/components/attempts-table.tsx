// Dispatch attempts as a table: when, which event, the answer, how long it took.
import { Link } from "@remix-run/react";

import { Timestamp } from "~/components/time";
import type { AttemptView } from "../dispatch-views.server";

export function AttemptsTable({
  attempts,
  empty,
  showTarget = false,
  showEvent = true,
}: {
  attempts: AttemptView[];
  empty: string;
  showTarget?: boolean;
  /** Off on the event's own page, where every row is the same event. */
  showEvent?: boolean;
}) {
  if (attempts.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600" data-testid="no-attempts">
        {empty}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">Sent</th>
            {showEvent ? <th scope="col" className="px-3 py-2">Event</th> : null}
            {showTarget ? <th scope="col" className="px-3 py-2">Target</th> : null}
            <th scope="col" className="px-3 py-2 text-right">Attempt</th>
            <th scope="col" className="px-3 py-2">Result</th>
            <th scope="col" className="px-3 py-2 text-right">Duration</th>
            <th scope="col" className="px-3 py-2">Response</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {attempts.map((a) => (
            <tr key={a.id} data-testid="attempt-row">
              <td className="px-3 py-2">
                <Timestamp iso={a.sentAt} />
              </td>
              {showEvent ? (
                <td className="px-3 py-2">
                  <Link to={`/events/${a.eventId}`} className="font-mono text-xs text-indigo-700 hover:underline">
                    {a.eventType ?? a.eventId}
                  </Link>
                  {a.svixId ? <div className="font-mono text-[11px] text-slate-500">{a.svixId}</div> : null}
                </td>
              ) : null}
              {showTarget ? (
                <td className="px-3 py-2">
                  <Link to={`/targets/${a.targetId}`} className="text-indigo-700 hover:underline">
                    {a.targetName ?? a.targetId}
                  </Link>
                </td>
              ) : null}
              <td className="px-3 py-2 text-right tabular-nums">{a.attempt}</td>
              <td className="px-3 py-2">
                <span className={`font-medium ${a.ok ? "text-emerald-700" : "text-red-700"}`}>{a.ok ? "OK" : "Failed"}</span>{" "}
                {a.status !== null ? <span className="tabular-nums text-slate-600">HTTP {a.status}</span> : null}
                {a.error && !a.ok ? <div className="text-xs text-red-700">{a.error}</div> : null}
                {a.nextAttemptAt ? (
                  <div className="text-xs text-slate-500">
                    retry at <Timestamp iso={a.nextAttemptAt} />
                  </div>
                ) : null}
              </td>
              <td className="px-3 py-2 text-right tabular-nums text-slate-600">{a.durationMs} ms</td>
              <td className="max-w-xs px-3 py-2">
                {a.responseExcerpt ? (
                  <pre className="max-h-20 overflow-auto whitespace-pre-wrap break-all font-mono text-xs text-slate-600">{a.responseExcerpt}</pre>
                ) : (
                  <span className="text-xs text-slate-500">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
