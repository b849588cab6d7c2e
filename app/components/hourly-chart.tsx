// A stacked bar chart of counts per hour (recharts). Charts measure the DOM, so they
// render in the browser only; the server sends a placeholder of the same height.
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const PALETTE = ["#4f46e5", "#0891b2", "#16a34a", "#ca8a04", "#dc2626", "#9333ea", "#db2777", "#0d9488", "#ea580c", "#2563eb", "#65a30d", "#475569", "#7c3aed", "#be123c", "#0369a1"];

export function colorFor(key: string, keys: string[]): string {
  return PALETTE[keys.indexOf(key) % PALETTE.length] ?? "#64748b";
}

/** Whether the page is in dark mode (the `dark` class on <html>, app/components/theme.tsx), following changes. */
export function useDarkMode(): boolean {
  const [dark, setDark] = useState(false);
  useEffect(() => {
    const root = document.documentElement;
    const read = () => setDark(root.classList.contains("dark"));
    read();
    const observer = new MutationObserver(read);
    observer.observe(root, { attributes: true, attributeFilter: ["class"] });
    return () => observer.disconnect();
  }, []);
  return dark;
}

export function HourlyChart({
  series,
  keys,
  label,
  height = 220,
  color,
  nameFor,
}: {
  series: { hour: number; counts: Record<string, number> }[];
  keys: string[];
  label: string;
  height?: number;
  /** A fixed colour per key (outcomes: outcomeChartColor); by default, keys take the palette in turn. */
  color?: (key: string, dark: boolean) => string;
  /** The legend and tooltip name of a key (outcomes: their labels); the key itself by default. */
  nameFor?: (key: string) => string;
}) {
  const dark = useDarkMode();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const data = series.map((bucket) => ({ hour: bucket.hour, ...bucket.counts }));
  const multiDay = series.length > 24;
  const format = (hour: number) => {
    const d = new Date(hour);
    const time = `${String(d.getUTCHours()).padStart(2, "0")}:00`;
    return multiDay ? `${d.getUTCMonth() + 1}/${d.getUTCDate()} ${time}` : time;
  };
  if (!mounted) return <div style={{ height }} className="animate-pulse rounded bg-slate-50" aria-label={`${label} (loading chart)`} />;
  return (
    <div style={{ height }} role="img" aria-label={label} className="min-w-0">
      {/* The label describes the chart; its drawing is hidden from assistive tech (axe aria-roles). */}
      <div aria-hidden className="h-full">
        <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={dark ? "#334155" : "#e2e8f0"} />
          <XAxis dataKey="hour" tickFormatter={format} tick={{ fontSize: 11, fill: dark ? "#cbd5e1" : "#475569" }} minTickGap={24} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: dark ? "#cbd5e1" : "#475569" }} />
          <Tooltip labelFormatter={(hour) => `${format(Number(hour))} UTC`} contentStyle={{ fontSize: 12, ...(dark ? { background: "#0f172a", borderColor: "#334155", color: "#e2e8f0" } : {}) }} />
          {/* Legend text in the text colour, not the series colour (an amber label on white is under 4.5:1); the swatch carries the colour. */}
          <Legend wrapperStyle={{ fontSize: 11 }} formatter={(value: string) => <span style={{ color: dark ? "#cbd5e1" : "#334155" }}>{value}</span>} />
          {keys.map((key) => (
            <Bar key={key} dataKey={key} name={nameFor ? nameFor(key) : key} stackId="a" fill={color ? color(key, dark) : colorFor(key, keys)} isAnimationActive={false} />
          ))}
        </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
