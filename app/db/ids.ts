// Time-ordered ids (ULID layout: 48-bit milliseconds + 80 random bits, Crockford
// base32). Ids created later sort later, which makes them a stable tie-breaker for
// keyset pagination on timestamps.
import crypto from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Random bytes come from a pooled buffer: one randomFillSync per 409 ids instead of
// one per id (it showed up at ~5% of ingest CPU time).
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;
function randomBytes(length: number): Buffer {
  if (poolOffset + length > POOL_SIZE) {
    crypto.randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
}

export function newId(now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(10);
  let rest = "";
  // 80 bits → 16 base32 characters, 5 bits at a time.
  let buffer = 0;
  let bits = 0;
  for (const byte of random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      rest += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return time + rest;
}

// Ids are newId(time): 10 characters of milliseconds, then 16 random. A time range is
// therefore an id range, which lets queries on "received since T" use the primary key
// (or any index ending in `id`) instead of an index of their own.

/** The smallest id that newId() can give at `date`. */
export function firstIdAt(date: Date): string {
  return newId(date.getTime()).slice(0, 10) + "0".repeat(16);
}

/** The largest id that newId() can give at `date`. */
export function lastIdAt(date: Date): string {
  return newId(date.getTime()).slice(0, 10) + "Z".repeat(16);
}
