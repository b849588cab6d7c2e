// A delivery's headers in arrival order; credential values masked unless revealed.
import { RevealButton } from "./reveal-button";

export function DeliveryHeaders({
  headers,
  masked,
  credentialHeaders,
  canReveal,
}: {
  headers: [string, string][];
  /** Credential values are masked (and not yet revealed). */
  masked: boolean;
  credentialHeaders: string[];
  canReveal: boolean;
}) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white" aria-labelledby="headers-heading">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <h2 id="headers-heading" className="text-sm font-semibold">
          Headers <span className="font-normal text-slate-600">({headers.length}, in arrival order)</span>
        </h2>
        {masked && canReveal ? <RevealButton what="credential headers" /> : null}
      </div>
      {masked ? (
        <p className="border-b border-amber-100 bg-amber-50 px-4 py-2 text-xs text-amber-900" data-testid="headers-masked">
          Credential headers are masked ({credentialHeaders.join(", ")})
          {canReveal ? "." : ". Viewers cannot reveal them; ask an operator."}
        </p>
      ) : null}
      {headers.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-600">No headers were stored.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Request headers</caption>
            <tbody className="divide-y divide-slate-100">
              {headers.map(([name, value], index) => (
                <tr key={`${name}-${index}`}>
                  <th scope="row" className="w-64 px-4 py-1.5 text-left align-top font-mono text-xs font-medium text-slate-700">
                    {name}
                  </th>
                  <td className="break-all px-4 py-1.5 font-mono text-xs text-slate-800">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
