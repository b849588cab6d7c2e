// Sign-in tries are throttled per (address, email) pair and per address, counted in
// the database (LoginAttempt), so every instance and a restart see the same count. A
// pair is held after PAIR_LIMIT tries in WINDOW; an address after ADDRESS_LIMIT,
// whatever emails it tried.
// NOTE: nothing is keyed on the email alone. That would let a stranger lock anyone out
// by typing their email ten times; this way the owner, signing in from their own
// address, is never held up by someone else's guesses. A guesser gets PAIR_LIMIT
// tries at one account per address and ADDRESS_LIMIT in all, and the address is the
// one a trusted proxy saw (app/server/client-address.server.ts), so rotating
// X-Forwarded-For does not buy more.
//
// A try is counted *before* the password is checked, and refused when it is one too
// many. Counting failures afterwards let a burst of parallel guesses all pass the check
// while the first ones were still hashing: 30 at once got 30 answers from a limit of 10.
// With the row first, the n-th try to be written sees at least n rows, whichever
// instance took it, so at most the limit get through. A refused try takes its rows back
// (it was never made); a successful one takes back its address's row and clears its
// pair, so only failures stay counted, as before.
import crypto from "node:crypto";

import { newId } from "~/db/ids";
import type { Db } from "~/db/prisma.server";

const WINDOW_MS = 15 * 60 * 1000;
const PAIR_LIMIT = Number(process.env.HOOKLINE_LOGIN_ATTEMPTS ?? 10);
const ADDRESS_LIMIT = PAIR_LIMIT * 5;

export interface LoginKeys {
  email: string;
  address: string;
}

/** What is stored: a digest, so the table holds no typed emails or addresses. */
function digest(text: string) {
  return crypto.createHash("sha256").update(text).digest("base64url");
}

function pairKey({ email, address }: LoginKeys) {
  return digest(`pair:${address}\n${email}`);
}

function counted(keys: LoginKeys): { key: string; limit: number }[] {
  return [
    { key: pairKey(keys), limit: PAIR_LIMIT },
    { key: digest(`addr:${keys.address}`), limit: ADDRESS_LIMIT },
  ];
}

/**
 * Keys this instance found held, and until when. Only a cache: while a key is held, a
 * flood of tries is refused without writing to the database. Clearing it costs queries,
 * never tries.
 */
const heldUntil = new Map<string, number>();

function cachedWait(keys: { key: string }[], now: number): number {
  let wait = 0;
  for (const { key } of keys) {
    const until = heldUntil.get(key);
    if (until === undefined) continue;
    if (until > now) wait = Math.max(wait, Math.ceil((until - now) / 1000));
    else heldUntil.delete(key);
  }
  return wait;
}

export interface LoginTry {
  /** 0: go on and check the password; else seconds to wait (this try is not counted). */
  retryAfter: number;
  /** This try's rows, for loginSucceeded(). */
  ids: string[];
}

/** Counts a sign-in try, or refuses it. */
export async function beginLoginAttempt(db: Db, keys: LoginKeys, now = Date.now()): Promise<LoginTry> {
  const limits = counted(keys);
  const cached = cachedWait(limits, now);
  if (cached > 0) return { retryAfter: cached, ids: [] };

  const at = new Date(now);
  const since = new Date(now - WINDOW_MS);
  const rows = limits.map(({ key }) => ({ id: newId(now), key, at }));
  const ids = rows.map((row) => row.id);
  await db.loginAttempt.createMany({ data: rows });
  let wait = 0;
  for (const { key, limit } of limits) {
    const count = await db.loginAttempt.count({ where: { key, at: { gt: since } } });
    if (count <= limit) continue;
    // Held until enough of the tries before this one leave the window: with n of them,
    // the (n - limit + 1)-th oldest.
    const [freeing] = await db.loginAttempt.findMany({
      where: { key, at: { gt: since }, id: { notIn: ids } },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      skip: Math.max(0, count - 1 - limit),
      take: 1,
      select: { at: true },
    });
    const until = (freeing?.at.getTime() ?? now) + WINDOW_MS;
    if (heldUntil.size > 50_000) heldUntil.clear();
    heldUntil.set(key, until);
    wait = Math.max(wait, Math.max(1, Math.ceil((until - now) / 1000)));
  }
  if (wait > 0) {
    await db.loginAttempt.deleteMany({ where: { id: { in: ids } } });
    return { retryAfter: wait, ids: [] };
  }
  // Tries that left the window, everyone's (LoginAttempt_at_idx).
  await db.loginAttempt.deleteMany({ where: { at: { lte: since } } });
  return { retryAfter: 0, ids };
}

/**
 * The password was right: the try is not a failure, and the pair's earlier failures are
 * forgotten. The address keeps its other failures (someone else's guesses from there).
 */
export async function loginSucceeded(db: Db, keys: LoginKeys, attempt: LoginTry) {
  const key = pairKey(keys);
  heldUntil.delete(key);
  await db.loginAttempt.deleteMany({ where: { OR: [{ key }, { id: { in: attempt.ids } }] } });
}
