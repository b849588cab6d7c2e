// "Fix it" on the issue page: the one action that fixes this kind of issue.
import { Form, Link } from "@remix-run/react";

import { primaryButtonClass } from "~/components/form-styles";
import { Timestamp } from "~/components/time";

export function FixPanel({
  issue,
  reverifiable,
  target,
  canManage,
  busy,
}: {
  issue: { kind: string; subject: { type: string; id: string }; openedAt: string };
  reverifiable: number;
  target: { id: string; name: string; deleted: boolean } | null;
  canManage: boolean;
  busy: string | null;
}) {
  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="fix">
      <h2 id="fix" className="text-sm font-semibold">
        Fix it
      </h2>
      <div className="mt-2 text-sm text-slate-700">
        {issue.kind === "verification_failures" ? (
          <>
            <p>
              If the signing secret was rotated in Clerk, update it in{" "}
              <Link to="/settings/sources" className="text-indigo-700 underline">
                Settings → Sources
              </Link>{" "}
              (or <code>CLERK_WEBHOOK_SIGNING_SECRET</code>), then re-verify: the stored deliveries become the events they would have been.
            </p>
            {canManage && reverifiable > 0 ? (
              <Form method="post" className="mt-3">
                <button type="submit" name="intent" value="reverify" className={primaryButtonClass} disabled={busy === "reverify"}>
                  {busy === "reverify" ? "Re-verifying…" : `Re-verify the ${reverifiable} failed ${reverifiable === 1 ? "delivery" : "deliveries"}`}
                </button>
              </Form>
            ) : (
              <p className="mt-2 text-slate-500">{reverifiable === 0 ? "No failed deliveries are left to re-verify." : "Operators and admins can re-verify."}</p>
            )}
            <Link to={`/deliveries?source=${encodeURIComponent(issue.subject.id)}`} className="mt-2 inline-block text-indigo-700 underline">
              See the failed deliveries
            </Link>
          </>
        ) : null}
        {issue.subject.type === "target" ? (
          <div className="flex flex-wrap items-center gap-3">
            {target && !target.deleted ? (
              <Link to={`/targets/${target.id}`} className="text-indigo-700 underline">
                Open the target {target.name}
              </Link>
            ) : (
              <span className="text-slate-500">The target was deleted.</span>
            )}
            {canManage && target && !target.deleted ? (
              <Form method="post">
                <button type="submit" name="intent" value="retry-failed" className={primaryButtonClass} disabled={busy === "retry-failed"}>
                  Retry everything that failed since <Timestamp iso={new Date(Date.parse(issue.openedAt) - 3600_000).toISOString()} />
                </button>
              </Form>
            ) : null}
          </div>
        ) : null}
        {issue.subject.type === "subscription" ? (
          <Link to={`/billing/subscriptions/${encodeURIComponent(issue.subject.id)}`} className="text-indigo-700 underline">
            Open the subscription
          </Link>
        ) : null}
        {issue.kind === "source_silent" ? (
          <p>
            Check the endpoint in the Clerk Dashboard (Webhooks → the endpoint's message attempts), and that this server is reachable from Svix.{" "}
            <Link to={`/deliveries?source=${encodeURIComponent(issue.subject.id)}&outcome=all`} className="text-indigo-700 underline">
              Latest deliveries
            </Link>
          </p>
        ) : null}
        {issue.kind === "unknown_event_type" ? (
          <p>
            Clerk sent a type Hookline's catalog does not know yet. It is stored and browsable like any other.{" "}
            <Link to={`/events?type=${encodeURIComponent(issue.subject.id)}`} className="text-indigo-700 underline">
              See these events
            </Link>
          </p>
        ) : null}
      </div>
    </section>
  );
}
