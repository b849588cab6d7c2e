import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";

import { IssueStatusBadge } from "~/alerts/components/issue-badges";
import { listIssues, toApiIssue } from "~/alerts/issues.server";
import { requireUser } from "~/auth/session.server";
import { HourlyChart } from "~/components/hourly-chart";
import { OutcomeBadge } from "~/components/outcome-badge";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { database } from "~/db/prisma.server";
import { cachedOverview } from "~/overview/overview.server";

const Query = z.object({ range: z.enum(["24h", "7d"]).catch("24h") });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const { range } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  // Issues are read fresh (the overview's numbers are cached for 10 s): one small query.
  const [overview, issues] = await Promise.all([cachedOverview(database(), range), listIssues(database().db, { status: "active", limit: 8 })]);
  return { ...overview, issues: issues.issues.map(toApiIssue) };
}

function Card({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-3 flex items-baseline justify-between">
        <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}

function Stat({ label, value, to, tone = "slate" }: { label: string; value: number; to: string; tone?: "slate" | "red" | "amber" }) {
  const color = tone === "red" && value > 0 ? "text-red-700" : tone === "amber" && value > 0 ? "text-amber-700" : "text-slate-900";
  return (
    <Link to={to} className="rounded-lg border border-slate-200 bg-white p-4 hover:border-indigo-300">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`}>{value.toLocaleString("en")}</div>
    </Link>
  );
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

      <Card title={`Events per hour by resource (${since}, envelope time, UTC)`} action={<Link className="text-xs text-indigo-700 hover:underline" to="/events">Browse events →</Link>}>
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
        <Card title={`Verification failures (${since})`} action={<Link className="text-xs text-indigo-700 hover:underline" to="/deliveries">Failed deliveries →</Link>}>
          {data.totals.failures === 0 ? (
            <p className="text-sm text-slate-600">Every delivery in this window verified.</p>
          ) : (
            <>
              <div className="mb-2 flex flex-wrap gap-2">
                {data.failureOutcomes.map((outcome) => (
                  <Link key={outcome} to={`/deliveries?outcome=${outcome}`}>
                    <OutcomeBadge outcome={outcome} />
                  </Link>
                ))}
              </div>
              <HourlyChart series={data.failuresPerHour} keys={data.failureOutcomes} label="Verification failures per hour by outcome" height={180} />
            </>
          )}
        </Card>

        <Card title="Forwarding targets (last 24 hours)" action={<Link className="text-xs text-indigo-700 hover:underline" to="/targets">Targets →</Link>}>
          {data.targets.length === 0 ? (
            <p className="text-sm text-slate-600">
              No targets yet. <Link className="text-indigo-700 underline" to="/targets">Add one</Link> to forward or replay events to
              your consumer.
            </p>
          ) : (
            <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="py-1">Target</th>
                  <th className="py-1">Success</th>
                  <th className="py-1 text-right">Attempts</th>
                  <th className="py-1 text-right">Backlog</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.targets.map((target) => (
                  <tr key={target.id}>
                    <td className="max-w-[12rem] truncate py-1.5">
                      <Link className="font-medium text-indigo-700 hover:underline" to={`/targets/${target.id}`}>
                        {target.name}
                      </Link>
                      {!target.enabled ? <span className="ml-1 text-xs text-slate-500">(disabled)</span> : null}
                    </td>
                    <td className="py-1.5">
                      {target.successRate === null ? (
                        <span className="text-slate-500">no attempts</span>
                      ) : (
                        <div className="flex items-center gap-2">
                          <div className="h-2 w-24 overflow-hidden rounded bg-red-100" aria-hidden>
                            <div className="h-full bg-emerald-500" style={{ width: `${Math.round(target.successRate * 100)}%` }} />
                          </div>
                          <span className="tabular-nums">{(target.successRate * 100).toFixed(1)}%</span>
                        </div>
                      )}
                    </td>
                    <td className="py-1.5 text-right tabular-nums">{target.attempts24h.toLocaleString("en")}</td>
                    <td className={`py-1.5 text-right tabular-nums ${target.backlog > 0 ? "font-semibold text-amber-700" : ""}`}>{target.backlog.toLocaleString("en")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </Card>

        <Card title="Running jobs" action={<Link className="text-xs text-indigo-700 hover:underline" to="/replays">All replays →</Link>}>
          {data.jobs.length === 0 ? (
            <p className="text-sm text-slate-600">No replay or forward job is running.</p>
          ) : (
            <ul className="space-y-3">
              {data.jobs.map((job) => {
                const done = job.sent + job.failed;
                const percent = job.total ? Math.round((done / job.total) * 100) : 0;
                return (
                  <li key={job.id}>
                    <div className="flex justify-between text-sm">
                      <Link className="font-medium text-indigo-700 hover:underline" to={`/replays/${job.id}`}>
                        {job.kind} to {job.targetName}
                      </Link>
                      <span className="text-slate-600">
                        {job.status} · {done.toLocaleString("en")}/{job.total.toLocaleString("en")}
                        {job.failed ? <span className="text-red-700"> · {job.failed} failed</span> : null}
                      </span>
                    </div>
                    <div className="mt-1 h-2 overflow-hidden rounded bg-slate-100" role="progressbar" aria-label={`${job.kind} to ${job.targetName}: ${percent}% done`} aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
                      <div className="h-full bg-indigo-500" style={{ width: `${percent}%` }} />
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>

        <Card title="Needs a look">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Open issues</h3>
          {data.issues.length === 0 ? (
            <p className="mb-3 text-sm text-slate-600">None.</p>
          ) : (
            <ul className="mb-3 text-sm" data-testid="overview-issues">
              {data.issues.map((issue) => (
                <li key={issue.id} className="flex items-baseline gap-2 py-0.5">
                  <IssueStatusBadge status={issue.status} />
                  <Link className="truncate text-indigo-700 hover:underline" to={`/issues/${issue.id}`}>
                    {issue.title}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Subscriptions past due</h3>
          {data.pastDue.length === 0 ? (
            <p className="mb-3 text-sm text-slate-600">None.</p>
          ) : (
            <ul className="mb-3 text-sm">
              {data.pastDue.map((s) => (
                <li key={s.subscriptionId} className="flex justify-between py-0.5">
                  <Link className="font-mono text-xs text-indigo-700 hover:underline" to={`/billing/subscriptions/${s.subscriptionId}`}>
                    {s.subscriptionId}
                  </Link>
                  <span className="truncate pl-2 text-slate-600">{s.payer}</span>
                </li>
              ))}
            </ul>
          )}
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Arrived out of order ({since})</h3>
          {data.outOfOrder.length === 0 ? (
            <p className="text-sm text-slate-600">None: every event arrived after the older states of its resource.</p>
          ) : (
            <ul className="text-sm">
              {data.outOfOrder.map((e) => (
                <li key={e.id} className="flex justify-between gap-2 py-0.5">
                  <Link className="font-mono text-xs text-indigo-700 hover:underline" to={`/events/${e.id}`}>
                    {e.type}
                  </Link>
                  <span className="truncate font-mono text-xs text-slate-600">{e.resourceId}</span>
                  <Timestamp iso={e.receivedAt} />
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Overview · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Go to the event list" />;
}
