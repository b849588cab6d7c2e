// Live mode of the /events page: new rows come over the event stream
// (GET /api/v1/events/stream, EventSource) and are merged into the page, with no request
// while nothing happens. When the stream cannot connect (a proxy that refuses event
// streams, an old server) or the filter is one the stream cannot apply (text search,
// duplicates only, an end time), it falls back to re-running the loader every few seconds.
import { useRevalidator, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

import type { ApiEvent } from "~/events/event-query.server";

/** Polling fallback: re-run the loader this often while the tab is visible. */
export const LIVE_INTERVAL_MS = 3000;
/** Opening the stream fails this many times before any event came: poll instead. */
const FAILURES_BEFORE_POLLING = 3;
/** The stream starts this long before the page was loaded, so nothing between the two is missed. */
const OVERLAP_MS = 2000;
const STREAM_PARAMS = ["type", "source", "resource"];
const UNSUPPORTED_PARAMS = ["q", "outcome", "to"];

export type LiveTransport = "stream" | "polling";

export interface LiveEvents {
  transport: LiveTransport | null;
  /** Events that came over the stream since the page loaded. */
  events: ApiEvent[];
  lastUpdated: number | null;
}

/** The stream's filter for the page's filter, or null when the stream cannot apply it. */
export function streamFilterFor(searchParams: URLSearchParams): string | null {
  if (UNSUPPORTED_PARAMS.some((name) => searchParams.get(name)?.trim())) return null;
  const params = new URLSearchParams();
  for (const name of STREAM_PARAMS) {
    for (const value of searchParams.getAll(name)) if (value.trim()) params.append(name, value);
  }
  return params.toString();
}

/**
 * `streamFilter`: from streamFilterFor(); `loadedAt`: the server time of the loader's
 * data, which the streamed rows are merged into (they start from just before it).
 */
export function useLiveEvents(on: boolean, streamFilter: string | null, loadedAt: number): LiveEvents {
  const [transport, setTransport] = useState<LiveTransport | null>(null);
  const [events, setEvents] = useState<ApiEvent[]>([]);
  const [lastUpdated, setLastUpdated] = useState<number | null>(null);
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const busy = useRef(false);
  busy.current = revalidator.state !== "idle" || navigation.state !== "idle";
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  /** Once the stream failed on this page, stay on polling until the filter changes. */
  const [streamFailed, setStreamFailed] = useState(false);
  useEffect(() => setStreamFailed(false), [streamFilter]);

  const useStream = on && streamFilter !== null && !streamFailed && typeof EventSource !== "undefined";
  const streamUrl = useStream
    ? `/api/v1/events/stream?${streamFilter ? `${streamFilter}&` : ""}since=${encodeURIComponent(new Date(loadedAt - OVERLAP_MS).toISOString())}`
    : null;

  useEffect(() => {
    setEvents([]);
    if (!streamUrl) return;
    const source = new EventSource(streamUrl, { withCredentials: true });
    let failures = 0;
    let opened = false;
    let pending: ApiEvent[] = [];
    let frame = 0;
    source.onopen = () => {
      opened = true;
      failures = 0;
      setTransport("stream");
      setLastUpdated(Date.now());
    };
    source.addEventListener("event", (message) => {
      pending.push(JSON.parse((message as MessageEvent<string>).data) as ApiEvent);
      // A burst becomes one render.
      if (!frame) {
        frame = window.setTimeout(() => {
          frame = 0;
          const batch = pending;
          pending = [];
          setEvents((current) => [...current, ...batch]);
          setLastUpdated(Date.now());
        }, 100);
      }
    });
    source.onerror = () => {
      // EventSource retries by itself (after a restart it resumes with Last-Event-ID);
      // it gives up (CLOSED) on an HTTP error. Never opening at all means no stream here.
      failures++;
      if (source.readyState === EventSource.CLOSED || (!opened && failures >= FAILURES_BEFORE_POLLING)) {
        source.close();
        setStreamFailed(true);
      }
    };
    return () => {
      source.close();
      window.clearTimeout(frame);
    };
  }, [streamUrl]);

  const poll = on && !useStream;
  useEffect(() => {
    if (!poll) return;
    setTransport("polling");
    setLastUpdated(Date.now());
    const timer = window.setInterval(() => {
      if (document.visibilityState !== "visible" || busy.current) return;
      revalidate.current();
      setLastUpdated(Date.now());
    }, LIVE_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, [poll]);

  useEffect(() => {
    if (!on) setTransport(null);
  }, [on]);

  return { transport: on ? transport : null, events, lastUpdated };
}

/**
 * The page's rows with the streamed ones merged in: one row per id, in the page's order
 * (envelope time or arrival, newest first), no more rows than the page size.
 */
export function mergeLiveEvents(pageEvents: ApiEvent[], live: ApiEvent[], sort: "timestamp" | "received", limit: number): ApiEvent[] {
  if (live.length === 0) return pageEvents;
  const byId = new Map(pageEvents.map((event) => [event.id, event]));
  for (const event of live) byId.set(event.id, event);
  const rows = [...byId.values()];
  rows.sort((a, b) => {
    if (sort === "timestamp" && a.timestamp !== b.timestamp) return b.timestamp - a.timestamp;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
  return rows.slice(0, Math.max(limit, pageEvents.length));
}
