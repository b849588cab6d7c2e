// "Re-verify failed deliveries with the current secrets": every failed delivery of one
// source since a time, and the summary of a run (also shown by the failure groups).
import { Form, useNavigation } from "@remix-run/react";

import { primaryButtonClass } from "~/components/form-styles";
import { Timestamp } from "~/components/time";
import { UtcDateTimeInput } from "~/components/utc-datetime-input";
import { OUTCOME_LABELS } from "~/ingest/outcomes";
import type { BulkReverifySummary } from "../reverify.server";
import { FAILED_OUTCOMES } from "../delivery-filter";
import { selectClass } from "./deliveries-filter-form";

export function BulkReverify({
  sources,
  defaultSource,
  summary,
  formError,
}: {
  sources: string[];
  defaultSource: string | null;
  summary: BulkReverifySummary | null;
  formError: string | null;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "reverify-source";
  const dayAgo = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  return (
    <details className="mt-4 rounded-lg border border-slate-200 bg-white p-3 text-sm" open={Boolean(summary || formError)}>
      <summary className="cursor-pointer font-medium text-slate-800">Re-verify failed deliveries with the current secrets</summary>
      <p className="mt-2 max-w-3xl text-slate-600">
        After fixing a source&apos;s signing secret, check its stored deliveries that failed (
        {FAILED_OUTCOMES.filter((o) => o !== "missing_headers" && o !== "body_too_large").map((o) => OUTCOME_LABELS[o].toLowerCase()).join(", ")}) again. Those whose
        signature matches become events, as if they had verified on arrival; a timestamp that was outside the 5-minute tolerance
        when it arrived is flagged on the event.
      </p>
      <Form method="post" className="mt-3 flex flex-wrap items-end gap-3">
        <input type="hidden" name="intent" value="reverify-source" />
        <label className="text-sm">
          <span className="font-medium text-slate-700">Source</span>
          <select
            name="source"
            required
            defaultValue={defaultSource && sources.includes(defaultSource) ? defaultSource : sources.includes("clerk") ? "clerk" : sources[0]}
            className={selectClass}
          >
            {sources.map((slug) => (
              <option key={slug} value={slug}>
                {slug}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm" htmlFor="reverify-since">
          <span className="font-medium text-slate-700">Received since (UTC)</span>
          <UtcDateTimeInput id="reverify-since" name="since" required defaultValue={dayAgo} className={selectClass} />
        </label>
        <button type="submit" disabled={busy} className={primaryButtonClass}>
          {busy ? "Re-verifying…" : "Re-verify"}
        </button>
      </Form>
      {formError ? (
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-red-800">
          {formError}
        </p>
      ) : null}
      {summary ? <BulkSummary summary={summary} /> : null}
    </details>
  );
}

export function BulkSummary({ summary }: { summary: BulkReverifySummary }) {
  const { counts } = summary;
  const became = counts.verified + counts.duplicate;
  const what = summary.outcome ? `${OUTCOME_LABELS[summary.outcome].toLowerCase()} deliveries` : "failed deliveries";
  return (
    <div role="status" data-testid="reverify-summary" className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-emerald-900">
      {summary.checked === 0 ? (
        <p>
          No {what} of <strong>{summary.source}</strong> since <Timestamp iso={summary.since} /> can be re-verified.
        </p>
      ) : (
        <p>
          Checked {plural(summary.checked, "delivery", "deliveries")} of <strong>{summary.source}</strong>: {became} became{" "}
          {became === 1 ? "an event" : "events"}
          {counts.duplicate ? ` (${counts.duplicate} joined an event already stored)` : ""}
          {summary.outsideTolerance ? `, ${summary.outsideTolerance} flagged as outside the timestamp tolerance` : ""}; {counts.still_invalid} still
          do not verify
          {counts.malformed_payload ? `; ${counts.malformed_payload} verify but are not Clerk envelopes` : ""}.
          {summary.remaining ? " More remain: run it again." : ""}
        </p>
      )}
    </div>
  );
}

function plural(count: number, one: string, many: string) {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}
