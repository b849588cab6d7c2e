// Masked one-time codes and message bodies, and the operator's audited "Reveal".
import { Form } from "@remix-run/react";

import type { EventDetail } from "~/events/event-detail.server";

export function RedactionNotice({ detail, mayReveal, busy }: { detail: EventDetail; mayReveal: boolean; busy: boolean }) {
  if (detail.revealed) {
    return (
      <div role="status" className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="revealed-notice">
        <strong>Revealed.</strong> One-time codes and message bodies are shown unmasked; this was recorded in the audit log. Reload the page to mask them again.
      </div>
    );
  }
  return (
    <div className="mt-4 flex flex-wrap items-center gap-3 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="redaction-notice">
      <p>
        <strong>Masked:</strong> one-time codes and the message body ({detail.maskedPaths.length} field{detail.maskedPaths.length === 1 ? "" : "s"}) are hidden
        {mayReveal ? "." : ". Viewers cannot reveal them; ask an operator."}
      </p>
      {mayReveal ? (
        <Form method="post" className="ml-auto flex items-center gap-2">
          <span className="text-xs text-slate-500">Revealing is recorded in the audit log.</span>
          <button
            type="submit"
            name="intent"
            value="reveal"
            disabled={busy}
            className="rounded-md bg-amber-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-700 disabled:opacity-60"
          >
            {busy ? "Revealing…" : "Reveal"}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
