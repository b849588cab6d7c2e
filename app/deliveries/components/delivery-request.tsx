// Where a delivery came from and what Hookline answered (the delivery page's "Request").
import { Link } from "@remix-run/react";

import { Timestamp } from "~/components/time";
import type { DeliveryDetail } from "../deliveries.server";

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </>
  );
}

export function DeliveryRequest({ delivery }: { delivery: DeliveryDetail }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white" aria-labelledby="request-heading">
      <h2 id="request-heading" className="border-b border-slate-200 px-4 py-2 text-sm font-semibold">
        Request
      </h2>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 px-4 py-3 text-sm sm:grid-cols-[12rem_1fr]">
        <Field label="Received">
          <Timestamp iso={delivery.receivedAt} />
        </Field>
        <Field label="Source">
          <Link to={`/deliveries?outcome=all&source=${encodeURIComponent(delivery.source)}`} className="text-indigo-700 underline">
            {delivery.source}
          </Link>{" "}
          <span className="text-slate-600">POST /webhooks/{delivery.source}</span>
        </Field>
        <Field label="Remote address">{delivery.remoteAddr ?? "unknown"}</Field>
        <Field label="Request id">
          <span className="font-mono text-xs">{delivery.requestId ?? "none"}</span>
        </Field>
        <Field label="svix-id">
          <span className="font-mono text-xs">{delivery.svixId ?? "none"}</span>
        </Field>
        <Field label="svix-timestamp">
          {delivery.svixTimestamp ? (
            <>
              <span className="font-mono text-xs">{delivery.svixTimestamp}</span>
              {/^\d{1,12}$/.test(delivery.svixTimestamp) ? (
                <span className="ml-2 text-slate-600">
                  (<Timestamp iso={new Date(Number(delivery.svixTimestamp) * 1000).toISOString()} />)
                </span>
              ) : null}
            </>
          ) : (
            "none"
          )}
        </Field>
        <Field label="Answered">HTTP {delivery.status}</Field>
        <Field label="Size">
          {delivery.size.toLocaleString("en")} bytes
          {delivery.truncated ? <span className="ml-2 text-amber-800">(only the first 64 KiB were kept)</span> : null}
        </Field>
      </dl>
    </section>
  );
}
