// The issue page's samples (links to the deliveries, events or attempts it counted) and
// its history of changes. Labels come from payloads and answers: rendered as text.
import { Link } from "@remix-run/react";

import { Timestamp } from "~/components/time";

const SAMPLE_LINK: Record<string, (id: string) => string | null> = {
  delivery: (id) => `/deliveries/${id}`,
  event: (id) => `/events/${id}`,
  attempt: () => null,
  task: () => null,
};

export function IssueSamples({ samples }: { samples: { type: string; id: string; at: string; label: string }[] }) {
  return (
    <section aria-labelledby="samples" className="min-w-0">
      <h2 id="samples" className="text-sm font-semibold">
        Samples
      </h2>
      {samples.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">This kind has no individual failing items.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm" data-testid="issue-samples">
          {samples.map((sample) => {
            const href = SAMPLE_LINK[sample.type]?.(sample.id) ?? null;
            return (
              <li key={sample.id} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-0.5 px-3 py-1.5">
                <span className="min-w-0 break-words">
                  <span className="text-slate-500">{sample.type}</span>{" "}
                  {href ? (
                    <Link to={href} className="break-all font-mono text-xs text-indigo-700 hover:underline">
                      {sample.id}
                    </Link>
                  ) : (
                    <span className="break-all font-mono text-xs">{sample.id}</span>
                  )}{" "}
                  <span className="rounded bg-slate-100 px-1 text-xs">{sample.label}</span>
                </span>
                <span className="shrink-0">
                  <Timestamp iso={sample.at} />
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function IssueHistory({ changes }: { changes: { at: string; change: string; actor: string; note: string | null }[] }) {
  return (
    <section aria-labelledby="history" className="min-w-0">
      <h2 id="history" className="text-sm font-semibold">
        History
      </h2>
      <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm">
        {changes.map((change, index) => (
          <li key={index} className="break-words px-3 py-1.5">
            <Timestamp iso={change.at} /> <span className="font-medium">{change.change}</span> by {change.actor}
            {change.note ? <span className="text-slate-500"> ({change.note})</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
