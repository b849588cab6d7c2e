// The stored bytes of the event's first delivery: download, copy as curl, and the text or hex.
import { CopyButton } from "~/components/copy-button";
import { DeliveryDataOut } from "~/deliveries/components/copy-as-curl";
import type { EventDetail } from "~/events/event-detail.server";

export function EventDataOut({ detail, mayReveal }: { detail: EventDetail; mayReveal: boolean }) {
  const first = detail.deliveries.find((d) => d.isFirst);
  if (!first) return null;
  return (
    <div className="mb-2">
      <DeliveryDataOut
        deliveryId={first.id}
        headers={first.headers}
        bodyText={detail.raw.hidden ? null : detail.raw.text}
        storedBytes={detail.raw.bytes}
        canDownload={mayReveal}
      />
    </div>
  );
}

export function RawBody({ detail }: { detail: EventDetail }) {
  const { raw } = detail;
  if (raw.hidden) {
    return (
      <p className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="raw-body-hidden">
        The raw body ({raw.bytes.toLocaleString("en")} bytes) is hidden because it contains a one-time code or message body; the parsed payload above shows it
        masked.
      </p>
    );
  }
  return (
    <details className="rounded-lg border border-slate-200 bg-white" open={raw.bytes < 4096}>
      <summary className="cursor-pointer px-3 py-2 text-sm text-slate-700">
        {raw.bytes.toLocaleString("en")} bytes, {raw.text !== null ? "UTF-8, exactly as received" : "not valid UTF-8: shown as hex"}
      </summary>
      <div className="border-t border-slate-100 p-3">
        {raw.text !== null ? (
          <>
            <div className="mb-2">
              <CopyButton text={raw.text} label="Copy raw body" />
            </div>
            <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all font-mono text-xs text-slate-800" data-testid="raw-body">
              {raw.text}
            </pre>
          </>
        ) : (
          <pre className="max-h-[32rem] overflow-auto font-mono text-xs text-slate-800" data-testid="raw-body-hex">
            {raw.hex?.join("\n")}
            {raw.hexTruncated ? "\n… (first 64 KiB shown)" : ""}
          </pre>
        )}
      </div>
    </details>
  );
}
