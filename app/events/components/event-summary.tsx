// The event page's key facts: type, times, source, svix-id and the resources it is about.
import { Link } from "@remix-run/react";

import { CopyButton } from "~/components/copy-button";
import { Timestamp } from "~/components/time";
import type { EventDetail } from "~/events/event-detail.server";

export function Summary({ detail }: { detail: EventDetail }) {
  const { event } = detail;
  const resourceLink = (id: string | null, href: string | null) =>
    id ? (
      <span className="inline-flex flex-wrap items-center gap-2">
        {href ? (
          <Link to={href} className="font-mono text-indigo-700 hover:underline">
            {id}
          </Link>
        ) : (
          <span className="font-mono">{id}</span>
        )}
        <Link to={`/events?resource=${encodeURIComponent(id)}`} className="text-xs text-slate-500 hover:text-indigo-700 hover:underline">
          all events
        </Link>
      </span>
    ) : (
      <span className="text-slate-500">—</span>
    );
  const rows: [string, React.ReactNode][] = [
    ["Type", <code key="t">{event.type}</code>],
    ["Envelope time", <Timestamp key="e" iso={new Date(event.timestamp).toISOString()} />],
    ["Received", <Timestamp key="r" iso={event.receivedAt} />],
    ["Source", <code key="s">{event.source}</code>],
    ["Instance", event.instanceId ? <code key="i">{event.instanceId}</code> : <span className="text-slate-500">—</span>],
    [
      "svix-id",
      <span key="m" className="inline-flex items-center gap-2">
        <code className="break-all">{event.svixId}</code>
        <CopyButton text={event.svixId} label="Copy" />
      </span>,
    ],
    ["Resource", event.resourceType ? <span key="rt">{event.resourceType} {resourceLink(event.resourceId, resourceHref(event.resourceType, event.resourceId))}</span> : resourceLink(null, null)],
    ["User", resourceLink(event.userId, event.userId ? `/users/${encodeURIComponent(event.userId)}` : null)],
    ["Organization", resourceLink(event.organizationId, event.organizationId ? `/organizations/${encodeURIComponent(event.organizationId)}` : null)],
    ["Subscription", resourceLink(event.subscriptionId, event.subscriptionId ? `/billing/subscriptions/${encodeURIComponent(event.subscriptionId)}` : null)],
    ["Payer", resourceLink(event.payerId, null)],
  ];
  return (
    <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-2 lg:grid-cols-3" data-testid="event-summary">
      {rows.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
          <dd className="mt-0.5 break-words text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The page about the resource itself, where one exists. */
function resourceHref(resourceType: string, resourceId: string | null): string | null {
  if (!resourceId) return null;
  const id = encodeURIComponent(resourceId);
  if (resourceType === "user") return `/users/${id}`;
  if (resourceType === "organization") return `/organizations/${id}`;
  if (resourceType === "subscription") return `/billing/subscriptions/${id}`;
  return null;
}
