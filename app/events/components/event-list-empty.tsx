import { Link } from "@remix-run/react";

/** No event at all yet: how to get the first one in. */
export function EmptyState({ ingestUrl, secretConfigured }: { ingestUrl: string; secretConfigured: boolean }) {
  return (
    <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
      <h2 className="text-base font-semibold">No events yet</h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-700">
        Events appear here once Clerk sends a webhook that verifies. In the Clerk Dashboard open <strong>Webhooks → Add Endpoint</strong> and use this URL:
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">{ingestUrl}</pre>
      <p className="mt-3 max-w-2xl text-sm text-slate-700">
        Copy the endpoint&apos;s <strong>Signing Secret</strong> (<code>whsec_…</code>) into <code>CLERK_WEBHOOK_SIGNING_SECRET</code> and restart Hookline.
        {secretConfigured ? null : <strong className="text-amber-800"> No signing secret is set yet, so nothing can verify.</strong>} To try it without Clerk,
        send signed sample events:
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">npx hookline send all --url {ingestUrl} --secret whsec_…</pre>
      <p className="mt-3 text-sm text-slate-700">
        Deliveries that failed verification are on{" "}
        <Link to="/deliveries" className="font-medium text-indigo-700 underline">
          Deliveries
        </Link>
        .
      </p>
    </div>
  );
}

/** A filter that matches nothing, or the end of the list. */
export function NoMatches({ isFirstPage }: { isFirstPage: boolean }) {
  return (
    <div className="mt-2 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700" data-testid="no-matches">
      {isFirstPage ? (
        <>
          <p className="font-medium">No events match these filters.</p>
          <p className="mt-1">
            Widen the time range, remove a type, or{" "}
            <Link to="/events" className="font-medium text-indigo-700 underline">
              clear all filters
            </Link>
            . Text search finds an event about a second after it arrives.
          </p>
        </>
      ) : (
        <p>No older events.</p>
      )}
    </div>
  );
}
