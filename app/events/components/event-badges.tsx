// The small coloured labels in the event page's header (not in catalog, out of order...).
const TONES = {
  amber: "bg-amber-50 text-amber-900 ring-amber-600/20",
  sky: "bg-sky-50 text-sky-800 ring-sky-600/20",
  red: "bg-red-50 text-red-800 ring-red-600/20",
  slate: "bg-slate-100 text-slate-700 ring-slate-500/20",
};

export function Badge({ tone, title, children }: { tone: keyof typeof TONES; title?: string; children: React.ReactNode }) {
  return (
    <span title={title} className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>
      {children}
    </span>
  );
}
