// A token bucket per API token (in memory, per instance): HOOKLINE_API_RATE_PER_SECOND
// requests a second on average, with bursts of up to HOOKLINE_API_BURST. Generous on
// purpose: a script paging through events or a dashboard polling never meets it; a
// loop guessing at search terms hundreds of times a second does.
import { env } from "~/config/env.server";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_BUCKETS = 10_000;

export class TokenBucketLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {}

  /** Takes one request from `key`'s bucket: 0 when allowed, else the seconds to wait. */
  take(key: string, now = Date.now()): number {
    const bucket = this.#refill(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond));
  }

  #refill(key: string, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#forgetFull(now);
      bucket = { tokens: this.burst, updatedAt: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.burst, bucket.tokens + elapsed * this.ratePerSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Buckets that have refilled are the same as no bucket; drop them to stay bounded. */
  #forgetFull(now: number) {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond >= this.burst) this.#buckets.delete(key);
    }
    if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.clear();
  }
}

let limiter: TokenBucketLimiter | null = null;

/** The process-wide limiter for API tokens, configured from the environment. */
export function apiTokenLimiter(): TokenBucketLimiter {
  limiter ??= new TokenBucketLimiter(env().HOOKLINE_API_RATE_PER_SECOND, env().HOOKLINE_API_BURST);
  return limiter;
}
