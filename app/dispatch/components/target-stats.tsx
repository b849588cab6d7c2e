// /targets/:id's four figures over the last 24 hours: success rate, attempts, backlog, failures.
import type { TargetStats as Stats } from "../target.server";

export function TargetStats({ stats }: { stats: Stats }) {
  const rate = stats.successRate;
  return (
    <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
      <Stat
        label="Success (24 h)"
        value={rate === null ? "—" : `${(rate * 100).toFixed(rate === 1 ? 0 : 1)}%`}
        tone={rate !== null && rate < 0.95 ? "bad" : "good"}
      />
      <Stat label="Attempts (24 h)" value={stats.attempts.toLocaleString("en")} />
      <Stat label="Backlog" value={stats.backlog.toLocaleString("en")} detail={stats.retrying ? `${stats.retrying} waiting to retry` : undefined} />
      <Stat label="Failures (24 h)" value={stats.failures.toLocaleString("en")} tone={stats.failures ? "bad" : undefined} />
    </dl>
  );
}

function Stat({ label, value, detail, tone }: { label: string; value: string; detail?: string; tone?: "good" | "bad" }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className={`mt-1 text-lg font-semibold tabular-nums ${tone === "bad" ? "text-red-700" : tone === "good" ? "text-emerald-700" : "text-slate-900"}`}>{value}</dd>
      {detail ? <dd className="text-xs text-amber-700">{detail}</dd> : null}
    </div>
  );
}
