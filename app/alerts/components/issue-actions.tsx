// Acknowledge, mute (for how long) or resolve an issue that is not resolved yet: one
// form, the button pressed is the intent.
import { Form } from "@remix-run/react";

import { dangerButtonClass, secondaryButtonClass } from "~/components/form-styles";

export function IssueActions({ status }: { status: string }) {
  return (
    <Form method="post" className="mt-4 flex flex-wrap items-center gap-2">
      {status === "open" ? (
        <button type="submit" name="intent" value="acknowledge" className={secondaryButtonClass}>
          Acknowledge
        </button>
      ) : null}
      {status === "muted" ? (
        <button type="submit" name="intent" value="unmute" className={secondaryButtonClass}>
          Unmute
        </button>
      ) : (
        <>
          <select name="hours" defaultValue="24" aria-label="Mute for" className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs">
            <option value="1">1 hour</option>
            <option value="8">8 hours</option>
            <option value="24">24 hours</option>
            <option value="168">7 days</option>
          </select>
          <button type="submit" name="intent" value="mute" className={secondaryButtonClass}>
            Mute notifications
          </button>
        </>
      )}
      <button type="submit" name="intent" value="resolve" className={dangerButtonClass}>
        Resolve
      </button>
    </Form>
  );
}
