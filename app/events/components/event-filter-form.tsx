// The event list's filters: one GET form, so the URL is the state (STYLE.md, 5).
import { Form, Link, useNavigation, useSearchParams } from "@remix-run/react";
import { useMemo, useState } from "react";

import { eventTypeGroups } from "~/catalog/event-catalog";
import { DEFAULT_LIMIT } from "~/events/event-filter";
import { UtcDateTimeInput } from "~/components/utc-datetime-input";
import { TIME_PRESETS } from "~/events/event-list-params";
import { useDismissable } from "./use-dismissable";
import { useSettled } from "./use-settled";

const PAGE_SIZES = [25, 50, 100, 200];

const inputClass = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
const labelClass = "block text-xs font-medium text-slate-600";

export function EventFilterForm({ sources, counts }: { sources: { slug: string; name: string }[]; counts: Promise<Record<string, number>> | null }) {
  const [searchParams] = useSearchParams();
  const initialRange = searchParams.get("range") ?? (searchParams.get("from") || searchParams.get("to") ? "custom" : "");
  const [range, setRange] = useState(initialRange);
  const [types, setTypes] = useState<string[]>(() => searchParams.getAll("type").flatMap((t) => t.split(",")).filter(Boolean));
  const navigation = useNavigation();
  // On a phone the eleven fields would fill two screens before the first event: they
  // fold behind one button there, and say how many are set.
  const [open, setOpen] = useState(false);
  const set = [...new Set(["type", "resource", "q", "outcome", "source", "range", "from", "to"].filter((name) => searchParams.get(name)))].length;

  return (
    <Form method="get" action="/events" className="mt-4 rounded-lg border border-slate-200 bg-white p-3" aria-label="Filter events" data-testid="event-filters">
      <button
        type="button"
        className="flex w-full items-center justify-between text-sm font-medium text-slate-700 md:hidden"
        aria-expanded={open}
        aria-controls="event-filter-fields"
        onClick={() => setOpen(!open)}
      >
        <span>Filters{set ? ` · ${set} set` : ""}</span>
        <span aria-hidden>{open ? "▴" : "▾"}</span>
      </button>
      <div id="event-filter-fields" className={`${open ? "mt-3 grid" : "hidden"} grid-cols-1 gap-3 sm:grid-cols-2 md:mt-0 md:grid lg:grid-cols-6`}>
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
              <UtcDateTimeInput id="from" name="from" defaultValue={searchParams.get("from")} className={inputClass} />
            </div>
            <div>
              <label htmlFor="to" className={labelClass}>
                To (UTC)
              </label>
              <UtcDateTimeInput id="to" name="to" defaultValue={searchParams.get("to")} className={inputClass} />
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
      <div className={`${open ? "flex" : "hidden"} mt-3 items-center gap-3 md:flex`}>
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
        <span aria-hidden className="text-slate-500">▾</span>
      </summary>
      <div className="absolute z-20 mt-1 max-h-[28rem] w-[min(36rem,90vw)] overflow-y-auto overflow-x-hidden rounded-lg border border-slate-200 bg-white px-3 pt-3 shadow-lg">
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
                  <label key={type} className={`flex items-center gap-2 py-0.5 text-xs ${groupOn ? "text-slate-500" : "text-slate-700"}`}>
                    <input
                      type="checkbox"
                      checked={groupOn || selected.includes(type)}
                      disabled={groupOn}
                      onChange={(e) => toggle(type, e.target.checked)}
                      className="rounded border-slate-300"
                    />
                    <span className="font-mono">{type}</span>
                    {n !== null ? <span className={`ml-auto tabular-nums ${n === 0 ? "text-slate-500" : "text-slate-600"}`}>{n.toLocaleString("en")}</span> : null}
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
