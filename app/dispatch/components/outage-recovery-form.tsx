// Outage recovery: a target and a time window; replays what the target never
// received successfully in it. Posts to the /replays action.
import { Form, useNavigation } from "@remix-run/react";

import { inputClass, primaryButtonClass } from "~/components/form-styles";
import { UtcDateTimeInput } from "~/components/utc-datetime-input";

export function OutageRecoveryForm({
  targets,
  fixedTargetId,
  error,
  defaultFrom,
  defaultTo,
}: {
  targets: { id: string; name: string; enabled: boolean }[];
  fixedTargetId?: string;
  error?: string | null;
  defaultFrom: string;
  defaultTo: string;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "recover";
  const idPrefix = `recover-${fixedTargetId ?? "any"}`;
  return (
    <Form method="post" action="/replays?index" className="space-y-3" aria-labelledby="recover-heading">
      <input type="hidden" name="intent" value="recover" />
      <div className={`grid gap-3 ${fixedTargetId ? "sm:grid-cols-2" : "sm:grid-cols-3"}`}>
        {fixedTargetId ? (
          <input type="hidden" name="targetId" value={fixedTargetId} />
        ) : (
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Target</span>
            <select name="targetId" required className={inputClass} defaultValue="">
              <option value="" disabled>
                Choose a target…
              </option>
              {targets.map((t) => (
                <option key={t.id} value={t.id} disabled={!t.enabled}>
                  {t.name}
                  {t.enabled ? "" : " (disabled)"}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="block text-sm" htmlFor={`${idPrefix}-from`}>
          <span className="font-medium text-slate-700">Down from (UTC)</span>
          <UtcDateTimeInput id={`${idPrefix}-from`} name="from" required defaultValue={defaultFrom} className={inputClass} />
        </label>
        <label className="block text-sm" htmlFor={`${idPrefix}-to`}>
          <span className="font-medium text-slate-700">Until (UTC)</span>
          <UtcDateTimeInput id={`${idPrefix}-to`} name="to" required defaultValue={defaultTo} className={inputClass} />
        </label>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="includeNeverSent" defaultChecked className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
        <span className="text-slate-700">Also send events that were never sent to this target (not only the failed ones)</span>
      </label>
      <p className="text-xs text-slate-500">
        Events of the target&apos;s types in the window that it never received successfully are replayed in envelope-timestamp order, at the
        target&apos;s rate.
      </p>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <button type="submit" className={primaryButtonClass} disabled={busy}>
        {busy ? "Starting…" : "Recover outage"}
      </button>
    </Form>
  );
}

/** `2026-11-23T02:10:00` for a Date, in UTC (UtcDateTimeInput shows it as `2026-11-23 02:10:00`). */
export function toDateTimeLocal(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** A UTC date field's value (`2026-11-23 02:10:00`, or with a `T`), read as UTC. */
export function fromDateTimeLocal(value: string): Date | null {
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(trimmed)) return null;
  const date = new Date(`${trimmed.replace(" ", "T")}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}
