import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import { loadPayerTimeline } from "~/billing/billing-timeline.server";
import { BillingTimelineView, PayerLine } from "~/components/billing-timeline-view";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";
import { ResourceIdSchema } from "~/lifecycle/timeline-query";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  const id = ResourceIdSchema.safeParse(params.payerId);
  if (!id.success) throw new Response(`Invalid payer id: ${id.error.issues[0]!.message}.`, { status: 400 });
  const now = Date.now();
  const timeline = await loadPayerTimeline(database(), id.data, { now });
  if (timeline.events.length === 0) {
    throw new Response(`No billing event names the payer ${id.data}. Payer ids start with cpayer_ (they are not user ids).`, { status: 404 });
  }
  return { payerId: id.data, timeline, now };
}

export default function PayerPage() {
  const { payerId, timeline, now } = useLoaderData<typeof loader>();
  return (
    <div>
      <Link to="/billing" className="text-sm text-indigo-700 hover:underline">
        ← Subscriptions
      </Link>
      <p className="mt-2 text-xs font-medium uppercase tracking-wide text-slate-500">Payer</p>
      <h1 className="text-xl font-semibold">
        <span className="break-all font-mono">{payerId}</span>
      </h1>
      <PayerLine timeline={timeline} />
      <p className="mt-1 text-sm text-slate-600">
        {timeline.subscriptionIds.length} subscription{timeline.subscriptionIds.length === 1 ? "" : "s"}:{" "}
        {timeline.subscriptionIds.map((id, index) => (
          <span key={id}>
            {index ? ", " : ""}
            <Link to={`/billing/subscriptions/${encodeURIComponent(id)}`} className="font-mono text-xs text-indigo-700 hover:underline">
              {id}
            </Link>
          </span>
        ))}
      </p>
      <div className="mt-4">
        <BillingTimelineView timeline={timeline} now={now} />
      </div>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.payerId ?? "Payer"} · Billing · Hookline` }];

export function ErrorBoundary() {
  return <RouteError backTo="/billing" backLabel="Back to subscriptions" />;
}
