// The fields of the create and edit target forms.
import { cloneElement, useId } from "react";

import { inputClass } from "~/components/form-styles";
import { TARGET_LIMITS } from "../target-input";

export interface TargetFieldValues {
  name: string;
  url: string;
  eventTypes: string[];
  autoForward: boolean;
  timeoutMs: number;
  maxPerSecond: number | null;
  concurrency: number;
  headerNames: string[];
}

/** A labelled input; the hint is its description (aria-describedby), not part of its name. */
function Field({ label, hint, error, children }: { label: string; hint?: React.ReactNode; error?: boolean; children: React.ReactElement }) {
  const id = useId();
  return (
    <div className="text-sm">
      <label htmlFor={id} className={`font-medium ${error ? "text-red-700" : "text-slate-700"}`}>
        {label}
      </label>
      {cloneElement(children, { id, "aria-describedby": hint ? `${id}-hint` : undefined })}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TargetFields({
  values,
  mode,
  errorField,
}: {
  values?: TargetFieldValues;
  mode: "create" | "edit";
  errorField?: string | null;
}) {
  const invalid = (name: string) => (errorField === name ? { "aria-invalid": true as const } : {});
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Name" error={errorField === "name"}>
        <input name="name" required maxLength={100} defaultValue={values?.name} className={inputClass} placeholder="Users service (prod)" {...invalid("name")} />
      </Field>
      <Field label="URL" hint="Private and loopback addresses are allowed; cloud metadata addresses never are." error={errorField === "url"}>
        <input name="url" type="url" required defaultValue={values?.url} className={inputClass} placeholder="https://api.internal/webhooks/clerk" {...invalid("url")} />
      </Field>
      {mode === "create" ? (
        <Field
          label="Signing secret (optional)"
          hint="Leave empty to generate a whsec_ secret, or paste the one your consumer already verifies with. Shown once."
          error={errorField === "secret"}
        >
          <input name="secret" autoComplete="off" spellCheck={false} className={`${inputClass} font-mono`} placeholder="whsec_…" {...invalid("secret")} />
        </Field>
      ) : null}
      <Field
        label="Event types"
        hint="Comma or newline separated; groups like user.* work. Empty means every type."
        error={errorField === "eventTypes"}
      >
        <input name="eventTypes" defaultValue={values?.eventTypes.join(", ")} className={`${inputClass} font-mono`} placeholder="user.*, organization.created" {...invalid("eventTypes")} />
      </Field>
      <Field label="Timeout (ms)" error={errorField === "timeoutMs"}>
        <input
          name="timeoutMs"
          type="number"
          min={TARGET_LIMITS.timeoutMs.min}
          max={TARGET_LIMITS.timeoutMs.max}
          defaultValue={values?.timeoutMs ?? TARGET_LIMITS.timeoutMs.default}
          className={inputClass}
          {...invalid("timeoutMs")}
        />
      </Field>
      <Field label="Max sends per second" hint="Empty for no limit." error={errorField === "maxPerSecond"}>
        <input
          name="maxPerSecond"
          type="number"
          min={TARGET_LIMITS.maxPerSecond.min}
          max={TARGET_LIMITS.maxPerSecond.max}
          defaultValue={values?.maxPerSecond ?? ""}
          className={inputClass}
          {...invalid("maxPerSecond")}
        />
      </Field>
      <Field label="Concurrency" hint="Requests in flight at once, across all Hookline instances." error={errorField === "concurrency"}>
        <input
          name="concurrency"
          type="number"
          min={TARGET_LIMITS.concurrency.min}
          max={TARGET_LIMITS.concurrency.max}
          defaultValue={values?.concurrency ?? TARGET_LIMITS.concurrency.default}
          className={inputClass}
          {...invalid("concurrency")}
        />
      </Field>
      <Field
        label="Extra headers"
        hint={
          mode === "edit" && values?.headerNames.length
            ? `One "Name: value" per line. Leave empty to keep the current ${values.headerNames.join(", ")} (values are stored encrypted and not shown).`
            : 'One "Name: value" per line, e.g. Authorization: Bearer … (stored encrypted).'
        }
        error={errorField === "headers"}
      >
        <textarea name="headers" rows={2} spellCheck={false} className={`${inputClass} font-mono`} {...invalid("headers")} />
      </Field>
      <div className="flex flex-col justify-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="autoForward" defaultChecked={values?.autoForward ?? false} className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
          <span>
            <span className="font-medium text-slate-700">Auto-forward</span>{" "}
            <span className="text-slate-500">new verified events that match</span>
          </span>
        </label>
        {mode === "edit" && values?.headerNames.length ? (
          <label className="flex items-center gap-2">
            <input type="checkbox" name="clearHeaders" className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
            <span className="text-slate-700">Remove all extra headers</span>
          </label>
        ) : null}
      </div>
    </div>
  );
}
