// The flat list of deliveries on /deliveries, newest first.
import { Link } from "@remix-run/react";

import { OutcomeBadge } from "~/components/outcome-badge";
import { Timestamp } from "~/components/time";
import type { ApiDelivery } from "../deliveries.server";

export function DeliveriesTable({ items }: { items: ApiDelivery[] }) {
  return (
    <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Deliveries, newest first</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">Received</th>
            <th scope="col" className="px-3 py-2">Outcome</th>
            <th scope="col" className="px-3 py-2">Reason</th>
            <th scope="col" className="px-3 py-2">Type</th>
            <th scope="col" className="px-3 py-2">svix-id</th>
            <th scope="col" className="px-3 py-2">Source</th>
            <th scope="col" className="px-3 py-2 text-right">Status</th>
            <th scope="col" className="px-3 py-2 text-right">Bytes</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((delivery) => (
            <tr key={delivery.id} className="hover:bg-slate-50" data-testid="delivery-row">
              <td className="px-3 py-2 text-slate-700">
                <Link to={`/deliveries/${delivery.id}`} className="text-indigo-700 hover:underline" aria-label={`Delivery received ${delivery.receivedAt}`}>
                  <Timestamp iso={delivery.receivedAt} />
                </Link>
              </td>
              <td className="px-3 py-2">
                <OutcomeBadge outcome={delivery.outcome} />
              </td>
              <td className="px-3 py-2 text-xs text-slate-600">
                {/* max-width on a table cell is ignored; on a block inside it, it holds. */}
                <span className="block max-w-[13rem] truncate" title={delivery.outcomeDetail ?? undefined}>
                  {delivery.outcomeDetail ?? <span className="text-slate-500">—</span>}
                </span>
              </td>
              <td className="px-3 py-2 font-mono text-xs">
                <DeliveryType delivery={delivery} />
              </td>
              <td className="max-w-[10rem] truncate px-3 py-2 font-mono text-xs text-slate-700" title={delivery.svixId ?? undefined}>
                {delivery.svixId ?? <span className="text-slate-500">none</span>}
              </td>
              <td className="px-3 py-2 text-slate-700">
                <span className="block max-w-[10rem] truncate" title={delivery.source}>
                  {delivery.source}
                </span>
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{delivery.status}</td>
              <td className="px-3 py-2 text-right tabular-nums text-slate-600">{delivery.size.toLocaleString("en")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const UNVERIFIED_TITLE = "What the body claims. Its signature did not verify, so anyone could have sent it: Hookline does not act on it.";

/** The event's type, or for a failed delivery the type its body claims, marked unverified. */
function DeliveryType({ delivery }: { delivery: ApiDelivery }) {
  if (delivery.eventId) {
    return (
      <Link to={`/events/${delivery.eventId}`} className="text-indigo-700 hover:underline">
        {delivery.type}
      </Link>
    );
  }
  if (!delivery.claimedType) return <span className="text-slate-500">—</span>;
  return (
    <span className="inline-flex max-w-[16rem] items-center gap-1.5" title={UNVERIFIED_TITLE} data-testid="claimed-type">
      <span className="truncate text-slate-700">{delivery.claimedType}</span>
      <span className="shrink-0 rounded border border-dashed border-slate-400 px-1 font-sans text-[11px] font-medium text-slate-700">
        unverified
      </span>
    </span>
  );
}
