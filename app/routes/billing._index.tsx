import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import { statusColor } from "~/billing/status-colors";
import { STATUS_SCAN_LIMIT, SUBSCRIPTION_FILTER_STATUSES, SubscriptionListQuerySchema } from "~/billing/subscription-list-query";
import { InvalidSubscriptionCursorError, listSubscriptions } from "~/billing/subscriptions.server";
import { StatusBadge, UtcTime } from "~/components/lifecycle-ui";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const params = new URL(request.url).searchParams;
  const parsed = SubscriptionListQuerySchema.safeParse({
    status: params.get("status") || undefined,
    cursor: params.get("cursor") || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Response(`Invalid \`${String(issue.path[0])}\`: ${issue.message}`, { status: 400 });
  }
  try {
    return { query: parsed.data, ...(await listSubscriptions(database(), parsed.data)) };
  } catch (error) {
    if (error instanceof InvalidSubscriptionCursorError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

export default function BillingPage() {
  const { query, subscriptions, nextCursor, examined, scanLimited } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const pageHref = (cursor: string | null) => `?${new URLSearchParams({ ...(query.status ? { status: query.status } : {}), ...(cursor ? { cursor } : {}) })}`;
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Billing</h1>
          <p className="text-sm text-slate-600">Clerk Billing subscriptions named by stored events, most recently active first. Open one for its timeline.</p>
        </div>
        <Form method="get" className="flex items-end gap-2" aria-label="Filter subscriptions">
          <label className="text-sm">
            <span className="block text-xs font-medium text-slate-600">Status</span>
            <select
              name="status"
              defaultValue={query.status ?? ""}
              className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
            >
              <option value="">Any status</option>
              {SUBSCRIPTION_FILTER_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status === "unknown" ? "Unknown (never seen)" : statusColor(status).label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">
            Filter
          </button>
          {navigation.state === "loading" ? <span className="pb-1.5 text-sm text-slate-500">Loading…</span> : null}
        </Form>
      </div>

      {subscriptions.length === 0 ? (
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
          {query.status ? (
            <>
              <h2 className="text-base font-semibold">No {statusColor(query.status).label.toLowerCase()} subscription</h2>
              <p className="mt-2 text-sm text-slate-700">
                None of the {examined.toLocaleString("en")} subscriptions looked at {query.cursor ? "on this page " : ""}has this status.{" "}
                <Link to="/billing" className="text-indigo-700 hover:underline">
                  Show every status
                </Link>
                .
              </p>
            </>
          ) : (
            <>
              <h2 className="text-base font-semibold">No billing events yet</h2>
              <p className="mt-2 max-w-2xl text-sm text-slate-700">
                Subscriptions appear here once Clerk sends <code>subscription.*</code>, <code>subscriptionItem.*</code> or <code>paymentAttempt.*</code> events. Subscribe
                the endpoint to the billing events in the Clerk Dashboard, or try it with <code>npx hookline send all</code>.
              </p>
            </>
          )}
        </div>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Subscription</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Payer</th>
                <th scope="col" className="px-3 py-2">Plans</th>
                <th scope="col" className="px-3 py-2">Last event</th>
                <th scope="col" className="px-3 py-2 text-right">Events</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {subscriptions.map((s) => (
                <tr key={s.subscriptionId} className="hover:bg-slate-50" data-testid="subscription-row">
                  <td className="px-3 py-2">
                    <Link to={`/billing/subscriptions/${encodeURIComponent(s.subscriptionId)}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline">
                      {s.subscriptionId}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={s.status} />
                  </td>
                  <td className="px-3 py-2">
                    {s.payer ? (
                      <div>
                        <div className="text-slate-800">{s.payer.name ?? s.payer.email ?? "—"}</div>
                        {s.payer.userId ? (
                          <Link to={`/users/${encodeURIComponent(s.payer.userId)}`} className="font-mono text-[11px] text-indigo-700 hover:underline">
                            {s.payer.userId}
                          </Link>
                        ) : s.payer.organizationId ? (
                          <Link to={`/organizations/${encodeURIComponent(s.payer.organizationId)}`} className="font-mono text-[11px] text-indigo-700 hover:underline">
                            {s.payer.organizationId}
                          </Link>
                        ) : null}
                      </div>
                    ) : (
                      <span className="text-slate-500">—</span>
                    )}
                  </td>
                  <td className="px-3 py-2 text-xs text-slate-700">
                    {s.plans.length ? s.plans.map((p) => `${p.name}${p.status ? ` (${p.status.replace("_", " ")})` : ""}`).join(", ") : <span className="text-slate-500">—</span>}
                  </td>
                  <td className="px-3 py-2 text-xs text-slate-600">
                    <UtcTime ms={s.lastEventAt} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums text-slate-600">{s.eventCount.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {scanLimited ? (
        <p className="mt-2 text-xs text-slate-500" role="status">
          The status is read from each subscription's latest event, so the filter looked at the next {STATUS_SCAN_LIMIT.toLocaleString("en")} most recently active
          subscriptions and stopped; older ones may match too.
        </p>
      ) : null}
      <nav className="mt-4 flex gap-3 text-sm" aria-label="Pagination">
        {query.cursor ? (
          <Link to={pageHref(null)} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            ← Most recent
          </Link>
        ) : null}
        {nextCursor ? (
          <Link to={pageHref(nextCursor)} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            {scanLimited ? "Look at older subscriptions →" : "Older →"}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Billing · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/billing" backLabel="Back to subscriptions" />;
}
