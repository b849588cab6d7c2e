// "Needs a look": open issues, subscriptions past due, events that arrived out of order.
import { Link } from "@remix-run/react";

import { IssueStatusBadge } from "~/alerts/components/issue-badges";
import { Timestamp } from "~/components/time";
import type { Overview } from "../overview.server";

const headingClass = "text-xs font-semibold uppercase tracking-wide text-slate-600";

export function NeedsALook({
  issues,
  pastDue,
  outOfOrder,
  since,
}: {
  issues: { id: string; title: string; status: string }[];
  pastDue: Overview["pastDue"];
  outOfOrder: Overview["outOfOrder"];
  since: string;
}) {
  return (
    <>
      <h3 className={headingClass}>Open issues</h3>
      {issues.length === 0 ? (
        <p className="mb-3 text-sm text-slate-600">None.</p>
      ) : (
        <ul className="mb-3 text-sm" data-testid="overview-issues">
          {issues.map((issue) => (
            <li key={issue.id} className="flex min-w-0 items-baseline gap-2 py-0.5">
              <IssueStatusBadge status={issue.status} />
              <Link className="min-w-0 truncate text-indigo-700 hover:underline" to={`/issues/${issue.id}`}>
                {issue.title}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <h3 className={headingClass}>Subscriptions past due</h3>
      {pastDue.length === 0 ? (
        <p className="mb-3 text-sm text-slate-600">None.</p>
      ) : (
        <ul className="mb-3 text-sm">
          {pastDue.map((s) => (
            <li key={s.subscriptionId} className="flex flex-wrap justify-between gap-x-2 py-0.5">
              <Link className="break-all font-mono text-xs text-indigo-700 hover:underline" to={`/billing/subscriptions/${s.subscriptionId}`}>
                {s.subscriptionId}
              </Link>
              <span className="min-w-0 truncate text-slate-600">{s.payer}</span>
            </li>
          ))}
        </ul>
      )}
      <h3 className={headingClass}>Arrived out of order ({since})</h3>
      {outOfOrder.length === 0 ? (
        <p className="text-sm text-slate-600">None: every event arrived after the older states of its resource.</p>
      ) : (
        <ul className="text-sm">
          {outOfOrder.map((e) => (
            <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-x-2 py-0.5">
              <Link className="break-all font-mono text-xs text-indigo-700 hover:underline" to={`/events/${e.id}`}>
                {e.type}
              </Link>
              <span className="min-w-0 truncate font-mono text-xs text-slate-600">{e.resourceId}</span>
              <Timestamp iso={e.receivedAt} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
