// /targets/:id's settings for operators: the edit form, then enable/disable, rotate the
// signing secret and delete.
import { Form } from "@remix-run/react";

import { dangerButtonClass, inputClass, primaryButtonClass, secondaryButtonClass } from "~/components/form-styles";
import type { ApiTarget } from "../target.server";
import { TargetFields } from "./target-fields";

export function TargetSettings({
  target,
  saving,
  error,
}: {
  target: ApiTarget;
  saving: boolean;
  /** The failed update's message and the field it names. */
  error: { message: string; field: string | null } | null;
}) {
  return (
    <section className="mt-8 rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="edit-heading">
      <h2 id="edit-heading" className="text-base font-semibold">
        Settings
      </h2>
      <Form method="post" className="mt-4 space-y-4" key={target.updatedAt}>
        <input type="hidden" name="intent" value="update" />
        <TargetFields mode="edit" values={target} errorField={error?.field ?? null} />
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error.message}
          </p>
        ) : null}
        <button type="submit" className={primaryButtonClass} disabled={saving}>
          {saving ? "Saving…" : "Save changes"}
        </button>
      </Form>

      <div className="mt-6 flex flex-wrap items-end gap-6 border-t border-slate-100 pt-4">
        <Form method="post">
          <input type="hidden" name="intent" value={target.enabled ? "disable" : "enable"} />
          <button type="submit" className={secondaryButtonClass}>
            {target.enabled ? "Disable" : "Enable"}
          </button>
        </Form>
        <Form method="post" className="flex min-w-0 flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="rotate" />
          <label className="block min-w-0 text-xs">
            <span className="font-medium text-slate-700">New secret (empty = generate)</span>
            <input name="secret" autoComplete="off" spellCheck={false} className={`${inputClass} w-64 max-w-full font-mono`} placeholder="whsec_…" />
          </label>
          <button type="submit" className={secondaryButtonClass}>
            Rotate secret
          </button>
        </Form>
        <Form
          method="post"
          onSubmit={(event) => {
            if (!window.confirm(`Delete target "${target.name}"? Waiting sends are canceled.`)) event.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value="delete" />
          <button type="submit" className={dangerButtonClass}>
            Delete target
          </button>
        </Form>
      </div>
    </section>
  );
}
