// The body of the subscription and payer pages: the SVG timeline, the state as of now,
// anomalies, status periods and payment attempts as tables, and the events themselves.
import { Link } from "@remix-run/react";

import type { LoadedBillingTimeline, StatusLane } from "~/billing/billing-timeline";
import { BillingTimelineChart } from "./billing-timeline-chart";
import { Card, EventLink, Field, Freshness, Inferred, InferredNotes, StatusBadge, UtcTime } from "./lifecycle-ui";

const LINK_WORDS: Record<string, string> = {
  subscription_id: "by subscription id",
  item_id: "by item id",
  payer: "by payer (inferred)",
};

export function PayerLine({ timeline }: { timeline: LoadedBillingTimeline }) {
  const payer = timeline.payer;
  if (!payer) return null;
  return (
    <p className="mt-1 break-words text-sm text-slate-700" data-testid="payer">
      Paid by <span className="font-medium">{payer.name ?? payer.email ?? "unknown"}</span>
      {payer.email && payer.name ? <span className="text-slate-500"> ({payer.email})</span> : null}
      {payer.userId ? (
        <>
          {" · "}
          <Link to={`/users/${encodeURIComponent(payer.userId)}`} className="font-mono text-xs text-indigo-700 hover:underline">
            {payer.userId}
          </Link>
        </>
      ) : null}
      {payer.organizationId ? (
        <>
          {" · "}
          <Link to={`/organizations/${encodeURIComponent(payer.organizationId)}`} className="font-mono text-xs text-indigo-700 hover:underline">
            {payer.organizationId}
          </Link>
        </>
      ) : null}
      {payer.payerId && timeline.subject.kind !== "payer" ? (
        <>
          {" · "}
          <Link to={`/billing/payers/${encodeURIComponent(payer.payerId)}`} className="text-xs text-indigo-700 hover:underline">
            all of this payer's billing
          </Link>
        </>
      ) : null}
    </p>
  );
}

const UNSEEN_NOTE = "No subscription event is stored: the status is inferred from its items.";

function plural(n: number, word: string) {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * A subscription page whose subscription has no event of its own: say so once, with
 * what the page is built from instead, rather than an empty lane, an empty status
 * table and "Anomalies · 0" each telling part of it.
 */
function UnseenSubscription({ timeline }: { timeline: LoadedBillingTimeline }) {
  if (timeline.subject.kind !== "subscription" || timeline.state.subscriptionSeen) return null;
  const items = timeline.events.filter((event) => event.resourceType === "subscriptionItem").length;
  const payments = timeline.events.filter((event) => event.resourceType === "paymentAttempt").length;
  const other = timeline.events.length - items - payments;
  const sources = [items ? plural(items, "subscription item event") : null, payments ? plural(payments, "payment attempt event") : null, other ? plural(other, "other event") : null]
    .filter(Boolean)
    .join(" and ");
  return (
    <div className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-950" role="note" data-testid="subscription-unseen">
      <strong>No event about the subscription itself is stored</strong> (no <code>subscription.*</code> for{" "}
      <span className="font-mono">{timeline.subject.subscriptionId}</span>). This page is built from {sources || "the events below"} that name it
      {timeline.state.statusInferred ? ", and its status is inferred from its items" : ""}. Clerk may not have sent it yet, it may be older than the
      retention period, or it went to another endpoint.
    </div>
  );
}

export function BillingTimelineView({ timeline, now }: { timeline: LoadedBillingTimeline; now: number }) {
  const { state } = timeline;
  const unseen = timeline.subject.kind === "subscription" && !state.subscriptionSeen;
  // The notice above says it once; an empty "never seen" lane would say it again.
  const drawn = unseen ? { ...timeline, subscriptionLanes: timeline.subscriptionLanes.filter((lane) => lane.periods.length > 0) } : timeline;
  const lanes: StatusLane[] = [...drawn.subscriptionLanes, ...drawn.itemLanes];
  const anyPeriod = lanes.some((lane) => lane.periods.length > 0);
  return (
    <div className="space-y-4">
      <UnseenSubscription timeline={timeline} />
      <Card title="Timeline" id="billing-timeline" testId="billing-timeline">
        <BillingTimelineChart timeline={drawn} now={now} />
        {timeline.truncated ? <p className="mt-2 text-xs text-amber-800">Only the oldest 5,000 events are drawn.</p> : null}
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="State as of now" id="billing-state" testId="billing-state">
          <dl>
            <Field label="Status">
              <StatusBadge status={state.status} inferred={state.statusInferred} />
              {state.statusSince ? (
                <span className="ml-2 text-xs text-slate-500">
                  since <UtcTime ms={state.statusSince} />
                </span>
              ) : null}
            </Field>
            {state.items.map((item) => (
              <Field key={item.itemId} label={item.plan ?? "Item"}>
                <StatusBadge status={item.status} />
                {item.statusInferred ? <Inferred why="From the subscription's copy of the item, not from an event about the item." /> : null}
                <span className="ml-2 text-xs text-slate-600">
                  {item.amount.text ? `${item.amount.text}${item.interval ? ` / ${item.interval}` : ""}` : null}
                  {item.isFreeTrial ? " · free trial" : null}
                  {item.periodEnd ? (
                    <>
                      {" · period ends "}
                      <UtcTime ms={item.periodEnd} />
                    </>
                  ) : null}
                </span>
              </Field>
            ))}
            <Field label="Latest payment">
              {state.latestPayment ? (
                <span>
                  <span className="font-medium">{state.latestPayment.status}</span>
                  {state.latestPayment.amount.text ? ` · ${state.latestPayment.amount.text}` : ""} ·{" "}
                  <UtcTime ms={state.latestPayment.settledAt ?? state.latestPayment.createdAt} />
                </span>
              ) : (
                <span className="text-slate-500">none stored</span>
              )}
            </Field>
          </dl>
          <div className="mt-3 border-t border-slate-100 pt-2">
            <Freshness asOf={state.asOf} label="As of the latest event," />
          </div>
          <InferredNotes notes={unseen ? state.inferred.filter((note) => note !== UNSEEN_NOTE) : state.inferred} />
        </Card>

        <Card title={`Anomalies · ${timeline.anomalies.length}`} id="anomalies" testId="anomalies">
          {timeline.anomalies.length === 0 ? (
            <p className="text-sm text-slate-600">
              {unseen
                ? "Nothing else to look at in what is stored: no unpaid past due, no active item, nothing arrived out of order."
                : "Nothing to look at: no unpaid past due, no item without its subscription, nothing arrived out of order."}
            </p>
          ) : (
            <ul className="space-y-2">
              {timeline.anomalies.map((anomaly) => (
                <li key={anomaly.kind + anomaly.message} data-testid="anomaly" data-kind={anomaly.kind} className="rounded-md border border-amber-200 bg-amber-50 p-2.5 text-sm text-amber-950">
                  {anomaly.message}
                  <div className="mt-1 flex flex-wrap gap-2">
                    {anomaly.events.slice(0, 6).map((event) => (
                      <EventLink key={event.id} event={event} />
                    ))}
                    {anomaly.events.length > 6 ? <span className="text-xs text-amber-800">and {anomaly.events.length - 6} more</span> : null}
                  </div>
                </li>
              ))}
            </ul>
          )}
          {timeline.unplacedPayerEvents ? (
            <p className="mt-2 text-xs text-slate-600">
              {timeline.unplacedPayerEvents} billing event(s) of the same payer name neither this subscription nor its items, and the payer has other subscriptions, so
              they are not drawn here.
            </p>
          ) : null}
        </Card>
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        {anyPeriod ? (
        <Card title="Status periods" id="periods">
          <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-2">Lane</th>
                <th scope="col" className="py-1 pr-2">Status</th>
                <th scope="col" className="py-1 pr-2">From</th>
                <th scope="col" className="py-1">To</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {lanes.flatMap((lane) =>
                lane.periods.map((period) => (
                  <tr key={`${lane.key}-${period.start}`}>
                    <td className="py-1.5 pr-2 align-top text-xs">{lane.kind === "subscription" ? "Subscription" : lane.label}</td>
                    <td className="py-1.5 pr-2 align-top">
                      <StatusBadge status={period.status} inferred={period.inferred} />
                    </td>
                    <td className="py-1.5 pr-2 align-top text-xs">
                      <Link to={`/events/${period.startEvent.id}`} className="text-indigo-700 hover:underline">
                        <UtcTime ms={period.start} />
                      </Link>
                    </td>
                    <td className="py-1.5 align-top text-xs">{period.end === null ? <span className="text-slate-500">now</span> : <UtcTime ms={period.end} />}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
          </div>
        </Card>
        ) : null}

        <Card title={`Payment attempts · ${timeline.attempts.length}`} id="payments" testId="payments">
          {timeline.attempts.length === 0 ? (
            <p className="text-sm text-slate-600">No payment attempt is stored for this {timeline.subject.kind}.</p>
          ) : (
            <div className="overflow-x-auto">
            <table className="min-w-full text-sm">
              <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-1 pr-2">Created</th>
                  <th scope="col" className="py-1 pr-2">Status</th>
                  <th scope="col" className="py-1 pr-2">Amount</th>
                  <th scope="col" className="py-1">Placed</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {timeline.attempts.map((attempt) => (
                  <tr key={attempt.attemptId} data-testid="payment-row" data-status={attempt.status}>
                    <td className="py-1.5 pr-2 align-top text-xs">
                      <UtcTime ms={attempt.createdAt} />
                      <div className="font-mono text-[11px] text-slate-500">{attempt.attemptId}</div>
                    </td>
                    <td className="py-1.5 pr-2 align-top">
                      <span className={attempt.status === "failed" ? "font-medium text-red-700" : attempt.status === "paid" ? "font-medium text-emerald-700" : "text-slate-700"}>
                        {attempt.status}
                      </span>
                      {attempt.failedReason ? <div className="text-xs text-slate-500">{attempt.failedReason}</div> : null}
                    </td>
                    <td className="py-1.5 pr-2 align-top text-xs">{attempt.amount.text ?? "—"}</td>
                    <td className="py-1.5 align-top text-xs text-slate-600">
                      {LINK_WORDS[attempt.linkedBy]}
                      {attempt.linkedBy === "payer" ? <Inferred why="The attempt names no subscription or item; it is placed by its payer, who has this one subscription." /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </Card>
      </div>

      <Card title={`Events · ${timeline.events.length}`} id="billing-events" testId="billing-events">
        <ol className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {timeline.events.map((event) => (
            <li key={event.id} className="grid grid-cols-1 gap-x-3 gap-y-0.5 px-3 py-1.5 text-sm sm:grid-cols-[10.5rem_1fr]" data-testid="billing-event" data-type={event.type}>
              <UtcTime ms={event.timestamp} withSeconds className="text-xs text-slate-600" />
              <div className="min-w-0">
                <div className="flex flex-wrap items-center gap-1.5">
                  <EventLink event={event} />
                  {event.arrivedLate ? (
                    <span title="It arrived after an event that comes later in envelope order." className="rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20">
                      arrived late
                    </span>
                  ) : null}
                  {event.deliveryCount > 1 ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-600">delivered ×{event.deliveryCount}</span> : null}
                  {event.linkedBy !== "subscription_id" ? <span className="text-[11px] text-slate-500">{LINK_WORDS[event.linkedBy]}</span> : null}
                </div>
                <p className="break-words text-slate-800">{event.summary}</p>
              </div>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
