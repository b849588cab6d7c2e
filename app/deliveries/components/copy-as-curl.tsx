// "Download raw" and "Copy as curl" on the delivery and event pages. The curl command
// sends the delivery's exact bytes with its content type and svix-* headers; with a
// pasted secret it is re-signed here in the browser (WebCrypto), so the secret is
// never sent to Hookline. React handlers only: the page's CSP allows no inline ones.
import { useState } from "react";

import { copyText } from "~/components/copy-button";
import { buildCurlCommand, curlHeaders, DEFAULT_CURL_URL, isSigningSecret, resignHeaders } from "../curl-command";

export interface DataOutProps {
  deliveryId: string;
  /** Headers as shown (credential values may be masked; only content type and svix-* are used). */
  headers: [string, string][];
  /** The body as exact UTF-8 text when this page shows it unmasked, else null. */
  bodyText: string | null;
  /** Bytes stored (to check that the text is the whole body). */
  storedBytes: number;
  /** Operators and admins: may download the raw bytes (audited). */
  canDownload: boolean;
}

export function DeliveryDataOut(props: DataOutProps) {
  return (
    <div className="flex flex-wrap items-start gap-2" data-testid="data-out">
      {props.canDownload ? (
        <a
          href={`/deliveries/${props.deliveryId}/raw`}
          download
          className="rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
          title="The exact bytes as received (recorded in the audit log)"
          data-testid="download-raw"
        >
          Download raw
        </a>
      ) : null}
      <CopyAsCurl {...props} />
    </div>
  );
}

function CopyAsCurl({ deliveryId, headers, bodyText, storedBytes, canDownload }: DataOutProps) {
  const [url, setUrl] = useState(DEFAULT_CURL_URL);
  const [resign, setResign] = useState(false);
  const [secret, setSecret] = useState("");
  const [command, setCommand] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const textIsExact = bodyText !== null && new TextEncoder().encode(bodyText).length === storedBytes;
  const available = textIsExact || canDownload;

  async function bodyBytes(): Promise<Uint8Array> {
    if (textIsExact) return new TextEncoder().encode(bodyText!);
    // Masked on the page (or not UTF-8): the exact bytes, as "Download raw" gets them (audited).
    const response = await fetch(`/deliveries/${deliveryId}/raw`, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`Could not read the raw body (HTTP ${response.status}).`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async function build() {
    setStatus(null);
    try {
      if (resign && !isSigningSecret(secret)) throw new Error("Paste the endpoint's signing secret (whsec_…) to re-sign.");
      const body = await bodyBytes();
      const sent = curlHeaders(headers);
      const text = buildCurlCommand({ url: url.trim() || DEFAULT_CURL_URL, headers: resign ? await resignHeaders(sent, body, secret) : sent, body });
      setCommand(text);
      setStatus((await copyText(text)) ? "Copied to the clipboard." : "Select the command below and copy it.");
    } catch (error) {
      setCommand(null);
      setStatus((error as Error).message);
    }
  }

  return (
    <details className="min-w-0 flex-1 rounded border border-slate-200 bg-white text-xs" data-testid="copy-as-curl">
      <summary className="cursor-pointer px-2 py-1 font-medium text-slate-700">Copy as curl</summary>
      {!available ? (
        <p className="border-t border-slate-100 px-3 py-2 text-slate-600">The body is masked for your role, so there is no exact request to copy. Ask an operator.</p>
      ) : (
        <div className="space-y-2 border-t border-slate-100 px-3 py-2">
          <label className="block">
            <span className="font-medium text-slate-600">Send to</span>
            <input
              type="url"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              className="mt-1 block w-full max-w-xl rounded border border-slate-300 px-2 py-1 font-mono"
              data-testid="curl-url"
            />
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={resign} onChange={(event) => setResign(event.target.checked)} data-testid="curl-resign" />
            <span>Re-sign with a fresh timestamp</span>
          </label>
          {resign ? (
            <label className="block">
              <span className="font-medium text-slate-600">Your endpoint&apos;s signing secret</span>
              {/* No name and no form: the secret never leaves this page. */}
              <input
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={secret}
                onChange={(event) => setSecret(event.target.value)}
                placeholder="whsec_…"
                className="mt-1 block w-full max-w-xl rounded border border-slate-300 px-2 py-1 font-mono"
                data-testid="curl-secret"
              />
              <span className="mt-1 block text-slate-500">Signed in this browser with WebCrypto; the secret is not sent to Hookline.</span>
            </label>
          ) : (
            <p className="text-amber-800">
              Without re-signing the command carries the original svix-signature and svix-timestamp: a receiver that checks Svix&apos;s 5-minute
              tolerance (svix, Clerk&apos;s verifyWebhook) will refuse it.
            </p>
          )}
          <button
            type="button"
            onClick={() => void build()}
            className="rounded bg-indigo-600 px-2 py-1 font-semibold text-white hover:bg-indigo-500"
            data-testid="curl-copy"
          >
            Copy command
          </button>
          {status ? (
            <p role="status" className="text-slate-600" data-testid="curl-status">
              {status}
            </p>
          ) : null}
          {command ? (
            <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 font-mono text-[11px] text-slate-100" data-testid="curl-command">
              {command}
            </pre>
          ) : null}
        </div>
      )}
    </details>
  );
}
