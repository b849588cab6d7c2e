// Deliveries that fail verification are kept (they are how a wrong secret is found),
// but an attacker can send them for free. Two limits stop a flood from filling the
// disk; verified deliveries are never limited (Svix sends bursts from few addresses):
// - a token bucket per remote address: past it the request is answered 429 and not
//   stored (Svix retries 429, so a misconfigured secret loses nothing);
// - a cap on the bytes of unverified bodies and headers kept: past it the delivery row
//   is still written, with its outcome, but without the body and with at most 1 KiB
//   of headers;
// - a cap on the header bytes kept per unverified delivery (16 KiB): a request with no
//   body and a large head costs as much disk as a body (issue 10).
import type { DatabaseHandle } from "~/db/prisma.server";
import { Prisma } from "~/generated/sqlite/client";
import { storedBodyLength } from "~/events/event-payload.server";

export interface UnverifiedLimits {
  /** Unverified deliveries stored per remote address per minute (burst: the same number). */
  perMinute: number;
  /** Total bytes of unverified bodies and headers kept. */
  maxBytes: number;
  /** Header bytes kept per unverified delivery (default 16 KiB). */
  maxHeaderBytes?: number;
}

export const DEFAULT_MAX_UNVERIFIED_HEADER_BYTES = 16 * 1024;
/** Once the storage cap is reached, a row keeps at most this much of its headers. */
export const MAX_HEADER_BYTES_PAST_CAP = 1024;
/** Added after the headers kept when some were dropped, so the delivery page and the API show the cut. */
export const HEADERS_TRUNCATED_MARKER = "x-hookline-headers-truncated";

/** Bytes of one header as counted against the caps: name, value and the `: ` and CRLF around them. */
export function headerBytes([name, value]: [string, string]): number {
  return Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
}

export interface CappedHeaders {
  headers: [string, string][];
  /** Bytes of the headers kept (headerBytes, the marker not counted). */
  keptBytes: number;
  droppedBytes: number;
  droppedCount: number;
}

/**
 * The headers in arrival order up to `maxBytes`; the first that does not fit and every
 * one after it are dropped, and a marker pair `[x-hookline-headers-truncated, "<n>
 * bytes dropped (<k> headers)"]` is added at the end.
 */
export function capHeaders(headers: [string, string][], maxBytes: number): CappedHeaders {
  let keptBytes = 0;
  let index = 0;
  for (; index < headers.length; index++) {
    const bytes = headerBytes(headers[index]!);
    if (keptBytes + bytes > maxBytes) break;
    keptBytes += bytes;
  }
  if (index === headers.length) return { headers, keptBytes, droppedBytes: 0, droppedCount: 0 };
  const dropped = headers.slice(index);
  const droppedBytes = dropped.reduce((sum, pair) => sum + headerBytes(pair), 0);
  return {
    headers: [...headers.slice(0, index), [HEADERS_TRUNCATED_MARKER, `${droppedBytes} bytes dropped (${dropped.length} headers)`]],
    keptBytes,
    droppedBytes,
    droppedCount: dropped.length,
  };
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

  /** Header bytes kept per unverified delivery. */
  get maxHeaderBytes(): number {
    return this.limits.maxHeaderBytes ?? DEFAULT_MAX_UNVERIFIED_HEADER_BYTES;
  }

  /** `bytes`: what the row would keep, body and headers. */
  async admit(remoteAddr: string | null, bytes: number, now = Date.now()): Promise<Admission> {
    if (!this.#take(remoteAddr ?? "unknown", now)) return "refuse";
    const stored = await this.#bytes();
    if (stored + bytes > this.limits.maxBytes) return "store-without-body";
    this.#storedBytes = stored + bytes;
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
   * Bytes of unverified bodies and headers kept (what is stored, not the size
   * announced: an oversized delivery keeps only 64 KiB), read from the database every
   * `recountMs` and counted here in between, so what retention prunes becomes room again.
   */
  async #bytes(): Promise<number> {
    if (this.#storedBytes !== null && Date.now() - this.#countedAt < this.recountMs) return this.#storedBytes;
    const headersLength =
      this.handle.provider === "postgres" ? Prisma.sql`octet_length(d."headers")` : Prisma.sql`length(CAST(d."headers" AS BLOB))`;
    this.#loading ??= this.handle.db
      .$queryRaw<{ bytes: bigint | number | null }[]>`
        SELECT SUM(${storedBodyLength(this.handle.provider)} + ${headersLength}) AS "bytes" FROM "Delivery" d WHERE d."eventId" IS NULL`
      .then(([row]) => {
        this.#storedBytes = Math.min(Number(row?.bytes ?? 0), Number.MAX_SAFE_INTEGER);
        this.#countedAt = Date.now();
        return this.#storedBytes;
      })
      .finally(() => (this.#loading = null));
    return this.#loading;
  }
}
