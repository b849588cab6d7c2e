// The /events page's URL on top of the shared event filter (event-filter.ts): time
// presets that stay relative when bookmarked (`range=24h` means "the last 24 hours
// whenever this link is opened"), and typed dates with no zone read as UTC, the zone
// every Hookline page shows. Browser-safe.
import { parseEventListQuery, type EventListQuery, type ParseResult } from "./event-filter";

export const TIME_PRESETS = {
  "1h": { label: "Last hour", ms: 60 * 60 * 1000 },
  "24h": { label: "Last 24 hours", ms: 24 * 60 * 60 * 1000 },
  "7d": { label: "Last 7 days", ms: 7 * 24 * 60 * 60 * 1000 },
} as const;
export type TimePreset = keyof typeof TIME_PRESETS;
export const RANGE_VALUES = ["", ...Object.keys(TIME_PRESETS), "custom"] as const;

/** Page-only parameters, not part of the filter. */
const PAGE_ONLY = ["range"];

// The page's date fields send `2026-11-23 02:10:00` (typed, 24-hour, as every time on
// the page is written) or, from older links, `2026-11-23T02:10` as `datetime-local`
// did: no zone either way.
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** A date and time with no zone means UTC here; ISO values with a zone pass through. */
export function asUtc(value: string): string {
  return LOCAL_DATE_TIME.test(value.trim()) ? `${value.trim().replace(" ", "T")}Z` : value;
}

/** An ISO instant as the date fields show it: `2026-11-23 02:10:00` (UTC, 24-hour). */
export function toDateTimeLocal(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(asUtc(iso));
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 19).replace("T", " ");
}

export interface EventListPageQuery {
  query: EventListQuery;
  range: TimePreset | "custom" | null;
}

/** Reads the page URL: a preset sets `from` relative to `now` and wins over typed dates. */
export function parseEventListPage(params: URLSearchParams, now: number): ParseResult<EventListPageQuery> {
  const range = params.get("range")?.trim() ?? "";
  if (!(RANGE_VALUES as readonly string[]).includes(range)) {
    return { ok: false, parameter: "range", message: "Invalid `range`: must be 1h, 24h, 7d or custom." };
  }
  const filterParams = new URLSearchParams();
  for (const [key, value] of params) {
    if (PAGE_ONLY.includes(key)) continue;
    if (range in TIME_PRESETS && (key === "from" || key === "to")) continue;
    filterParams.append(key, key === "from" || key === "to" ? asUtc(value) : value);
  }
  if (range in TIME_PRESETS) {
    // Whole minutes: a live page polling every few seconds keeps the same filter (and
    // its cached type counts) for a minute instead of a new one on every poll.
    const from = Math.floor((now - TIME_PRESETS[range as TimePreset].ms) / 60_000) * 60_000;
    filterParams.set("from", new Date(from).toISOString());
  }
  const parsed = parseEventListQuery(filterParams);
  if (!parsed.ok) return parsed;
  return { ok: true, value: { query: parsed.value, range: range === "" ? null : (range as TimePreset | "custom") } };
}

/** The same page URL with some parameters replaced or removed (`null`), e.g. a new cursor. */
export function withParams(params: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  const search = next.toString();
  return search ? `?${search}` : "";
}
