// Failed logins are throttled per email and per remote address (in memory, per
// instance). An email is locked after EMAIL_LIMIT failures in WINDOW; an address after
// ADDRESS_LIMIT, which is higher so that one guesser cannot lock out colleagues
// behind the same address.
const WINDOW_MS = 15 * 60 * 1000;
const EMAIL_LIMIT = Number(process.env.HOOKLINE_LOGIN_ATTEMPTS ?? 10);
const ADDRESS_LIMIT = EMAIL_LIMIT * 5;

const failures = new Map<string, number[]>();

export interface LoginKeys {
  email: string;
  address: string;
}

function keysOf({ email, address }: LoginKeys): [string, number][] {
  return [
    [`email:${email}`, EMAIL_LIMIT],
    [`addr:${address}`, ADDRESS_LIMIT],
  ];
}

function recent(key: string, now: number): number[] {
  const list = (failures.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (list.length) failures.set(key, list);
  else failures.delete(key);
  return list;
}

/** Seconds to wait before another attempt, or 0. */
export function loginRetryAfter(keys: LoginKeys, now = Date.now()): number {
  let wait = 0;
  for (const [key, limit] of keysOf(keys)) {
    const list = recent(key, now);
    if (list.length >= limit) wait = Math.max(wait, Math.ceil((list[list.length - limit]! + WINDOW_MS - now) / 1000));
  }
  return wait;
}

export function recordLoginFailure(keys: LoginKeys, now = Date.now()) {
  if (failures.size > 50_000) failures.clear();
  for (const [key] of keysOf(keys)) failures.set(key, [...recent(key, now), now]);
}

/** A successful login clears the email's failures (not the address's). */
export function clearLoginFailures(keys: LoginKeys) {
  failures.delete(`email:${keys.email}`);
}
