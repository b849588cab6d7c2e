// Failed logins are throttled per (email, address) pair and per address (in memory,
// per instance). A pair is locked after PAIR_LIMIT failures in WINDOW; an address
// after ADDRESS_LIMIT, whatever emails it tried.
// NOTE: nothing is keyed on the email alone. That would let a stranger lock anyone out
// by typing their email ten times; this way the owner, signing in from their own
// address, is never held up by someone else's guesses. A guesser gets PAIR_LIMIT
// tries at one account per address and ADDRESS_LIMIT in all, and the address is the
// one a trusted proxy saw (app/server/client-address.server.ts), so rotating
// X-Forwarded-For does not buy more.
const WINDOW_MS = 15 * 60 * 1000;
const PAIR_LIMIT = Number(process.env.HOOKLINE_LOGIN_ATTEMPTS ?? 10);
const ADDRESS_LIMIT = PAIR_LIMIT * 5;

const failures = new Map<string, number[]>();

export interface LoginKeys {
  email: string;
  address: string;
}

function pairKey({ email, address }: LoginKeys) {
  return `pair:${address}\n${email}`;
}

function keysOf(keys: LoginKeys): [string, number][] {
  return [
    [pairKey(keys), PAIR_LIMIT],
    [`addr:${keys.address}`, ADDRESS_LIMIT],
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

/** A successful login clears the pair's failures (not the address's). */
export function clearLoginFailures(keys: LoginKeys) {
  failures.delete(pairKey(keys));
}
