// One colour per billing status, shared by the SVG timeline, its legend and the status
// badges, so a colour means the same thing everywhere. Browser-safe.
export interface StatusColor {
  /** SVG fill. */
  fill: string;
  /** Tailwind classes for a badge. */
  badge: string;
  label: string;
}

const COLORS: Record<string, StatusColor> = {
  active: { fill: "#10b981", badge: "bg-emerald-50 text-emerald-800 ring-emerald-600/20", label: "Active" },
  upcoming: { fill: "#38bdf8", badge: "bg-sky-50 text-sky-800 ring-sky-600/20", label: "Upcoming" },
  past_due: { fill: "#f97316", badge: "bg-orange-50 text-orange-800 ring-orange-600/30", label: "Past due" },
  incomplete: { fill: "#facc15", badge: "bg-yellow-50 text-yellow-800 ring-yellow-600/30", label: "Incomplete" },
  canceled: { fill: "#f43f5e", badge: "bg-rose-50 text-rose-800 ring-rose-600/20", label: "Canceled" },
  ended: { fill: "#94a3b8", badge: "bg-slate-100 text-slate-700 ring-slate-500/20", label: "Ended" },
  abandoned: { fill: "#cbd5e1", badge: "bg-slate-50 text-slate-600 ring-slate-400/20", label: "Abandoned" },
  expired: { fill: "#a8a29e", badge: "bg-stone-100 text-stone-700 ring-stone-500/20", label: "Expired" },
  unknown: { fill: "#e2e8f0", badge: "bg-slate-50 text-slate-500 ring-slate-300/40", label: "Unknown" },
};

export const STATUS_LEGEND_ORDER = ["upcoming", "active", "incomplete", "past_due", "canceled", "ended", "abandoned", "expired"];

export function statusColor(status: string | null | undefined): StatusColor {
  return COLORS[status ?? "unknown"] ?? { ...COLORS.unknown!, label: status ?? "Unknown" };
}

export const PAYMENT_COLORS: Record<string, { fill: string; stroke: string; label: string }> = {
  pending: { fill: "#ffffff", stroke: "#64748b", label: "Payment pending" },
  paid: { fill: "#059669", stroke: "#065f46", label: "Payment paid" },
  failed: { fill: "#dc2626", stroke: "#7f1d1d", label: "Payment failed" },
};

export const TRIAL_MARKER_COLOR = "#7c3aed";
