// /listeners: who is receiving events on a laptop right now (`hookline listen`), since
// when, with which filter, and what their local app last answered, on every instance.
// Viewers and up.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { database } from "~/db/prisma.server";
import { listListeners } from "~/stream/listeners.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { listeners: await listListeners(database()) };
}

export default function Listeners() {
  const { listeners } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1 className="text-xl font-semibold">Listeners</h1>
      <p className="text-sm text-slate-600">
        Laptops receiving events with <code>npx hookline listen</code>, on any of this Hookline&apos;s instances. Each gets new events as they
        arrive, re-signed for its local app; an event&apos;s page can send it a stored one again.
      </p>
      {listeners.length === 0 ? (
        <div className="mt-4 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700" data-testid="no-listeners">
          <p className="font-medium">Nobody is listening right now.</p>
          <p className="mt-1">
            Create an operator token in Settings, then run <code>npx hookline listen --url {"<this address>"} --token {"<token>"} --forward-to http://localhost:3000/api/webhooks/clerk</code>.
          </p>
        </div>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg bg-white shadow-sm">
        <table className="w-full border-collapse text-sm" data-testid="listeners">
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              <th className="px-3 py-2 font-medium">Who</th>
              <th className="px-3 py-2 font-medium">Client</th>
              <th className="px-3 py-2 font-medium">Since</th>
              <th className="px-3 py-2 font-medium">Filter</th>
              <th className="px-3 py-2 text-right font-medium">Forwarded / failed</th>
              <th className="px-3 py-2 font-medium">Last local answer</th>
            </tr>
          </thead>
          <tbody>
            {listeners.map((listener) => (
              <tr key={listener.id} className="border-b border-slate-100" data-testid="listener-row">
                <td className="px-3 py-2">
                  {listener.who} <span className="text-slate-500">({listener.role})</span>
                </td>
                <td className="px-3 py-2 font-mono text-xs">
                  {listener.client}
                  <div className="text-slate-600">on {listener.instance}</div>
                </td>
                <td className="px-3 py-2">
                  <Timestamp iso={listener.connectedAt} />
                </td>
                <td className="px-3 py-2 font-mono text-xs">
                  {[...(listener.filter.type ?? []), listener.filter.source ? `source ${listener.filter.source}` : null, listener.filter.resource ?? null]
                    .filter(Boolean)
                    .join(", ") || "all events"}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {listener.forwarded} / {listener.failed}
                </td>
                <td className="px-3 py-2" data-testid="listener-last-answer">
                  {listener.lastAnswer ? (
                    <>
                      <span className={listener.lastAnswer.ok ? "text-emerald-700" : "text-red-700"}>
                        {listener.lastAnswer.status ?? listener.lastAnswer.error ?? "no answer"}
                      </span>{" "}
                      in {listener.lastAnswer.durationMs} ms for <code className="text-xs">{listener.lastAnswer.eventId}</code>
                    </>
                  ) : (
                    <span className="text-slate-500">nothing forwarded yet</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Listeners · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
