// Failed logins are throttled per email and per remote address (in memory, per
// instance): after LIMIT failures in WINDOW the login answers 429 until it passes.
const WINDOW_MS = 15 * 60 * 1000;
const LIMIT = Number(process.env.HOOKLINE_LOGIN_ATTEMPTS ?? 10);

const failures = new Map<string, number[]>();

function recent(key: string, now: number): number[] {
  const list = (failures.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (list.length) failures.set(key, list);
  else failures.delete(key);
  return list;
}

/** Seconds to wait before another attempt, or 0. */
export function loginRetryAfter(keys: string[], now = Date.now()): number {
  let wait = 0;
  for (const key of keys) {
    const list = recent(key, now);
    if (list.length >= LIMIT) wait = Math.max(wait, Math.ceil((list[0]! + WINDOW_MS - now) / 1000));
  }
  return wait;
}

export function recordLoginFailure(keys: string[], now = Date.now()) {
  if (failures.size > 50_000) failures.clear();
  for (const key of keys) failures.set(key, [...recent(key, now), now]);
}

export function clearLoginFailures(keys: string[]) {
  for (const key of keys) failures.delete(key);
}
