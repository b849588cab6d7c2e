// Deliveries that fail verification are kept (they are how a wrong secret is found),
// but an attacker can send them for free. Two limits stop a flood from filling the
// disk; verified deliveries are never limited (Svix sends bursts from few addresses):
// - a token bucket per remote address: past it the request is answered 429 and not
//   stored (Svix retries 429, so a misconfigured secret loses nothing);
// - a cap on the bytes of unverified bodies kept: past it the delivery row is still
//   written, with its headers and outcome, but without the body.
import type { DatabaseHandle } from "~/db/prisma.server";
import { rawBodyLength } from "~/events/event-payload.server";

export interface UnverifiedLimits {
  /** Unverified deliveries stored per remote address per minute (burst: the same number). */
  perMinute: number;
  /** Total bytes of unverified bodies kept. */
  maxBytes: number;
}

export type Admission = "store" | "store-without-body" | "refuse";

export class UnverifiedGuard {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #storedBytes: number | null = null;
  #countedAt = 0;
  #loading: Promise<number> | null = null;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly limits: UnverifiedLimits,
    /** How long the count is trusted before it is read again (retention frees bytes). */
    private readonly recountMs = 10 * 60 * 1000,
  ) {}

  async admit(remoteAddr: string | null, bodyBytes: number, now = Date.now()): Promise<Admission> {
    if (!this.#take(remoteAddr ?? "unknown", now)) return "refuse";
    const stored = await this.#bytes();
    if (stored + bodyBytes > this.limits.maxBytes) return "store-without-body";
    this.#storedBytes = stored + bodyBytes;
    return "store";
  }

  #take(key: string, now: number): boolean {
    const rate = this.limits.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.limits.perMinute, at: now };
    bucket.tokens = Math.min(this.limits.perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (this.#buckets.size > 100_000) this.#buckets.clear();
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * Bytes of unverified bodies kept (what is stored, not the size announced: an
   * oversized delivery keeps only 64 KiB), read from the database every `recountMs`
   * and counted here in between, so what retention prunes becomes room again.
   */
  async #bytes(): Promise<number> {
    if (this.#storedBytes !== null && Date.now() - this.#countedAt < this.recountMs) return this.#storedBytes;
    this.#loading ??= this.handle.db
      .$queryRaw<{ bytes: bigint | number | null }[]>`
        SELECT SUM(${rawBodyLength(this.handle.provider)}) AS "bytes" FROM "Delivery" d WHERE d."eventId" IS NULL`
      .then(([row]) => {
        this.#storedBytes = Math.min(Number(row?.bytes ?? 0), Number.MAX_SAFE_INTEGER);
        this.#countedAt = Date.now();
        return this.#storedBytes;
      })
      .finally(() => (this.#loading = null));
    return this.#loading;
  }
}
