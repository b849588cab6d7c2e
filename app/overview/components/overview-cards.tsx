// The overview's building blocks: a titled card and a number that links to its list.
import { Link } from "@remix-run/react";

export function Card({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
        {action}
      </div>
      {children}
    </section>
  );
}

export function CardLink({ to, children }: { to: string; children: React.ReactNode }) {
  return (
    <Link className="text-xs text-indigo-700 hover:underline" to={to}>
      {children}
    </Link>
  );
}

export function Stat({ label, value, to, tone = "slate" }: { label: string; value: number; to: string; tone?: "slate" | "red" | "amber" }) {
  const color = tone === "red" && value > 0 ? "text-red-700" : tone === "amber" && value > 0 ? "text-amber-700" : "text-slate-900";
  return (
    <Link to={to} className="rounded-lg border border-slate-200 bg-white p-4 hover:border-indigo-300">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`}>{value.toLocaleString("en")}</div>
    </Link>
  );
}
