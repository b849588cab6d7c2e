import { useEffect, useState } from "react";

/** A UTC timestamp with the full ISO value on hover, readable at a glance. */
export function Timestamp({ iso }: { iso: string }) {
  const date = new Date(iso);
  const text = date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {text}
    </time>
  );
}

// ---------------------------------------------------------------------------
// Relative times with the exact time on hover, in UTC or the browser's zone (issue 13, A).
// The zone is one remembered preference for the whole app.


export type TimeZoneMode = "utc" | "local";
const ZONE_KEY = "hookline:time-zone";
const ZONE_EVENT = "hookline:time-zone";

/** "2026-01-15 14:30:05 UTC", or the same in the browser's zone: 24-hour everywhere. */
export function formatExact(ms: number, zone: TimeZoneMode): string {
  const date = new Date(ms);
  if (zone === "utc") return date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
  const pad = (n: number) => String(n).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "−";
  const zoneText = `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zoneText}`;
}

/** "just now", "3 min ago", "5 h ago", "2 days ago"; in the future, "in 3 min". */
export function formatRelative(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  let text: string;
  if (s < 45) return future ? "in a few seconds" : "just now";
  else if (s < 3600) text = `${Math.max(1, Math.round(s / 60))} min`;
  else if (s < 86_400) text = `${Math.round(s / 3600)} h`;
  else if (s < 86_400 * 45) text = `${Math.round(s / 86_400)} ${Math.round(s / 86_400) === 1 ? "day" : "days"}`;
  else if (s < 86_400 * 365) text = `${Math.round(s / (86_400 * 30))} mo`;
  else text = `${(s / (86_400 * 365)).toFixed(1).replace(/\.0$/, "")} y`;
  return future ? `in ${text}` : `${text} ago`;
}

export function useTimeZoneMode(): [TimeZoneMode, (mode: TimeZoneMode) => void] {
  const [mode, setMode] = useState<TimeZoneMode>("utc");
  useEffect(() => {
    if (window.localStorage.getItem(ZONE_KEY) === "local") setMode("local");
    const onChange = (event: Event) => setMode((event as CustomEvent<TimeZoneMode>).detail);
    window.addEventListener(ZONE_EVENT, onChange);
    return () => window.removeEventListener(ZONE_EVENT, onChange);
  }, []);
  return [
    mode,
    (next) => {
      window.localStorage.setItem(ZONE_KEY, next);
      window.dispatchEvent(new CustomEvent(ZONE_EVENT, { detail: next }));
    },
  ];
}

/** The clock for relative times: null until hydrated (the server renders exact times). */
function useNow(intervalMs = 30_000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "3 min ago", with the exact time (UTC or local, as chosen) on hover and for screen readers. */
export function RelativeTime({ ms }: { ms: number }) {
  const [zone] = useTimeZoneMode();
  const now = useNow();
  const exact = formatExact(ms, zone);
  const other = formatExact(ms, zone === "utc" ? "local" : "utc");
  return (
    <time dateTime={new Date(ms).toISOString()} title={`${exact}\n${other}`} className="whitespace-nowrap tabular-nums" data-exact={exact}>
      {now === null ? exact : formatRelative(ms, now)}
    </time>
  );
}

/** The UTC / local switch for exact times; remembered in this browser. */
export function TimeZoneToggle() {
  const [zone, setZone] = useTimeZoneMode();
  return (
    <div role="group" aria-label="Exact times in" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs" data-testid="time-zone-toggle">
      {(["utc", "local"] as const).map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={zone === option}
          onClick={() => setZone(option)}
          className={`px-2 py-1 font-medium ${zone === option ? "bg-slate-800 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}
          title={option === "utc" ? "Show exact times in UTC" : "Show exact times in your browser's time zone"}
        >
          {option === "utc" ? "UTC" : "Local"}
        </button>
      ))}
    </div>
  );
}
