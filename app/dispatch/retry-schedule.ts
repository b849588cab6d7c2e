// When a failed send is tried again. The schedule is configuration
// (HOOKLINE_RETRY_SCHEDULE), as in svix-webhooks' `retry_schedule`; tests compress
// it to milliseconds. Browser-safe: no server imports.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** DESIGN.md: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (seven retries after the first attempt). */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** Jitter only ever adds time (up to 20 %), so a retry never comes sooner than the schedule says. */
export const RETRY_JITTER = 0.2;

/** A consumer's Retry-After is honoured up to a day; beyond that it is probably a mistake. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

const UNIT_MS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: 24 * HOUR };

/** `100ms`, `5s`, `30m`, `2h`, `1d`; a bare number is seconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration (use e.g. 100ms, 5s, 5m, 2h)`);
  const value = Number(match[1]) * UNIT_MS[(match[2] ?? "s").toLowerCase()]!;
  if (!Number.isFinite(value) || value > 7 * 24 * HOUR) throw new Error(`"${text}" is longer than a week`);
  return Math.round(value);
}

/** `HOOKLINE_RETRY_SCHEDULE=100ms,200ms` → [100, 200]. Empty or unset → the default. "none" → no retries. */
export function parseRetrySchedule(text: string | undefined | null): number[] {
  if (!text || !text.trim()) return [...DEFAULT_RETRY_SCHEDULE_MS];
  if (text.trim().toLowerCase() === "none") return [];
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length > 50) throw new Error("at most 50 retries");
  return parts.map(parseDuration);
}

/** "5 s, 5 min, 30 min, 2 h" for pages. */
export function describeSchedule(schedule: readonly number[]): string {
  if (schedule.length === 0) return "no retries";
  return schedule.map(formatDuration).join(", ");
}

export function formatDuration(ms: number): string {
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${+(ms / SECOND).toFixed(1)} s`;
  if (ms < HOUR) return `${+(ms / MINUTE).toFixed(1)} min`;
  return `${+(ms / HOUR).toFixed(1)} h`;
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * SECOND;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * How long to wait before the next attempt, or null when the schedule is exhausted.
 * `attemptsMade` counts the attempt that just failed (1 after the first send).
 * NOTE: svix-webhooks waits for the later of its schedule and the consumer's
 * Retry-After; the consumer asked not to be called sooner, and our backoff still holds.
 */
export function nextRetryDelay(
  schedule: readonly number[],
  attemptsMade: number,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number | null {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 + RETRY_JITTER * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}
