// A new target secret, shown this once with a copy button. It is never shown again.
import { CopyButton } from "~/components/copy-button";

export function SecretOnce({ secret, title }: { secret: string; title: string }) {
  return (
    <div role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 p-4" data-testid="secret-once">
      <p className="text-sm font-semibold text-emerald-900">{title}</p>
      <p className="mt-1 text-sm text-emerald-900">
        Copy it into your consumer now (it verifies with <code>svix</code> or Clerk&apos;s <code>verifyWebhook</code>). Hookline keeps it
        encrypted and will not show it again.
      </p>
      <div className="mt-2 flex items-center gap-2">
        <code className="block overflow-x-auto rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-emerald-200" data-testid="secret-value">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy" />
      </div>
    </div>
  );
}
