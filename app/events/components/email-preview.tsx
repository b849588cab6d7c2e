// An `email.created` event's HTML body, rendered in a sandbox.
import type { EventDetail } from "~/events/event-detail.server";
import { REDACTED } from "~/events/redaction";
import { Section } from "./event-section";

// A content security policy inside the preview document: no scripts (the sandbox
// already forbids them), and no remote loads, so opening an email cannot ping a
// tracking pixel or fetch anything the sender chose.
const PREVIEW_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:">`;

export function EmailPreview({ detail }: { detail: EventDetail }) {
  const data = (detail.payload as { data?: { body?: unknown; subject?: unknown; to_email_address?: unknown } } | null)?.data;
  const body = typeof data?.body === "string" ? data.body : null;
  const masked = body === REDACTED;
  return (
    <Section title="Email preview" id="email-preview">
      {body === null ? (
        <p className="text-sm text-slate-600">This email has no HTML body.</p>
      ) : masked ? (
        <p className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="email-preview-masked">
          The email body is masked because it carries a one-time code.
        </p>
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
          <p className="border-b border-slate-100 px-3 py-2 text-xs text-slate-600">
            To <span className="font-mono">{String(data?.to_email_address ?? "?")}</span> · “{String(data?.subject ?? "")}” · rendered in a sandbox without
            scripts or remote images
          </p>
          {/* sandbox="" : no scripts, forms, popups or same-origin access; the HTML never enters this page's DOM. */}
          <iframe title="Email preview" sandbox="" srcDoc={PREVIEW_CSP + body} className="h-[28rem] w-full bg-white" data-testid="email-preview" />
        </div>
      )}
    </Section>
  );
}

/** Download raw and Copy as curl for the delivery whose bytes are the payload. */
