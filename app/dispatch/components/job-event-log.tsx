// The job page's outcome counters and per-event log. The counters are the log's
// filter: each one links to the rows it counts, and both use dispatch-status.ts's
// classification, so "Failed 0" can never sit above failed rows. Failed *attempts*
// of an event that will be retried count as Retrying, not Failed.
import { Link } from "@remix-run/react";

import { Timestamp } from "~/components/time";
import { SEND_OUTCOME_LABELS, SEND_OUTCOMES, type SendOutcome } from "../dispatch-status";
import type { JobLogRow } from "../job-event-log.server";

const OUTCOME_TONE: Record<SendOutcome, string> = {
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  retrying: "bg-amber-50 text-amber-900 ring-amber-200",
  sending: "bg-indigo-50 text-indigo-800 ring-indigo-200",
  pending: "bg-slate-100 text-slate-700 ring-slate-200",
  canceled: "bg-slate-100 text-slate-700 ring-slate-200",
};

const COUNT_TONE: Partial<Record<SendOutcome, string>> = { delivered: "text-emerald-700", failed: "text-red-700", retrying: "text-amber-800" };

export function OutcomeCounters({ counts, total, active }: { counts: Record<SendOutcome, number>; total: number; active: SendOutcome | null }) {
  return (
    <nav aria-label="Filter the log by outcome" className="mt-4">
      <ul className="grid grid-cols-3 gap-2 text-sm sm:grid-cols-4 lg:grid-cols-7" data-testid="job-counts">
        <CounterLink to="" label="All" value={total} current={active === null} testId="count-total" />
        {SEND_OUTCOMES.map((outcome) => (
          <CounterLink
            key={outcome}
            to={`outcome=${outcome}`}
            label={SEND_OUTCOME_LABELS[outcome].label}
            title={SEND_OUTCOME_LABELS[outcome].description}
            value={counts[outcome]}
            tone={counts[outcome] ? COUNT_TONE[outcome] : undefined}
            current={active === outcome}
            testId={outcome === "delivered" ? "count-sent" : `count-${outcome}`}
          />
        ))}
      </ul>
    </nav>
  );
}

function CounterLink({ to, label, title, value, tone, current, testId }: { to: string; label: string; title?: string; value: number; tone?: string; current: boolean; testId: string }) {
  return (
    <li>
      <Link
        to={{ search: to }}
        replace
        preventScrollReset
        title={title}
        aria-current={current ? "true" : undefined}
        className={`block rounded-md border px-2 py-2 hover:bg-slate-50 sm:px-3 ${current ? "border-indigo-500 ring-1 ring-indigo-500" : "border-slate-200"}`}
      >
        <span className="block text-xs font-medium uppercase tracking-wide text-slate-600">{label}</span>
        <span className={`block text-lg font-semibold tabular-nums ${tone ?? "text-slate-900"}`} data-testid={testId}>
          {value.toLocaleString("en")}
        </span>
      </Link>
    </li>
  );
}

export function OutcomeChip({ outcome }: { outcome: SendOutcome }) {
  return (
    <span data-outcome={outcome} className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${OUTCOME_TONE[outcome]}`}>
      {SEND_OUTCOME_LABELS[outcome].label.toLowerCase()}
    </span>
  );
}

export function JobEventLog({ rows, outcome, after, nextAfter }: { rows: JobLogRow[]; outcome: SendOutcome | null; after: number | null; nextAfter: number | null }) {
  const first = outcome ? `outcome=${outcome}` : "";
  if (rows.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600" data-testid="log-empty">
        {outcome ? `No ${SEND_OUTCOME_LABELS[outcome].label.toLowerCase()} events${after ? " after this point" : ""}.` : "No events planned yet."}
      </p>
    );
  }
  return (
    <div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Events of this job">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2 text-right">#</th>
              <th scope="col" className="px-3 py-2">Event</th>
              <th scope="col" className="px-3 py-2">Outcome</th>
              <th scope="col" className="px-3 py-2 text-right">Attempts</th>
              <th scope="col" className="px-3 py-2">Last answer</th>
              <th scope="col" className="px-3 py-2">When</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {rows.map((row) => (
              <tr key={row.taskId} data-testid="log-row" data-outcome={row.outcome}>
                <td className="px-3 py-2 text-right tabular-nums text-slate-600">{row.seq}</td>
                <td className="px-3 py-2">
                  <Link to={`/events/${row.eventId}`} className="font-mono text-xs text-indigo-700 hover:underline">
                    {row.eventType ?? row.eventId}
                  </Link>
                  {row.resource ? <span className="block break-all font-mono text-xs text-slate-600">{row.resource}</span> : null}
                </td>
                <td className="px-3 py-2">
                  <OutcomeChip outcome={row.outcome} />
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{row.attempts}</td>
                <td className="max-w-xs px-3 py-2 text-xs text-slate-700">
                  {row.lastStatus !== null ? <span className="font-mono">HTTP {row.lastStatus}</span> : null}
                  {row.lastError ? <span className="block break-words text-slate-600">{row.lastError}</span> : null}
                  {row.lastStatus === null && !row.lastError ? "—" : null}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-700">
                  {row.outcome === "retrying" && row.nextAttemptAt ? (
                    <>
                      next try <Timestamp iso={row.nextAttemptAt} />
                    </>
                  ) : row.lastAttemptAt ? (
                    <Timestamp iso={row.lastAttemptAt} />
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-2 flex gap-4 text-sm">
        {after ? (
          <Link to={{ search: first }} replace preventScrollReset className="text-indigo-700 underline">
            First page
          </Link>
        ) : null}
        {nextAfter ? (
          <Link to={{ search: `${first ? `${first}&` : ""}after=${nextAfter}` }} replace preventScrollReset className="text-indigo-700 underline" data-testid="log-next">
            Next {rows.length} events
          </Link>
        ) : null}
      </div>
    </div>
  );
}
