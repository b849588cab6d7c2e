// Compresses ingest's bodies and headers on a thread of their own (ADR 0017). Deflate with the
// preset dictionary costs ~60 µs of CPU per body; on the event loop that is a third of
// what a delivery costs there, so the SQLite group commit hands each batch's bodies to
// this thread and writes them when they come back. On 2 cores the thread runs beside
// the event loop instead of in front of it.
//
// Compression is an optimisation, never a condition of storing: if the thread fails,
// exits or does not answer in time, the batch is stored as received (bodyEncoding 0),
// and the next batch starts a new thread.
import { Worker } from "node:worker_threads";

import { DEFLATE_1_OPTIONS, HEADERS_DEFLATE_1_OPTIONS, HEADERS_DEFLATE_1_PREFIX } from "~/deliveries/body-codec.server";
import { logger } from "~/observability/logger.server";

/** Plain CommonJS run with `eval`: no file to find beside a compiled bundle. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const zlib = require("node:zlib");
const options = { level: workerData.level, dictionary: Buffer.from(workerData.dictionary) };
const headerOptions = { level: workerData.level, dictionary: Buffer.from(workerData.headersDictionary) };
parentPort.on("message", ({ id, bytes, lengths, headers }) => {
  const input = Buffer.from(bytes);
  const packed = [];
  let offset = 0;
  for (const length of lengths) {
    const body = input.subarray(offset, offset + length);
    offset += length;
    packed.push(length === 0 ? Buffer.alloc(0) : zlib.deflateRawSync(body, options));
  }
  const out = Buffer.concat(packed);
  const buffer = out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  const packedHeaders = headers.map((json) => workerData.headersPrefix + zlib.deflateRawSync(json, headerOptions).toString("base64"));
  parentPort.postMessage({ id, bytes: buffer, lengths: packed.map((p) => p.length), headers: packedHeaders }, [buffer]);
});
`;

/** Longest a batch waits for its bodies before it is stored as received. */
const PACK_TIMEOUT_MS = 2_000;

/** One batch back from the thread: per delivery, its body and headers compressed, or null. */
export interface Packed {
  bodies: (Uint8Array | null)[];
  headers: (string | null)[];
}

interface Waiting {
  resolve(packed: Packed): void;
  count: number;
  timer: NodeJS.Timeout;
}

export class BodyPacker {
  #thread: Worker | null = null;
  #next = 1;
  readonly #waiting = new Map<number, Waiting>();

  /**
   * Each body and headers JSON compressed, in order, or all null when the thread could
   * not do it (the caller then stores them as received). Never rejects.
   */
  pack(bodies: readonly Uint8Array[], headers: readonly string[]): Promise<Packed> {
    const none = () => nothingPacked(bodies.length);
    if (bodies.length === 0) return Promise.resolve(none());
    let thread: Worker;
    try {
      thread = this.#ensureThread();
    } catch (error) {
      logger.warn("ingest: the compression thread did not start; storing bodies as received", { error: String(error) });
      return Promise.resolve(none());
    }
    const lengths = bodies.map((body) => body.byteLength);
    const joined = Buffer.allocUnsafeSlow(lengths.reduce((sum, n) => sum + n, 0));
    let offset = 0;
    for (const body of bodies) {
      joined.set(body, offset);
      offset += body.byteLength;
    }
    const id = this.#next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        logger.warn("ingest: the compression thread did not answer in time; storing a batch as received");
        resolve(none());
      }, PACK_TIMEOUT_MS);
      this.#waiting.set(id, { resolve, count: bodies.length, timer });
      thread.postMessage({ id, bytes: joined.buffer, lengths, headers }, [joined.buffer]);
    });
  }

  /** Stops the thread; batches still waiting are stored as received. */
  async close(): Promise<void> {
    const thread = this.#thread;
    this.#thread = null;
    this.#settleAll();
    await thread?.terminate();
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
    // Ingest must not keep a process alive that is otherwise done.
    thread.unref();
    thread.on("message", (message: { id: number; bytes: ArrayBuffer; lengths: number[]; headers: string[] }) => {
      const waiting = this.#waiting.get(message.id);
      if (!waiting) return;
      this.#waiting.delete(message.id);
      clearTimeout(waiting.timer);
      const bytes = new Uint8Array(message.bytes);
      let offset = 0;
      waiting.resolve({
        bodies: message.lengths.map((length) => {
          const packed = bytes.subarray(offset, offset + length);
          offset += length;
          return length === 0 ? null : packed;
        }),
        headers: message.headers,
      });
    });
    const lost = (reason: string) => {
      if (this.#thread !== thread) return;
      this.#thread = null;
      logger.warn("ingest: the compression thread stopped; waiting batches are stored as received", { reason });
      this.#settleAll();
    };
    thread.on("error", (error) => lost(String(error)));
    thread.on("exit", (code) => lost(`exit ${code}`));
    this.#thread = thread;
    return thread;
  }

  #settleAll() {
    for (const [id, waiting] of this.#waiting) {
      clearTimeout(waiting.timer);
      waiting.resolve(nothingPacked(waiting.count));
      this.#waiting.delete(id);
    }
  }
}

function nothingPacked(count: number): Packed {
  return { bodies: Array.from({ length: count }, () => null), headers: Array.from({ length: count }, () => null) };
}
