// The event as lifecycle views work with it: the JSON API's event fields (toApiEvent)
// plus the svix-timestamp, which is the second ordering key. Browser-safe.
import type { ApiEvent } from "~/events/event-query.server";

export interface LifecycleEvent extends ApiEvent {
  /** `svix-timestamp` of the first delivery, seconds; null for events stored without one. */
  svixTimestamp: number | null;
}

/** An event with its parsed `data` (null when the stored body no longer parses). */
export interface EventWithData {
  event: LifecycleEvent;
  data: Record<string, unknown> | null;
}

/**
 * NOTE: Svix delivers at least once and in any order (DESIGN.md "Clerk semantics"), so
 * every lifecycle view orders by the envelope timestamp, then the svix-timestamp, then
 * the time received; the id (time-ordered by receipt) breaks what is left.
 */
export function compareEventOrder(a: LifecycleEvent, b: LifecycleEvent): number {
  return (
    a.timestamp - b.timestamp ||
    (a.svixTimestamp ?? 0) - (b.svixTimestamp ?? 0) ||
    Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function sortByEventOrder<T extends { event: LifecycleEvent }>(items: T[]): T[] {
  return [...items].sort((a, b) => compareEventOrder(a.event, b.event));
}

/** True when `a` happened after `b` in envelope order. */
export function isAfter(a: LifecycleEvent, b: LifecycleEvent): boolean {
  return compareEventOrder(a, b) > 0;
}

// ---------------------------------------------------------------------------
// Small, forgiving readers for attacker-controlled JSON.

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

export function asString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function asBoolean(value: unknown): boolean | null {
  return typeof value === "boolean" ? value : null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Clerk's `data` timestamps are milliseconds; tolerate seconds like the envelope does. */
export function asTimestampMs(value: unknown): number | null {
  const n = asNumber(value);
  if (n === null || n <= 0) return null;
  return n < 1e12 ? n * 1000 : n;
}

/** JSON with sorted keys, so two equal objects compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown, depth = 0): unknown {
  if (depth > 32) return null;
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Json)
        .sort()
        .map((key) => [key, sortKeys((value as Json)[key], depth + 1)]),
    );
  }
  return value;
}
