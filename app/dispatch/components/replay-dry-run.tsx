// The dry run's answer on /replays/new: what the job would send, by type, which
// types the target does not take, how many resources, and how long it should take.
import type { ReplayPreview } from "../replay-preview.server";
import { estimateReplay } from "../replay-estimate";
import { formatEta } from "./job-status";

export function ReplayDryRun({ preview, jobMaxPerSecond }: { preview: ReplayPreview; jobMaxPerSecond: number | null }) {
  const { resources, target } = preview;
  const estimate = target
    ? estimateReplay(preview.toSend, {
        targetMaxPerSecond: target.maxPerSecond,
        jobMaxPerSecond,
        concurrency: target.concurrency,
        latencyMs: target.latencyMs,
        resources: resources.exact ? resources.count : null,
      })
    : null;
  const excluded = preview.outside > 0 && !preview.includeOutsideTypes;

  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="dry-run-heading" data-testid="dry-run">
      <h2 id="dry-run-heading" className="text-base font-semibold">
        Dry run
      </h2>
      <dl className="mt-3 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
        <Figure label="Will be sent" value={preview.toSend.toLocaleString("en")} testId="dry-run-send" />
        <Figure
          label="Outside target's types"
          value={preview.outside.toLocaleString("en")}
          testId="dry-run-outside"
          detail={preview.outside ? (excluded ? "excluded" : "included") : preview.targetTypes.length ? undefined : "target takes every type"}
          tone={excluded ? "text-amber-800" : undefined}
        />
        <Figure
          label="Resources"
          value={`${resources.exact ? "" : "≥ "}${resources.count.toLocaleString("en")}`}
          testId="dry-run-resources"
          detail={resources.byType
            .slice(0, 3)
            .map((r) => `${r.count.toLocaleString("en")} ${r.resourceType}`)
            .join(" · ")}
        />
        <Figure
          label="Estimated time"
          value={estimate ? (estimate.seconds === null ? "—" : formatEta(estimate.seconds)) : "—"}
          testId="dry-run-eta"
          detail={
            !estimate
              ? "choose a target"
              : estimate.rate === null
                ? "no rate limit and no past sends to time"
                : `≈ ${formatRate(estimate.rate)}/s, set by the ${estimate.limitedBy}`
          }
        />
      </dl>
      {preview.targetTypes.length ? (
        <p className="mt-3 text-xs text-slate-600">
          The target takes <code className="rounded bg-slate-100 px-1">{preview.targetTypes.join(", ")}</code>.
        </p>
      ) : null}

      {preview.byType.length ? (
        <div className="mt-4 max-h-80 overflow-auto rounded-md border border-slate-200" tabIndex={0} role="region" aria-label="Selected events by type">
          <table className="min-w-full text-sm" aria-label="Selected events by type">
            <thead className="sticky top-0 bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Type
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Events
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Sent?
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {preview.byType.map((row) => {
                const sent = row.inTargetTypes || preview.includeOutsideTypes;
                return (
                  <tr key={row.type} data-testid="dry-run-type" data-type={row.type} data-sent={sent ? "yes" : "no"}>
                    <td className="px-3 py-1.5 font-mono text-xs break-all">{row.type}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{row.count.toLocaleString("en")}</td>
                    <td className="px-3 py-1.5 text-xs">
                      {row.inTargetTypes ? (
                        <span className="text-emerald-800">yes</span>
                      ) : sent ? (
                        <span className="text-amber-800">yes, outside the target&apos;s types</span>
                      ) : (
                        <span className="text-slate-600">no, outside the target&apos;s types</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function formatRate(rate: number): string {
  return rate >= 10 ? Math.round(rate).toLocaleString("en") : rate.toFixed(1);
}

function Figure({ label, value, detail, tone, testId }: { label: string; value: string; detail?: string; tone?: string; testId: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className={`mt-1 text-lg font-semibold tabular-nums ${tone ?? "text-slate-900"}`} data-testid={testId}>
        {value}
      </dd>
      {detail ? <dd className="text-xs text-slate-600">{detail}</dd> : null}
    </div>
  );
}
