// Compresses stored deliveries' bodies and headers on a thread of its own, at the lowest
// priority (ADR 0017), for the worker's compaction (app/deliveries/compact-bodies.server.ts).
// Deflate with the preset dictionary costs ~100 µs of CPU per delivery; the thread runs at
// nice 19 (Linux), so it takes CPU only where ingest and the event loop leave some.
//
// What a caller hands over in one turn of the event loop goes to the thread in one message
// (packOne); collect() waits for a set of them at most `waitMs`. Compression is never a
// condition of anything: when the thread is late, fails or exits, what waits resolves with
// null (left as received), the thread skips work nobody waits for any more, and the next
// call starts a new thread.
import { Worker } from "node:worker_threads";

import { DEFLATE_1_OPTIONS, HEADERS_DEFLATE_1_OPTIONS, HEADERS_DEFLATE_1_PREFIX } from "~/deliveries/body-codec.server";
import { logger } from "~/observability/logger.server";

/** Plain CommonJS run with `eval`: no file to find beside a compiled bundle. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const zlib = require("node:zlib");
try {
  // This thread's own nice value: Linux keeps one per thread (setpriority(2) with a TID).
  const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
  require("node:os").setPriority(tid, 19);
} catch {
  // Not Linux: compression then runs at the process's priority.
}
const options = { level: workerData.level, dictionary: Buffer.from(workerData.dictionary) };
const headerOptions = { level: workerData.level, dictionary: Buffer.from(workerData.headersDictionary) };
parentPort.on("message", ({ id, bytes, lengths, headers, staleAt }) => {
  // collect() has stopped waiting for this (its wait is over): spend no CPU on it.
  if (Date.now() > staleAt) return parentPort.postMessage({ id, late: true });
  const input = Buffer.from(bytes);
  const packed = [];
  let offset = 0;
  for (const length of lengths) {
    const body = input.subarray(offset, offset + length);
    offset += length;
    packed.push(length === 0 ? Buffer.alloc(0) : zlib.deflateRawSync(body, options));
  }
  const packedHeaders = headers.map((json) => workerData.headersPrefix + zlib.deflateRawSync(json, headerOptions).toString("base64"));
  const out = Buffer.concat(packed);
  const buffer = out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  parentPort.postMessage({ id, bytes: buffer, lengths: packed.map((p) => p.length), headers: packedHeaders }, [buffer]);
});
`;

/** How long collect() waits by default for what it was given. */
export const PACK_WAIT_MS = 30_000;

/** One delivery's body and headers compressed; a body is null when it is empty. */
export interface PackedRow {
  body: Uint8Array | null;
  headers: string;
}

/** A set's compressed forms, by position; null where the thread did not get to it. */
export interface Packed {
  bodies: (Uint8Array | null)[];
  headers: (string | null)[];
}

interface Queued {
  body: Uint8Array;
  headers: string;
  resolve(row: PackedRow | null): void;
}

export class BodyPacker {
  /** Deliveries collect() gave up on because the thread did not answer in time. */
  late = 0;
  #thread: Worker | null = null;
  #next = 1;
  #queued: Queued[] = [];
  #scheduled = false;
  /** Per message handed to the thread, the deliveries it answers for. */
  readonly #waiting = new Map<number, Queued[]>();

  constructor(readonly waitMs: number = PACK_WAIT_MS) {}

  /** Starts the thread ahead of the first delivery (a thread takes tens of ms to start). */
  start(): void {
    try {
      this.#ensureThread();
    } catch (error) {
      logger.warn("compaction: the compression thread did not start; deliveries stay as received", { error: String(error) });
    }
  }

  /**
   * Starts compressing one delivery now; what is queued in the same turn of the event
   * loop goes to the thread in one message. Resolves with null when the thread could not
   * do it (the delivery then stays as received); never rejects.
   */
  packOne(body: Uint8Array, headers: string): Promise<PackedRow | null> {
    return new Promise((resolve) => {
      this.#queued.push({ body, headers, resolve });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#hand());
    });
  }

  /**
   * A set's rows as far as they are back within `waitMs`; the rest are null (and
   * counted in `late`).
   */
  async collect(rows: readonly Promise<PackedRow | null>[]): Promise<Packed> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(resolve, this.waitMs, "late")));
    try {
      const settled = await Promise.all(rows.map((row) => Promise.race([row, late])));
      const packed: Packed = { bodies: [], headers: [] };
      for (const row of settled) {
        if (row === "late") this.late++;
        const done = row === "late" ? null : row;
        packed.bodies.push(done?.body ?? null);
        packed.headers.push(done?.headers ?? null);
      }
      return packed;
    } finally {
      clearTimeout(timer);
    }
  }

  /** packOne for each delivery, then collect. */
  pack(bodies: readonly Uint8Array[], headers: readonly string[]): Promise<Packed> {
    return this.collect(bodies.map((body, i) => this.packOne(body, headers[i]!)));
  }

  /** Stops the thread; what waits for it resolves with null. */
  async close(): Promise<void> {
    const thread = this.#thread;
    this.#thread = null;
    this.#settleAll();
    await thread?.terminate();
  }

  /** Hands what was queued in this turn to the thread, as one message. */
  #hand() {
    this.#scheduled = false;
    const batch = this.#queued;
    this.#queued = [];
    if (batch.length === 0) return;
    let thread: Worker;
    try {
      thread = this.#ensureThread();
    } catch (error) {
      logger.warn("compaction: the compression thread did not start; deliveries stay as received", { error: String(error) });
      for (const queued of batch) queued.resolve(null);
      return;
    }
    const lengths = batch.map((queued) => queued.body.byteLength);
    const joined = Buffer.allocUnsafeSlow(lengths.reduce((sum, n) => sum + n, 0));
    let offset = 0;
    for (const queued of batch) {
      joined.set(queued.body, offset);
      offset += queued.body.byteLength;
    }
    const id = this.#next++;
    this.#waiting.set(id, batch);
    thread.postMessage(
      { id, bytes: joined.buffer, lengths, headers: batch.map((queued) => queued.headers), staleAt: Date.now() + this.waitMs },
      [joined.buffer],
    );
  }

  #ensureThread(): Worker {
    if (this.#thread) return this.#thread;
    const thread = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        level: DEFLATE_1_OPTIONS.level,
        dictionary: new Uint8Array(DEFLATE_1_OPTIONS.dictionary),
        headersDictionary: new Uint8Array(HEADERS_DEFLATE_1_OPTIONS.dictionary),
        headersPrefix: HEADERS_DEFLATE_1_PREFIX,
      },
    });
    // It must not keep a process alive that is otherwise done.
    thread.unref();
    thread.on("message", (message: { id: number; late?: true; bytes: ArrayBuffer; lengths: number[]; headers: string[] }) => {
      const batch = this.#waiting.get(message.id);
      if (!batch) return;
      this.#waiting.delete(message.id);
      if (message.late) {
        for (const queued of batch) queued.resolve(null);
        return;
      }
      const bytes = new Uint8Array(message.bytes);
      let offset = 0;
      batch.forEach((queued, i) => {
        const length = message.lengths[i]!;
        const body = bytes.subarray(offset, offset + length);
        offset += length;
        queued.resolve({ body: length === 0 ? null : body, headers: message.headers[i]! });
      });
    });
    const lost = (reason: string) => {
      if (this.#thread !== thread) return;
      this.#thread = null;
      logger.warn("compaction: the compression thread stopped; what waits for it stays as received", { reason });
      this.#settleAll();
    };
    thread.on("error", (error) => lost(String(error)));
    thread.on("exit", (code) => lost(`exit ${code}`));
    this.#thread = thread;
    return thread;
  }

  #settleAll() {
    for (const batch of this.#waiting.values()) for (const queued of batch) queued.resolve(null);
    this.#waiting.clear();
    for (const queued of this.#queued.splice(0)) queued.resolve(null);
  }
}
