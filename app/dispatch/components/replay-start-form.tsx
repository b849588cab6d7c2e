// The last step of /replays/new: order, pace and svix-ids, then start. It posts the
// target and the outside-types choice the dry run above was computed for, and the
// selection travels in the URL, so the job sends what the preview showed.
import { Form, useActionData, useLocation, useNavigation } from "@remix-run/react";

import { inputClass, primaryButtonClass } from "~/components/form-styles";

export function ReplayStartForm({
  targetId,
  count,
  includeOutsideTypes,
  stale,
  onRateChange,
}: {
  targetId: string | null;
  count: number;
  includeOutsideTypes: boolean;
  stale: boolean;
  onRateChange: (rate: number | null) => void;
}) {
  const failure = useActionData<{ error?: string }>();
  const navigation = useNavigation();
  const location = useLocation();
  const busy = navigation.state === "submitting";
  const label = `Replay ${count.toLocaleString("en")} event${count === 1 ? "" : "s"}`;

  return (
    <Form method="post" action={`${location.pathname}${location.search}`} className="space-y-4 rounded-lg border border-slate-200 bg-white p-5" aria-label="Start the replay">
      <input type="hidden" name="intent" value="replay" />
      <input type="hidden" name="targetId" value={targetId ?? ""} />
      <input type="hidden" name="includeOutsideTypes" value={includeOutsideTypes ? "on" : "off"} />
      <div className="grid gap-4 sm:grid-cols-3">
        <label className="block min-w-0 text-sm">
          <span className="font-medium text-slate-700">Order</span>
          <select name="order" className={inputClass} defaultValue="timestamp">
            <option value="timestamp">Envelope timestamp</option>
            <option value="received">Arrival at Hookline</option>
          </select>
        </label>
        <label className="block min-w-0 text-sm">
          <span className="font-medium text-slate-700">Max per second</span>
          <input
            name="maxPerSecond"
            type="number"
            min={1}
            max={1000}
            className={inputClass}
            placeholder="target's limit"
            onChange={(event) => {
              const value = Number(event.currentTarget.value);
              onRateChange(event.currentTarget.value !== "" && Number.isFinite(value) && value > 0 ? value : null);
            }}
          />
        </label>
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input type="checkbox" name="newSvixId" className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
          <span className="text-slate-700">New svix-ids</span>
        </label>
      </div>
      <p className="text-xs text-slate-600">
        Each event goes out with its original bytes and svix-id (so consumers stay idempotent), signed with the target&apos;s secret. One
        resource&apos;s events are sent in order even when several go out at once.
      </p>
      {failure?.error ? (
        <p role="alert" className="text-sm text-red-700">
          {failure.error}
        </p>
      ) : null}
      {!targetId ? <p className="text-sm text-slate-700">Choose a target above to start.</p> : null}
      <button type="submit" className={primaryButtonClass} disabled={busy || stale || !targetId || count === 0}>
        {busy ? "Starting…" : stale ? "Updating the dry run…" : label}
      </button>
    </Form>
  );
}
