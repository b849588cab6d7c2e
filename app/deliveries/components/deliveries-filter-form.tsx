// The /deliveries filter: outcome, source and time received, in the URL (a GET form).
import { Form, Link } from "@remix-run/react";

import { primaryButtonClass } from "~/components/form-styles";
import { UtcDateTimeInput } from "~/components/utc-datetime-input";
import { OUTCOME_LABELS, OUTCOMES } from "~/ingest/outcomes";
import { RANGE_LABELS, RANGE_PRESETS, type RangePreset } from "../delivery-filter";

export const selectClass =
  "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";

export function DeliveriesFilterForm({
  params,
  sources,
  outcome,
  range,
  filtered,
}: {
  params: URLSearchParams;
  sources: string[];
  outcome: string;
  range: string;
  filtered: boolean;
}) {
  return (
    <Form method="get" className="mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3" aria-label="Filter deliveries">
      <label className="text-sm">
        <span className="font-medium text-slate-700">Outcome</span>
        <select name="outcome" defaultValue={outcome} className={selectClass}>
          <option value="failed">Failed verification</option>
          <option value="all">All deliveries</option>
          <optgroup label="One outcome">
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABELS[o]}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label className="text-sm">
        <span className="font-medium text-slate-700">Source</span>
        <select name="source" defaultValue={params.get("source") ?? ""} className={selectClass}>
          <option value="">All sources</option>
          {sources.map((slug) => (
            <option key={slug} value={slug}>
              {slug}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        <span className="font-medium text-slate-700">Received</span>
        <select name="range" defaultValue={range} className={selectClass}>
          <option value="">Any time</option>
          {(Object.keys(RANGE_PRESETS) as RangePreset[]).map((preset) => (
            <option key={preset} value={preset}>
              {RANGE_LABELS[preset]}
            </option>
          ))}
          <option value="custom">Custom (from / to below)</option>
        </select>
      </label>
      <label className="text-sm" htmlFor="deliveries-from">
        <span className="font-medium text-slate-700">From (UTC)</span>
        <UtcDateTimeInput id="deliveries-from" name="from" defaultValue={params.get("from")} className={selectClass} />
      </label>
      <label className="text-sm" htmlFor="deliveries-to">
        <span className="font-medium text-slate-700">To (UTC)</span>
        <UtcDateTimeInput id="deliveries-to" name="to" defaultValue={params.get("to")} className={selectClass} />
      </label>
      <button type="submit" className={primaryButtonClass}>
        Apply
      </button>
      {filtered ? (
        <Link to="/deliveries" className="py-1.5 text-sm text-slate-600 hover:text-slate-900">
          Reset
        </Link>
      ) : null}
    </Form>
  );
}
