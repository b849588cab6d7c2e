import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";

import { listIssues, toApiIssue } from "~/alerts/issues.server";
import { requireUser } from "~/auth/session.server";
import { HourlyChart } from "~/components/hourly-chart";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { database } from "~/db/prisma.server";
import { Card, CardLink, Stat } from "~/overview/components/overview-cards";
import { FailuresChart } from "~/overview/components/failures-chart";
import { NeedsALook } from "~/overview/components/needs-a-look";
import { RunningJobs } from "~/overview/components/running-jobs";
import { TargetsHealth } from "~/overview/components/targets-health";
import { cachedOverview } from "~/overview/overview.server";

const Query = z.object({ range: z.enum(["24h", "7d"]).catch("24h") });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const { range } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  // Issues are read fresh (the overview's numbers are cached for 10 s): one small query.
  const [overview, issues] = await Promise.all([cachedOverview(database(), range), listIssues(database().db, { status: "active", limit: 8 })]);
  return { ...overview, issues: issues.issues.map(toApiIssue) };
}

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  // Live: refresh every 15 s while the tab is visible.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, 15_000);
    return () => clearInterval(timer);
  }, [revalidator]);
  const since = data.range === "24h" ? "last 24 hours" : "last 7 days";
  const fromIso = new Date(data.eventsPerHour[0]?.hour ?? Date.now()).toISOString();

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold">Overview</h1>
          <p className="text-sm text-slate-600">
            What reached Hookline in the {since}, how forwarding is doing, and what needs a look. Updated{" "}
            <Timestamp iso={data.generatedAt} />
            {navigation.state === "loading" || revalidator.state === "loading" ? " · refreshing…" : ""}
          </p>
        </div>
        <nav className="flex gap-1 text-sm" aria-label="Range">
          {(["24h", "7d"] as const).map((range) => (
            <Link
              key={range}
              to={`/?range=${range}`}
              aria-current={data.range === range ? "page" : undefined}
              className={`rounded px-3 py-1.5 font-medium ${data.range === range ? "bg-indigo-600 text-white" : "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50"}`}
            >
              {range === "24h" ? "24 hours" : "7 days"}
            </Link>
          ))}
        </nav>
      </div>

      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label={`Events, ${since}`} value={data.totals.events} to={`/events?from=${encodeURIComponent(fromIso)}`} />
        <Stat label="Failed verification" value={data.totals.failures} to="/deliveries" tone="red" />
        <Stat label="Out of order" value={data.totals.outOfOrder} to="/events" tone="amber" />
        <Stat label="Forwarding backlog" value={data.targets.reduce((n, t) => n + t.backlog, 0)} to="/targets" tone="amber" />
      </div>

      <Card title={`Events per hour by resource (${since}, envelope time, UTC)`} action={<CardLink to="/events">Browse events →</CardLink>}>
        {data.totals.events === 0 ? (
          <p className="text-sm text-slate-600">
            No events in this window. Point Clerk&apos;s webhook endpoint at <code>/webhooks/clerk</code> (see{" "}
            <Link className="text-indigo-700 hover:underline" to="/deliveries">Deliveries</Link> for the setup), or send samples with{" "}
            <code>npx hookline send all</code>.
          </p>
        ) : (
          <HourlyChart series={data.eventsPerHour} keys={data.resourceTypes} label="Events per hour by resource type" />
        )}
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={`Verification failures (${since})`} action={<CardLink to="/deliveries">Failed deliveries →</CardLink>}>
          <FailuresChart outcomes={data.failureOutcomes} series={data.failuresPerHour} total={data.totals.failures} />
        </Card>
        <Card title="Forwarding targets (last 24 hours)" action={<CardLink to="/targets">Targets →</CardLink>}>
          <TargetsHealth targets={data.targets} />
        </Card>
        <Card title="Running jobs" action={<CardLink to="/replays">All replays →</CardLink>}>
          <RunningJobs jobs={data.jobs} />
        </Card>
        <Card title="Needs a look">
          <NeedsALook issues={data.issues} pastDue={data.pastDue} outOfOrder={data.outOfOrder} since={since} />
        </Card>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Overview · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Go to the event list" />;
}
