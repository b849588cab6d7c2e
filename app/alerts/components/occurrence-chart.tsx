// An issue's occurrences per minute (recharts). Charts measure the DOM, so they render
// in the browser only; the server sends a placeholder of the same height.
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function OccurrenceChart({ occurrences, height = 180 }: { occurrences: { at: string; count: number }[]; height?: number }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const data = occurrences.map((o) => ({ at: Date.parse(o.at), count: o.count }));
  const format = (at: number) => new Date(at).toISOString().slice(11, 16);
  const label = `Occurrences per minute (${occurrences.reduce((n, o) => n + o.count, 0)} in total)`;
  if (!mounted) return <div style={{ height }} className="animate-pulse rounded bg-slate-50" aria-label={`${label} (loading chart)`} />;
  return (
    // overflow-hidden: recharts keeps its (hidden) tooltip where it was last placed, which
    // after the window narrows can sit past the edge and widen the page.
    <div style={{ height }} role="img" aria-label={label} className="overflow-hidden">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="at" type="number" scale="time" domain={["dataMin - 60000", "dataMax + 60000"]} tickFormatter={format} tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(at) => `${format(Number(at))} UTC`} contentStyle={{ fontSize: 12 }} />
          <Bar dataKey="count" name="occurrences" fill="#e11d48" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
