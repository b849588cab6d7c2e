// The dry run's inputs on /replays/new: the target, what to select (types, resource,
// time range) and whether events outside the target's types go too. A GET form, so
// the preview below is the loader's answer for exactly what the URL says; it
// re-submits itself as the choice changes (text fields after a pause).
import { Form, useSubmit } from "@remix-run/react";
import { useRef } from "react";

import { inputClass, secondaryButtonClass } from "~/components/form-styles";
import { UtcDateTimeInput } from "~/components/utc-datetime-input";
import type { TargetChoice } from "./target-picker";

export interface SelectionValues {
  type: string;
  resource: string;
  from: string;
  to: string;
  /** Carried unchanged: set on the event list, not editable here. */
  hidden: [string, string][];
  eventIds: string[];
}

export function ReplaySelectionForm({
  targets,
  targetId,
  values,
  outside,
  includeOutsideTypes,
  busy,
}: {
  targets: TargetChoice[];
  targetId: string | null;
  values: SelectionValues;
  outside: number;
  includeOutsideTypes: boolean;
  busy: boolean;
}) {
  const submit = useSubmit();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const update = (form: HTMLFormElement, delay: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => submit(form, { replace: true, preventScrollReset: true }), delay);
  };
  const byIds = values.eventIds.length > 0;

  return (
    <Form
      method="get"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-5"
      aria-label="What to replay"
      onChange={(event) => {
        const field = event.target as HTMLInputElement | HTMLSelectElement;
        // A date still being typed does not match its pattern yet: wait for it.
        if (!field.checkValidity()) return;
        update(event.currentTarget, field.type === "text" ? 600 : 0);
      }}
    >
      <div className="text-sm">
        <label htmlFor="replay-target" className="font-medium text-slate-700">
          Target
        </label>
        <select id="replay-target" name="targetId" className={inputClass} defaultValue={targetId ?? ""}>
          <option value="" disabled>
            Choose a target…
          </option>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} — {t.url}
            </option>
          ))}
        </select>
      </div>
      {byIds ? (
        values.eventIds.map((id) => <input key={id} type="hidden" name="eventId" value={id} />)
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block text-sm" htmlFor="replay-type">
            <span className="font-medium text-slate-700">Event types</span>
            <input id="replay-type" name="type" type="text" defaultValue={values.type} placeholder="all types, or user.*, session.ended" className={`${inputClass} font-mono`} />
          </label>
          <label className="block text-sm" htmlFor="replay-resource">
            <span className="font-medium text-slate-700">Resource id</span>
            <input id="replay-resource" name="resource" type="text" defaultValue={values.resource} placeholder="user_…, org_…, sess_…" className={`${inputClass} font-mono`} />
          </label>
          <label className="block text-sm" htmlFor="replay-from">
            <span className="font-medium text-slate-700">From (UTC)</span>
            <UtcDateTimeInput id="replay-from" name="from" defaultValue={values.from} className={inputClass} />
          </label>
          <label className="block text-sm" htmlFor="replay-to">
            <span className="font-medium text-slate-700">To (UTC)</span>
            <UtcDateTimeInput id="replay-to" name="to" defaultValue={values.to} className={inputClass} />
          </label>
        </div>
      )}
      {values.hidden.map(([name, value]) => (
        <input key={`${name}=${value}`} type="hidden" name={name} value={value} />
      ))}
      {outside > 0 || includeOutsideTypes ? (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            name="outside"
            value="include"
            defaultChecked={includeOutsideTypes}
            className="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600"
          />
          <span className="text-slate-700">
            Also send the {outside.toLocaleString("en")} event{outside === 1 ? "" : "s"} outside the target&apos;s event types
            <span className="block text-xs text-slate-600">Left out unless you tick this: the target did not ask for them.</span>
          </span>
        </label>
      ) : null}
      <div className="flex items-center gap-3">
        <button type="submit" className={secondaryButtonClass}>
          Update preview
        </button>
        <span role="status" className="text-xs text-slate-600">
          {busy ? "Counting…" : ""}
        </span>
      </div>
    </Form>
  );
}
