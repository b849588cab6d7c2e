// A delivery's body as the viewer may see it: text, masked envelope, hex dump or hidden.
// Payloads are attacker-controlled: always rendered as text.
import type { DeliveryBodyView, DeliveryDetail } from "../deliveries.server";
import { DeliveryDataOut } from "./copy-as-curl";
import { RevealButton } from "./reveal-button";

export function DeliveryBody({
  delivery,
  body,
  headers,
  canOperate,
}: {
  delivery: DeliveryDetail;
  body: DeliveryBodyView;
  headers: [string, string][];
  canOperate: boolean;
}) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white" aria-labelledby="body-heading">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <h2 id="body-heading" className="text-sm font-semibold">
          Body
        </h2>
        {body.kind === "masked" && body.canReveal ? <RevealButton what="codes and message bodies" /> : null}
      </div>
      <div className="border-b border-slate-100 px-4 py-2">
        <DeliveryDataOut
          deliveryId={delivery.id}
          headers={headers}
          bodyText={body.kind === "text" && !body.clipped ? body.text : null}
          storedBytes={delivery.truncated ? Math.min(delivery.size, 64 * 1024) : delivery.size}
          canDownload={canOperate}
        />
      </div>
      <BodyView body={body} />
    </section>
  );
}

function BodyView({ body }: { body: DeliveryBodyView }) {
  const pre = "max-h-[36rem] overflow-auto whitespace-pre-wrap break-all px-4 py-3 font-mono text-xs text-slate-800";
  switch (body.kind) {
    case "empty":
      return <p className="px-4 py-3 text-sm text-slate-600">The body was empty.</p>;
    case "hidden":
      return (
        <p className="px-4 py-3 text-sm text-slate-600" data-testid="body-hidden">
          {body.reason}
        </p>
      );
    case "masked":
      return (
        <div>
          <p className="border-b border-amber-100 bg-amber-50 px-4 py-2 text-xs text-amber-900" data-testid="body-masked">
            One-time codes and message bodies are masked ({body.maskedPaths.join(", ")}); shown re-formatted.
          </p>
          <pre className={pre} data-testid="delivery-body">
            {body.text}
          </pre>
        </div>
      );
    case "hex":
      return (
        <div>
          <p className="border-b border-slate-100 px-4 py-2 text-xs text-slate-600">
            Not valid UTF-8: shown as a hex dump{body.clipped ? " (the first 16 KiB)" : ""}.
          </p>
          <pre className={`${pre} whitespace-pre`} data-testid="delivery-body">
            {body.lines.join("\n")}
          </pre>
        </div>
      );
    case "text":
      return (
        <div>
          {body.clipped ? <p className="border-b border-slate-100 px-4 py-2 text-xs text-slate-600">Showing the first 256 KiB.</p> : null}
          <pre className={pre} data-testid="delivery-body">
            {body.text}
          </pre>
        </div>
      );
  }
}
