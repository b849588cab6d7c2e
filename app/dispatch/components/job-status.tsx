// Status badge and progress bar for replay jobs (jobs list, job page, target page).
import type { JobStatus } from "../dispatch-status";

const STATUS_STYLE: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700 ring-slate-200",
  running: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  paused: "bg-amber-50 text-amber-800 ring-amber-200",
  done: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  canceled: "bg-slate-100 text-slate-600 ring-slate-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
};

export function JobStatusBadge({ status }: { status: JobStatus | string }) {
  return (
    <span
      data-job-status={status}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[status] ?? STATUS_STYLE.queued}`}
    >
      {status}
    </span>
  );
}

/** Sent (green), failed (red), canceled (grey) over the total; the rest is left. */
export function JobProgressBar({
  total,
  sent,
  failed,
  canceled,
  size = "lg",
}: {
  total: number;
  sent: number;
  failed: number;
  canceled: number;
  size?: "sm" | "lg";
}) {
  const pct = (n: number) => (total > 0 ? Math.min(100, (n / total) * 100) : 0);
  const done = sent + failed + canceled;
  return (
    <div
      role="progressbar"
      aria-label="Replay progress"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={`${sent} sent, ${failed} failed, ${Math.max(0, total - done)} left of ${total}`}
      className={`flex w-full overflow-hidden rounded-full bg-slate-200 ${size === "lg" ? "h-3" : "h-1.5"}`}
    >
      <div className="bg-emerald-500 transition-all" style={{ width: `${pct(sent)}%` }} />
      <div className="bg-red-500 transition-all" style={{ width: `${pct(failed)}%` }} />
      <div className="bg-slate-400 transition-all" style={{ width: `${pct(canceled)}%` }} />
    </div>
  );
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
