// Every delivery of the event's svix-id: when, the outcome, and its headers (credentials masked).
import { Link } from "@remix-run/react";

import { OutcomeBadge } from "~/components/outcome-badge";
import { Timestamp } from "~/components/time";
import type { DeliveryOfEvent } from "~/events/event-detail.server";

export function EventDeliveries({ deliveries, revealed }: { deliveries: DeliveryOfEvent[]; revealed: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">Received</th>
            <th scope="col" className="px-3 py-2">Outcome</th>
            <th scope="col" className="px-3 py-2 text-right">Status</th>
            <th scope="col" className="px-3 py-2">From</th>
            <th scope="col" className="px-3 py-2 text-right">Bytes</th>
            <th scope="col" className="px-3 py-2">Headers</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {deliveries.map((d) => (
            <tr key={d.id} data-testid="event-delivery">
              <td className="px-3 py-2">
                <Timestamp iso={d.receivedAt} />
                {d.isFirst ? <div className="text-xs text-slate-500">first: its body is the payload</div> : null}
              </td>
              <td className="px-3 py-2" title={d.outcomeDetail ?? undefined}>
                <OutcomeBadge outcome={d.outcome} />
                {d.outcomeDetail ? <div className="mt-1 max-w-xs text-xs text-slate-500">{d.outcomeDetail}</div> : null}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{d.status}</td>
              <td className="px-3 py-2 font-mono text-xs text-slate-600">{d.remoteAddr ?? "—"}</td>
              <td className="px-3 py-2 text-right tabular-nums text-slate-600">
                {d.size.toLocaleString("en")}
                {d.truncated ? <div className="text-xs text-amber-700">truncated</div> : null}
              </td>
              <td className="px-3 py-2">
                <details>
                  <summary className="cursor-pointer text-xs text-indigo-700">{d.headers.length} headers</summary>
                  {d.credentialHeaders.length && !revealed ? (
                    <p className="mt-1 text-xs text-amber-800">
                      Credential headers masked ({d.credentialHeaders.join(", ")});{" "}
                      <Link to={`/deliveries/${d.id}`} className="underline">
                        open the delivery
                      </Link>{" "}
                      to reveal them.
                    </p>
                  ) : null}
                  <table className="mt-2 text-xs">
                    <tbody>
                      {d.headers.map(([name, value], index) => (
                        <tr key={`${name}-${index}`}>
                          <th scope="row" className="whitespace-nowrap py-0.5 pr-3 text-left font-mono font-medium text-slate-700">
                            {name}
                          </th>
                          <td className="break-all py-0.5 font-mono text-slate-600">{value}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
