// Live mode: new rows over the event stream, polling when the stream cannot be used
// (./live-events.ts). The choice is remembered in this browser.
import { useEffect, useState } from "react";

import type { ApiEvent } from "~/events/event-query.server";
import { LIVE_INTERVAL_MS, useLiveEvents, type LiveTransport } from "./live-events";

const LIVE_KEY = "hookline:events:live";

export interface LiveState {
  on: boolean;
  available: boolean;
  transport: LiveTransport | null;
  events: ApiEvent[];
  lastUpdated: number | null;
  setOn(on: boolean): void;
}

export function useLiveMode(available: boolean, streamFilter: string | null, loadedAt: number): LiveState {
  const [on, setOnState] = useState(true);
  useEffect(() => {
    const stored = window.localStorage.getItem(LIVE_KEY);
    if (stored === "off") setOnState(false);
  }, []);
  const live = useLiveEvents(on && available, streamFilter, loadedAt);
  return {
    on,
    available,
    ...live,
    setOn(next) {
      setOnState(next);
      window.localStorage.setItem(LIVE_KEY, next ? "on" : "off");
    },
  };
}

export function LiveToggle({ live }: { live: LiveState }) {
  if (!live.available) {
    return (
      <span className="text-xs text-slate-500" title="Live updates run on the first page, newest first">
        Live updates paused on this page
      </span>
    );
  }
  return (
    <button
      type="button"
      onClick={() => live.setOn(!live.on)}
      aria-pressed={live.on}
      className={`inline-flex items-center gap-2 rounded-md border px-2.5 py-1 text-xs font-medium ${live.on ? "border-emerald-300 bg-emerald-50 text-emerald-800" : "border-slate-300 bg-white text-slate-700"}`}
      title={
        !live.on
          ? "Turn on to see new events as they arrive"
          : live.transport === "polling"
            ? `Checking for new events every ${LIVE_INTERVAL_MS / 1000} s`
            : "New events appear as they arrive"
      }
      data-testid="live-toggle"
      data-transport={live.transport ?? undefined}
    >
      <span aria-hidden className={`h-2 w-2 rounded-full ${live.on ? "animate-pulse bg-emerald-500" : "bg-slate-500"}`} />
      {live.on ? "Live" : "Live off"}
    </button>
  );
}
