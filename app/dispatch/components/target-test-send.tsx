// "Send a test event" on /targets/:id: one signed sample sent now, and what the target answered.
import { Form } from "@remix-run/react";

import { primaryButtonClass } from "~/components/form-styles";
import type { TestSendResult } from "../send-test-event.server";

export function TargetTestSend({ test, sending }: { test: TestSendResult | null; sending: boolean }) {
  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="test-heading">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="test-heading" className="text-base font-semibold">
          Send a test event
        </h2>
        <Form method="post">
          <input type="hidden" name="intent" value="test" />
          <button type="submit" className={primaryButtonClass} disabled={sending}>
            {sending ? "Sending…" : "Send test event"}
          </button>
        </Form>
        <span className="text-xs text-slate-500">A sample event signed with this target&apos;s secret, sent now; nothing is queued.</span>
      </div>
      {test ? (
        <div className="mt-3 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="test-result">
          <p className="break-words">
            <span className={`font-semibold ${test.ok ? "text-emerald-700" : "text-red-700"}`}>{test.ok ? "Accepted" : "Failed"}</span>{" "}
            {test.status !== null ? <span>HTTP {test.status}</span> : null} in {test.durationMs} ms · <code className="text-xs">{test.type}</code> ·{" "}
            <code className="break-all text-xs">{test.svixId}</code>
          </p>
          {test.error && !test.ok ? <p className="mt-1 break-words text-red-700">{test.error}</p> : null}
          {test.responseExcerpt ? (
            <pre className="mt-2 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-xs text-slate-700 ring-1 ring-slate-200">
              {test.responseExcerpt}
            </pre>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
