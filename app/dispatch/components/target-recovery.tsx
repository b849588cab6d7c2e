// /targets/:id for operators: the three ways to make a consumer whole again: retry what
// failed since a time, rebuild it from each object's latest event, recover an outage.
import { Form, Link } from "@remix-run/react";

import { inputClass, primaryButtonClass } from "~/components/form-styles";
import { UtcDateTimeInput } from "~/components/utc-datetime-input";
import { OutageRecoveryForm } from "./outage-recovery-form";

export function TargetRecovery({
  targetId,
  defaults,
  retrying,
  retryError,
}: {
  targetId: string;
  /** `since` as an ISO instant; `from` and `to` as the outage form takes them. */
  defaults: { since: string; from: string; to: string };
  retrying: boolean;
  retryError: string | null;
}) {
  return (
    <section className="mt-8 grid gap-4 lg:grid-cols-2">
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="retry-heading" className="text-base font-semibold">
          Retry everything that failed
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          One job for every event whose send to this target failed since the time below and has not succeeded since. Retries still waiting are
          taken over.
        </p>
        <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" aria-labelledby="retry-heading">
          <input type="hidden" name="intent" value="retry-failed" />
          <div className="block text-sm">
            <label htmlFor="retry-since" className="font-medium text-slate-700">
              Failed since (UTC, 24-hour)
            </label>
            <UtcDateTimeInput
              id="retry-since"
              name="since"
              required
              defaultValue={defaults.since}
              className={`${inputClass} w-52 ${retryError ? "border-red-500" : ""}`}
            />
          </div>
          <button type="submit" className={primaryButtonClass} disabled={retrying}>
            {retrying ? "Starting…" : "Retry failed"}
          </button>
        </Form>
        {retryError ? (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {retryError}
          </p>
        ) : null}
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="text-base font-semibold">Rebuild a consumer</h2>
        <p className="mt-1 text-sm text-slate-600">
          It lost its database: send each user, organization, membership and billing object&apos;s latest event only (deletions included).
        </p>
        <Link to={`/replays/rebuild?targetId=${encodeURIComponent(targetId)}`} className="mt-2 inline-block text-sm text-indigo-700 hover:underline">
          See what it sends →
        </Link>
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="recover-heading" className="text-base font-semibold">
          Recover an outage
        </h2>
        <div className="mt-3">
          <OutageRecoveryForm targets={[]} fixedTargetId={targetId} defaultFrom={defaults.from} defaultTo={defaults.to} />
        </div>
      </div>
    </section>
  );
}
