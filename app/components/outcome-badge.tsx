import { OUTCOME_LABELS, isOutcome } from "~/ingest/outcomes";

const STYLES: Record<string, string> = {
  verified: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  duplicate: "bg-sky-50 text-sky-800 ring-sky-600/20",
  missing_headers: "bg-amber-50 text-amber-900 ring-amber-600/20",
  malformed_payload: "bg-amber-50 text-amber-900 ring-amber-600/20",
  body_too_large: "bg-amber-50 text-amber-900 ring-amber-600/20",
  unknown_source: "bg-slate-100 text-slate-700 ring-slate-500/20",
  no_secret: "bg-orange-50 text-orange-900 ring-orange-600/20",
  invalid_signature: "bg-red-50 text-red-800 ring-red-600/20",
  timestamp_out_of_tolerance: "bg-red-50 text-red-800 ring-red-600/20",
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[outcome] ?? STYLES.unknown_source}`}
      data-outcome={outcome}
    >
      {isOutcome(outcome) ? OUTCOME_LABELS[outcome] : outcome}
    </span>
  );
}
