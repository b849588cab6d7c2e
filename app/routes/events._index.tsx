import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type VisibilityState,
} from "@tanstack/react-table";
import { useEffect, useMemo, useRef, useState } from "react";

import { ExportLinks } from "~/export/components/export-links";
import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { OutcomeBadge } from "~/components/outcome-badge";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { eventTypeGroups } from "~/catalog/event-catalog";
import { env } from "~/config/env.server";
import { database } from "~/db/prisma.server";
import { DEFAULT_LIMIT } from "~/events/event-filter";
import { TIME_PRESETS, toDateTimeLocal, withParams } from "~/events/event-list-params";
import { loadEventListPage } from "~/events/event-list.server";
import type { ApiEvent } from "~/events/event-query.server";
import { LIVE_INTERVAL_MS, mergeLiveEvents, streamFilterFor, useLiveEvents, type LiveTransport } from "~/events/components/live-events";

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const url = new URL(request.url);
  const page = await loadEventListPage(database(), url.searchParams, { role: account.role });
  return {
    page,
    mayReplay: hasRole(account.role, "operator"),
    ingestUrl: `${url.origin}/webhooks/clerk`,
    secretConfigured: Boolean(env().CLERK_WEBHOOK_SIGNING_SECRET),
    /** Server time of this load: live mode streams from just before it. */
    loadedAt: Date.now(),
  };
}

const COLUMNS_KEY = "hookline:events:columns";
const LIVE_KEY = "hookline:events:live";
const PAGE_SIZES = [25, 50, 100, 200];

const DEFAULT_VISIBILITY: VisibilityState = { received: false };

export default function Events() {
  const { page, mayReplay, ingestUrl, secretConfigured, loadedAt } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/events";
  const live = useLiveMode(page.ok && page.isFirstPage && page.dir === "desc", streamFilterFor(searchParams), loadedAt);
  const limit = Number(searchParams.get("limit")) || DEFAULT_LIMIT;
  const events = page.ok ? mergeLiveEvents(page.events, live.events, page.sort, limit) : [];

  return (
    <div>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Events</h1>
          <p className="text-sm text-slate-600">Verified Clerk events, one per svix-id, in envelope-time order. Filters live in the URL: bookmark or share it.</p>
        </div>
        <div className="flex items-center gap-3 text-sm">
          {loading ? (
            <span className="inline-flex items-center gap-1.5 text-slate-500" role="status">
              <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
              Loading…
            </span>
          ) : null}
          <LiveToggle live={live} />
        </div>
      </div>

      <FilterForm key={searchParams.toString()} sources={page.sources} counts={page.ok ? page.typeCounts : null} />

      {!page.ok ? (
        <div role="alert" className="mt-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900" data-testid="filter-error">
          <p className="font-medium">{page.message}</p>
          <p className="mt-1">
            Fix the <code>{page.parameter}</code> field above, or{" "}
            <Link to="/events" className="font-medium underline">
              clear all filters
            </Link>
            .
          </p>
        </div>
      ) : events.length === 0 && page.isFirstPage && !page.filtered ? (
        <EmptyState ingestUrl={ingestUrl} secretConfigured={secretConfigured} />
      ) : (
        <>
          <div className="mt-4 flex flex-wrap items-center gap-3 text-sm">
            {mayReplay ? <ReplayLink key={page.filterSearch} count={page.replayCount} filterSearch={page.filterSearch} /> : null}
            <ExportLinks filterSearch={page.filterSearch} sort={page.sort} dir={page.dir} />
            <ColumnMenu />
          </div>
          <EventsTable events={events} sort={page.sort} dir={page.dir} loading={loading} liveOn={live.on && live.available} />
          {events.length === 0 ? (
            <div className="mt-2 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700" data-testid="no-matches">
              {page.isFirstPage ? (
                <>
                  <p className="font-medium">No events match these filters.</p>
                  <p className="mt-1">
                    Widen the time range, remove a type, or{" "}
                    <Link to="/events" className="font-medium text-indigo-700 hover:underline">
                      clear all filters
                    </Link>
                    . Text search finds an event about a second after it arrives.
                  </p>
                </>
              ) : (
                <p>No older events.</p>
              )}
            </div>
          ) : null}
          <nav className="mt-4 flex items-center gap-3 text-sm" aria-label="Pagination">
            {!page.isFirstPage ? (
              <Link to={`/events${withParams(searchParams, { cursor: null })}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
                ← Newest
              </Link>
            ) : null}
            {page.nextCursor ? (
              <Link
                to={`/events${withParams(searchParams, { cursor: page.nextCursor })}`}
                className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
                data-testid="next-page"
              >
                {page.dir === "desc" ? "Older" : "Newer"} →
              </Link>
            ) : null}
            <span className="text-slate-500">
              {page.events.length} on this page{page.nextCursor ? "" : page.isFirstPage ? "" : " (the last page)"}
            </span>
          </nav>
        </>
      )}
    </div>
  );
}

/**
 * The value of a streamed loader promise once it settles. Unlike <Await>, it keeps
 * showing the previous value while a live revalidation brings a new promise, so
 * counts do not flicker every few seconds.
 */
function useSettled<T>(promise: Promise<T> | null): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (!promise) return;
    let current = true;
    promise.then(
      (settled) => current && setValue(settled),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [promise]);
  return value;
}

function ReplayLink({ count, filterSearch }: { count: Promise<number> | null; filterSearch: string }) {
  const n = useSettled(count);
  if (!n) return null;
  return (
    <Link
      to={`/replays/new${filterSearch ? `?${filterSearch}` : ""}`}
      className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700"
      data-testid="replay-link"
    >
      Replay these {n.toLocaleString("en")} events
    </Link>
  );
}

// ---------------------------------------------------------------------------
// Live mode: new rows over the event stream, polling when the stream cannot be used
// (app/events/components/live-events.ts).

interface LiveState {
  on: boolean;
  available: boolean;
  transport: LiveTransport | null;
  events: ApiEvent[];
  lastUpdated: number | null;
  setOn(on: boolean): void;
}

function useLiveMode(available: boolean, streamFilter: string | null, loadedAt: number): LiveState {
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

function LiveToggle({ live }: { live: LiveState }) {
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
      <span aria-hidden className={`h-2 w-2 rounded-full ${live.on ? "animate-pulse bg-emerald-500" : "bg-slate-400"}`} />
      {live.on ? "Live" : "Live off"}
    </button>
  );
}

// ---------------------------------------------------------------------------
// Filters: one GET form, so the URL is the state.

const inputClass = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
const labelClass = "block text-xs font-medium text-slate-600";

function FilterForm({ sources, counts }: { sources: { slug: string; name: string }[]; counts: Promise<Record<string, number>> | null }) {
  const [searchParams] = useSearchParams();
  const initialRange = searchParams.get("range") ?? (searchParams.get("from") || searchParams.get("to") ? "custom" : "");
  const [range, setRange] = useState(initialRange);
  const [types, setTypes] = useState<string[]>(() => searchParams.getAll("type").flatMap((t) => t.split(",")).filter(Boolean));
  const navigation = useNavigation();

  return (
    <Form method="get" action="/events" className="mt-4 rounded-lg border border-slate-200 bg-white p-3" aria-label="Filter events" data-testid="event-filters">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-6">
        <div className="lg:col-span-2">
          <span className={labelClass} id="types-label">
            Event types
          </span>
          <TypePicker selected={types} onChange={setTypes} counts={counts} />
        </div>
        <div className="lg:col-span-2">
          <label htmlFor="resource" className={labelClass}>
            Any id
          </label>
          <input
            id="resource"
            name="resource"
            type="search"
            defaultValue={searchParams.get("resource") ?? ""}
            placeholder="user_…, org_…, sess_…, sub_…, msg_…"
            className={inputClass}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="lg:col-span-2">
          <label htmlFor="q" className={labelClass}>
            Text in the payload
          </label>
          <input id="q" name="q" type="search" defaultValue={searchParams.get("q") ?? ""} placeholder="jane@example.com" className={inputClass} />
        </div>
        <div>
          <label htmlFor="outcome" className={labelClass}>
            Outcome
          </label>
          <select id="outcome" name="outcome" defaultValue={searchParams.get("outcome") ?? ""} className={inputClass}>
            <option value="">Any</option>
            <option value="verified">Verified (every event)</option>
            <option value="duplicate">Duplicate (delivered more than once)</option>
          </select>
        </div>
        <div>
          <label htmlFor="source" className={labelClass}>
            Source
          </label>
          <select id="source" name="source" defaultValue={searchParams.get("source") ?? ""} className={inputClass}>
            <option value="">All sources</option>
            {sources.map((s) => (
              <option key={s.slug} value={s.slug}>
                {s.slug}
                {s.name && s.name !== s.slug ? ` (${s.name})` : ""}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="range" className={labelClass}>
            Time (envelope)
          </label>
          <select id="range" name="range" value={range} onChange={(e) => setRange(e.target.value)} className={inputClass}>
            <option value="">Any time</option>
            {Object.entries(TIME_PRESETS).map(([value, preset]) => (
              <option key={value} value={value}>
                {preset.label}
              </option>
            ))}
            <option value="custom">Custom range…</option>
          </select>
        </div>
        {range === "custom" ? (
          <>
            <div>
              <label htmlFor="from" className={labelClass}>
                From (UTC)
              </label>
              <input id="from" name="from" type="datetime-local" step="1" defaultValue={toDateTimeLocal(searchParams.get("from"))} className={inputClass} />
            </div>
            <div>
              <label htmlFor="to" className={labelClass}>
                To (UTC)
              </label>
              <input id="to" name="to" type="datetime-local" step="1" defaultValue={toDateTimeLocal(searchParams.get("to"))} className={inputClass} />
            </div>
          </>
        ) : null}
        <div>
          <label htmlFor="sort" className={labelClass}>
            Order by
          </label>
          <select id="sort" name="sort" defaultValue={searchParams.get("sort") ?? "timestamp"} className={inputClass}>
            <option value="timestamp">Envelope time</option>
            <option value="received">Time received</option>
          </select>
        </div>
        <div>
          <label htmlFor="dir" className={labelClass}>
            Direction
          </label>
          <select id="dir" name="dir" defaultValue={searchParams.get("dir") ?? "desc"} className={inputClass}>
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </select>
        </div>
        <div>
          <label htmlFor="limit" className={labelClass}>
            Per page
          </label>
          <select id="limit" name="limit" defaultValue={searchParams.get("limit") ?? String(DEFAULT_LIMIT)} className={inputClass}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="mt-3 flex items-center gap-3">
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-60" disabled={navigation.state === "loading"}>
          Apply filters
        </button>
        <Link to="/events" className="text-sm text-slate-600 hover:text-slate-900 hover:underline">
          Clear
        </Link>
      </div>
    </Form>
  );
}

function TypePicker({
  selected,
  onChange,
  counts,
}: {
  selected: string[];
  onChange(types: string[]): void;
  counts: Promise<Record<string, number>> | null;
}) {
  const summary = selected.length === 0 ? "All types" : selected.length <= 2 ? selected.join(", ") : `${selected.length} selected`;
  const resolved = useSettled(counts);
  const ref = useDismissable();
  return (
    <details ref={ref} className="relative mt-1" data-testid="type-picker">
      <summary
        aria-labelledby="types-label"
        className="flex cursor-pointer list-none items-center justify-between rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm [&::-webkit-details-marker]:hidden"
      >
        <span className="truncate font-mono text-xs">{summary}</span>
        <span aria-hidden className="text-slate-400">▾</span>
      </summary>
      <div className="absolute z-20 mt-1 max-h-[28rem] w-[min(36rem,90vw)] overflow-y-auto rounded-lg border border-slate-200 bg-white px-3 pt-3 shadow-lg">
        <TypeChecklist selected={selected} onChange={onChange} counts={resolved ?? null} />
        <div className="sticky bottom-0 -mx-3 mt-3 flex items-center gap-3 border-t border-slate-100 bg-white px-3 py-2">
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">
            Apply types
          </button>
          <span className="text-xs text-slate-500">{selected.length === 0 ? "No type selected: every type." : `${selected.length} selected`}</span>
        </div>
      </div>
      {/* Selected types are submitted even while the list is closed. */}
      {selected.map((type) => (
        <input key={type} type="hidden" name="type" value={type} />
      ))}
    </details>
  );
}

function TypeChecklist({ selected, onChange, counts }: { selected: string[]; onChange(types: string[]): void; counts: Record<string, number> | null }) {
  const groups = useMemo(() => {
    const catalog = eventTypeGroups();
    const known = new Set(catalog.flatMap((g) => g.types));
    const unknown = Object.keys(counts ?? {}).filter((type) => !known.has(type)).sort();
    return unknown.length ? [...catalog, { resourceType: "not in catalog", types: unknown, unknown: true }] : catalog;
  }, [counts]);
  const toggle = (value: string, on: boolean) => onChange(on ? [...selected, value] : selected.filter((t) => t !== value));
  const count = (type: string) => (counts ? (counts[type] ?? 0) : null);
  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between text-xs text-slate-500">
        <span>{counts ? "Counts use the other filters." : "Counting…"}</span>
        {selected.length ? (
          <button type="button" onClick={() => onChange([])} className="font-medium text-indigo-700 hover:underline">
            Clear types
          </button>
        ) : null}
      </div>
      {groups.map((group) => {
        const pattern = `${group.resourceType}.*`;
        const isUnknown = "unknown" in group;
        const total = counts ? group.types.reduce((sum, t) => sum + (count(t) ?? 0), 0) : null;
        const groupOn = selected.includes(pattern);
        return (
          <fieldset key={group.resourceType} className="border-t border-slate-100 pt-2 first:border-t-0 first:pt-0">
            <legend className="sr-only">{group.resourceType} events</legend>
            {isUnknown ? (
              <p className="text-xs font-semibold text-slate-700">Types not in the catalog</p>
            ) : (
              <label className="flex items-center gap-2 text-xs font-semibold text-slate-800">
                <input type="checkbox" checked={groupOn} onChange={(e) => toggle(pattern, e.target.checked)} className="rounded border-slate-300" />
                <span className="font-mono">{pattern}</span>
                {total !== null ? <span className="ml-auto tabular-nums font-normal text-slate-500">{total.toLocaleString("en")}</span> : null}
              </label>
            )}
            <div className="mt-1 grid grid-cols-1 gap-x-4 pl-5 sm:grid-cols-2">
              {group.types.map((type) => {
                const n = count(type);
                return (
                  <label key={type} className={`flex items-center gap-2 py-0.5 text-xs ${groupOn ? "text-slate-400" : "text-slate-700"}`}>
                    <input
                      type="checkbox"
                      checked={groupOn || selected.includes(type)}
                      disabled={groupOn}
                      onChange={(e) => toggle(type, e.target.checked)}
                      className="rounded border-slate-300"
                    />
                    <span className="font-mono">{type}</span>
                    {n !== null ? <span className={`ml-auto tabular-nums ${n === 0 ? "text-slate-300" : "text-slate-500"}`}>{n.toLocaleString("en")}</span> : null}
                  </label>
                );
              })}
            </div>
          </fieldset>
        );
      })}
    </div>
  );
}

/** A <details> used as a drop-down: closes on a click outside it or on Escape. */
function useDismissable() {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      const details = ref.current;
      if (details?.open && !details.contains(event.target as Node)) details.open = false;
    };
    const onKey = (event: KeyboardEvent) => {
      const details = ref.current;
      if (event.key === "Escape" && details?.open) {
        details.open = false;
        details.querySelector("summary")?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, []);
  return ref;
}

// ---------------------------------------------------------------------------
// The table

const COLUMN_LABELS: Record<string, string> = {
  time: "Time",
  received: "Received",
  type: "Type",
  resource: "Resource",
  user: "User",
  organization: "Organization",
  source: "Source",
  deliveries: "Deliveries",
  outcome: "Outcome",
  order: "Order",
};

function IdLink({ id }: { id: string | null }) {
  if (!id) return <span className="text-slate-300">—</span>;
  return (
    <Link
      to={`/events?resource=${encodeURIComponent(id)}`}
      className="block max-w-[12rem] truncate font-mono text-xs text-slate-700 hover:text-indigo-700 hover:underline"
      title={`${id}: every event about it`}
    >
      {id}
    </Link>
  );
}

function useColumnVisibility(): [VisibilityState, (next: VisibilityState) => void] {
  const [visibility, setVisibility] = useState<VisibilityState>(DEFAULT_VISIBILITY);
  useEffect(() => {
    try {
      const stored = JSON.parse(window.localStorage.getItem(COLUMNS_KEY) ?? "null") as VisibilityState | null;
      if (stored && typeof stored === "object") setVisibility({ ...DEFAULT_VISIBILITY, ...stored });
    } catch {
      // a corrupt preference is just ignored
    }
    const onChange = (event: Event) => setVisibility((event as CustomEvent<VisibilityState>).detail);
    window.addEventListener(COLUMNS_KEY, onChange);
    return () => window.removeEventListener(COLUMNS_KEY, onChange);
  }, []);
  return [
    visibility,
    (next) => {
      window.localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
      // The menu and the table are separate components; both follow one preference.
      window.dispatchEvent(new CustomEvent(COLUMNS_KEY, { detail: next }));
    },
  ];
}

function ColumnMenu() {
  const [visibility, setVisibility] = useColumnVisibility();
  const ref = useDismissable();
  return (
    <details ref={ref} className="relative ml-auto" data-testid="column-menu">
      <summary className="cursor-pointer list-none rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 [&::-webkit-details-marker]:hidden">
        Columns ▾
      </summary>
      <fieldset className="absolute right-0 z-20 mt-1 w-48 rounded-lg border border-slate-200 bg-white p-2 shadow-lg">
        <legend className="sr-only">Show columns</legend>
        {Object.entries(COLUMN_LABELS)
          .filter(([id]) => id !== "type")
          .map(([id, label]) => (
            <label key={id} className="flex items-center gap-2 px-1 py-0.5 text-sm text-slate-700">
              <input
                type="checkbox"
                checked={visibility[id] !== false}
                onChange={(e) => setVisibility({ ...visibility, [id]: e.target.checked })}
                className="rounded border-slate-300"
              />
              {label}
            </label>
          ))}
      </fieldset>
    </details>
  );
}

function SortHeader({ label, sortKey, sort, dir }: { label: string; sortKey: "timestamp" | "received"; sort: string; dir: string }) {
  const [searchParams] = useSearchParams();
  const active = sort === sortKey;
  const nextDir = active && dir === "desc" ? "asc" : "desc";
  return (
    <Link
      to={`/events${withParams(searchParams, { sort: sortKey, dir: nextDir, cursor: null })}`}
      className={`inline-flex items-center gap-1 hover:text-slate-900 ${active ? "text-slate-900" : ""}`}
      title={`Order by ${sortKey === "timestamp" ? "envelope time" : "time received"}`}
    >
      {label}
      <span aria-hidden>{active ? (dir === "desc" ? "↓" : "↑") : "↕"}</span>
    </Link>
  );
}

function EventsTable({
  events,
  sort,
  dir,
  loading,
  liveOn,
}: {
  events: ApiEvent[];
  sort: "timestamp" | "received";
  dir: "desc" | "asc";
  loading: boolean;
  liveOn: boolean;
}) {
  const [visibility, setVisibility] = useColumnVisibility();
  const fresh = useFreshRows(events, liveOn);

  const columns = useMemo<ColumnDef<ApiEvent>[]>(
    () => [
      {
        id: "time",
        header: () => <SortHeader label="Time" sortKey="timestamp" sort={sort} dir={dir} />,
        cell: ({ row }) => (
          <Link to={`/events/${row.original.id}`} className="text-slate-700 hover:text-indigo-700 hover:underline">
            <Timestamp iso={new Date(row.original.timestamp).toISOString()} />
          </Link>
        ),
      },
      {
        id: "received",
        header: () => <SortHeader label="Received" sortKey="received" sort={sort} dir={dir} />,
        cell: ({ row }) => <Timestamp iso={row.original.receivedAt} />,
      },
      {
        id: "type",
        header: "Type",
        enableHiding: false,
        cell: ({ row }) => (
          <span className="inline-flex items-center gap-1.5">
            <Link to={`/events/${row.original.id}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline" data-testid="event-type-link">
              {row.original.type}
            </Link>
            {!row.original.knownType ? (
              <span className="rounded bg-amber-50 px-1 text-[10px] text-amber-800 ring-1 ring-inset ring-amber-600/20" title="Not in Hookline's event catalog">
                new type
              </span>
            ) : null}
          </span>
        ),
      },
      { id: "resource", header: "Resource", cell: ({ row }) => <IdLink id={row.original.resourceId} /> },
      { id: "user", header: "User", cell: ({ row }) => <IdLink id={row.original.userId} /> },
      { id: "organization", header: "Organization", cell: ({ row }) => <IdLink id={row.original.organizationId} /> },
      { id: "source", header: "Source", cell: ({ row }) => <span className="text-slate-700">{row.original.source}</span> },
      { id: "deliveries", header: () => <span className="block text-right">Deliveries</span>, cell: ({ row }) => <span className="block text-right tabular-nums">{row.original.deliveryCount}</span> },
      {
        id: "outcome",
        header: "Outcome",
        cell: ({ row }) => <OutcomeBadge outcome={row.original.deliveryCount > 1 ? "duplicate" : "verified"} />,
      },
      {
        id: "order",
        header: "Order",
        cell: ({ row }) =>
          row.original.outOfOrder ? (
            <span
              className="inline-flex whitespace-nowrap rounded-md bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-inset ring-amber-600/20"
              title="Arrived after a later state of the same resource"
              data-testid="out-of-order"
            >
              out of order
            </span>
          ) : null,
      },
    ],
    [sort, dir],
  );

  const table = useReactTable({
    data: events,
    columns,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    state: { columnVisibility: visibility },
    onColumnVisibilityChange: (updater) => setVisibility(typeof updater === "function" ? updater(visibility) : updater),
  });

  return (
    <div className={`mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white transition-opacity ${loading ? "opacity-60" : ""}`} aria-busy={loading}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="events-table">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th
                  key={header.id}
                  scope="col"
                  className="whitespace-nowrap px-3 py-2"
                  aria-sort={
                    (header.id === "time" && sort === "timestamp") || (header.id === "received" && sort === "received")
                      ? dir === "desc"
                        ? "descending"
                        : "ascending"
                      : undefined
                  }
                >
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={`hover:bg-slate-50 ${fresh.has(row.id) ? "bg-indigo-50" : ""}`} data-testid="event-row" data-event-id={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="whitespace-nowrap px-3 py-2">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Rows that appeared since the previous render while live, highlighted for a few seconds. */
function useFreshRows(events: ApiEvent[], liveOn: boolean): Set<string> {
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  useEffect(() => {
    const ids = events.map((e) => e.id);
    const previous = seen.current;
    seen.current = new Set(ids);
    if (!previous || !liveOn) return;
    const added = ids.filter((id) => !previous.has(id));
    if (added.length === 0) return;
    setFresh(new Set(added));
    const timer = window.setTimeout(() => setFresh(new Set()), 4000);
    return () => window.clearTimeout(timer);
  }, [events, liveOn]);
  return fresh;
}

function EmptyState({ ingestUrl, secretConfigured }: { ingestUrl: string; secretConfigured: boolean }) {
  return (
    <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
      <h2 className="text-base font-semibold">No events yet</h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-700">
        Events appear here once Clerk sends a webhook that verifies. In the Clerk Dashboard open <strong>Webhooks → Add Endpoint</strong> and use this URL:
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">{ingestUrl}</pre>
      <p className="mt-3 max-w-2xl text-sm text-slate-700">
        Copy the endpoint&apos;s <strong>Signing Secret</strong> (<code>whsec_…</code>) into <code>CLERK_WEBHOOK_SIGNING_SECRET</code> and restart Hookline.
        {secretConfigured ? null : <strong className="text-amber-800"> No signing secret is set yet, so nothing can verify.</strong>} To try it without Clerk,
        send signed sample events:
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">npx hookline send all --url {ingestUrl} --secret whsec_…</pre>
      <p className="mt-3 text-sm text-slate-700">
        Deliveries that failed verification are on{" "}
        <Link to="/deliveries" className="font-medium text-indigo-700 hover:underline">
          Deliveries
        </Link>
        .
      </p>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Events · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
