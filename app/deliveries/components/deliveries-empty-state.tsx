// What /deliveries shows when nothing arrived yet, or nothing matches the filters.
import { Link } from "@remix-run/react";

/** Nothing reached ingest yet: how to point Clerk (or the sample sender) at Hookline. */
export function NoDeliveriesYet({ ingestUrl }: { ingestUrl: string }) {
  return (
    <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
      <h2 className="text-base font-semibold">No deliveries yet</h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-700">
        Point Clerk at Hookline: in the Clerk Dashboard open <strong>Webhooks → Add Endpoint</strong>, use this URL, and
        subscribe to the events you want to keep.
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">{ingestUrl}</pre>
      <p className="mt-3 max-w-2xl text-sm text-slate-700">
        Copy the endpoint&apos;s <strong>Signing Secret</strong> (<code>whsec_…</code>) into{" "}
        <code>CLERK_WEBHOOK_SIGNING_SECRET</code> and restart Hookline. To try it without Clerk, send signed sample
        events:
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">
        npx hookline send all --url {ingestUrl} --secret whsec_…
      </pre>
    </div>
  );
}

/** Deliveries exist, but none on this first page match the filters. */
export function NoMatchingDeliveries({ outcome, filtered }: { outcome: string; filtered: boolean }) {
  return (
    <div className="mt-4 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700" data-testid="empty-state">
      {outcome === "failed" ? (
        <>
          <p className="font-medium text-slate-900">No delivery failed verification{filtered ? " with these filters" : ""}.</p>
          <p className="mt-1">
            Every delivery {filtered ? "that matches" : "so far"} became an event.{" "}
            <Link to="?outcome=all" className="font-medium text-indigo-700 hover:underline">
              Show all deliveries
            </Link>
          </p>
        </>
      ) : (
        <p>
          No deliveries match these filters.{" "}
          <Link to="/deliveries?outcome=all" className="font-medium text-indigo-700 hover:underline">
            Clear the filters
          </Link>
        </p>
      )}
    </div>
  );
}

/** The setup hint when the default source has no signing secret. */
export function NoSecretNotice() {
  return (
    <div role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
      <strong>No signing secret is set for the clerk source.</strong> Deliveries to <code>/webhooks/clerk</code> are stored
      with outcome <em>No secret configured</em> and answered 503, so Svix retries them. Set{" "}
      <code>CLERK_WEBHOOK_SIGNING_SECRET</code> to the endpoint&apos;s <code>whsec_…</code> secret and restart, or store one
      in <Link to="/settings/sources" className="font-medium underline">Settings → Sources</Link>.
    </div>
  );
}
