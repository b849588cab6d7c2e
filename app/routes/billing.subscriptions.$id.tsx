import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import { loadSubscriptionTimeline } from "~/billing/billing-timeline.server";
import { BillingTimelineView, PayerLine } from "~/components/billing-timeline-view";
import { StatusBadge } from "~/components/lifecycle-ui";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";
import { ResourceIdSchema } from "~/lifecycle/timeline-query";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  const id = ResourceIdSchema.safeParse(params.id);
  if (!id.success) throw new Response(`Invalid subscription id: ${id.error.issues[0]!.message}.`, { status: 400 });
  const now = Date.now();
  const timeline = await loadSubscriptionTimeline(database(), id.data, { now });
  if (timeline.events.length === 0) {
    throw new Response(`No billing event mentions ${id.data}. Check the id (subscriptions start with csub_), or open the subscription list.`, { status: 404 });
  }
  return { subscriptionId: id.data, timeline, now };
}

export default function SubscriptionPage() {
  const { subscriptionId, timeline, now } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div>
      <Link to="/billing" className="text-sm text-indigo-700 hover:underline">
        ← Subscriptions
      </Link>
      <div className="mt-2 flex flex-wrap items-baseline justify-between gap-3">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Subscription</p>
          <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">
            <span className="break-all font-mono">{subscriptionId}</span>
            <StatusBadge status={timeline.state.status} inferred={timeline.state.statusInferred} />
          </h1>
          <PayerLine timeline={timeline} />
        </div>
        {navigation.state === "loading" ? <span className="text-sm text-slate-500">Loading…</span> : null}
      </div>
      <div className="mt-4">
        <BillingTimelineView timeline={timeline} now={now} />
      </div>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.subscriptionId ?? "Subscription"} · Billing · Hookline` }];

export function ErrorBoundary() {
  return <RouteError backTo="/billing" backLabel="Back to subscriptions" />;
}
