// One palette for the verification outcomes: the chips, the overview's failure chart and
// the failure groups' sparklines take their colour from here, so a red chip and a red
// bar mean the same outcome. Each failed outcome has a hue of its own.
import { OUTCOME_LABELS, isOutcome, type Outcome } from "~/ingest/outcomes";

interface OutcomeColor {
  /** Chip classes. Dark mode needs no classes of its own: app/theme-dark.css swaps the tint variables (ADR 0014). */
  badge: string;
  /** Bars, lines and legend swatches: the 600 tier on light pages, the 400 tier on dark ones. */
  chart: { light: string; dark: string };
}

export const OUTCOME_COLORS: Record<Outcome, OutcomeColor> = {
  verified: { badge: "bg-emerald-50 text-emerald-800 ring-emerald-600/20", chart: { light: "#059669", dark: "#34d399" } },
  duplicate: { badge: "bg-sky-50 text-sky-800 ring-sky-600/20", chart: { light: "#0284c7", dark: "#38bdf8" } },
  invalid_signature: { badge: "bg-red-50 text-red-800 ring-red-600/20", chart: { light: "#dc2626", dark: "#f87171" } },
  timestamp_out_of_tolerance: { badge: "bg-violet-50 text-violet-800 ring-violet-600/20", chart: { light: "#7c3aed", dark: "#a78bfa" } },
  no_secret: { badge: "bg-orange-50 text-orange-900 ring-orange-600/20", chart: { light: "#ea580c", dark: "#fb923c" } },
  missing_headers: { badge: "bg-amber-50 text-amber-900 ring-amber-600/20", chart: { light: "#d97706", dark: "#fbbf24" } },
  malformed_payload: { badge: "bg-fuchsia-50 text-fuchsia-800 ring-fuchsia-600/20", chart: { light: "#c026d3", dark: "#e879f9" } },
  body_too_large: { badge: "bg-teal-50 text-teal-800 ring-teal-600/20", chart: { light: "#0d9488", dark: "#2dd4bf" } },
  unknown_source: { badge: "bg-slate-100 text-slate-700 ring-slate-500/20", chart: { light: "#64748b", dark: "#94a3b8" } },
};

/** The chart colour of an outcome (grey for anything that is not one). */
export function outcomeChartColor(outcome: string, dark = false): string {
  const color = isOutcome(outcome) ? OUTCOME_COLORS[outcome].chart : OUTCOME_COLORS.unknown_source.chart;
  return dark ? color.dark : color.light;
}

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const badge = isOutcome(outcome) ? OUTCOME_COLORS[outcome].badge : OUTCOME_COLORS.unknown_source.badge;
  return (
    <span className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${badge}`} data-outcome={outcome}>
      <span aria-hidden className="inline-block h-2 w-2 shrink-0 rounded-full" style={{ backgroundColor: outcomeChartColor(outcome) }} />
      {isOutcome(outcome) ? OUTCOME_LABELS[outcome] : outcome}
    </span>
  );
}
