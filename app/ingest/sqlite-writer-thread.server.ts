// The ingest writer thread: the server's group commit writes its batches here, on a
// connection of their own, so the main thread goes on reading, verifying and answering
// requests while SQLite writes. A batch is answered after its transaction commits, as
// in-process; a request's answer still waits for its row.
//
// Measured on the 2-core build machine: SQLite was ~43 % of the main thread's time at
// full load (docs/benchmarks.md). HOOKLINE_INGEST_THREAD=0 writes in-process instead.
import { Worker as Thread } from "node:worker_threads";

import { logger } from "~/observability/logger.server";
import type { BatchSink } from "./sqlite-group-commit.server";
import type { BatchResult, Operation } from "./sqlite-batch-writer.server";

export interface BatchRequest {
  seq: number;
  operations: Operation[];
}

export type BatchReply = { seq: number; results: BatchResult[] } | { seq: number; error: { message: string; code?: string } };

interface InFlight {
  resolve(results: BatchResult[]): void;
  reject(error: Error): void;
}

export interface WriterThread {
  sink: BatchSink;
  /** Starts the thread now rather than with the first batch (the server, at start-up). */
  start(): void;
  /** Waits for the batch in flight, then closes the thread's connection. */
  stop(): Promise<void>;
}

/**
 * Bodies go over as copies the thread owns (transferred, not cloned): a small Buffer is
 * a view of Node's shared 8 KiB pool, and cloning the view would copy the whole pool.
 * Parsed JSON stays here; the thread parses the body again, off the main thread.
 */
function forTransfer(operations: Operation[]): { operations: Operation[]; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const copyBody = <T extends { rawBody: Uint8Array<ArrayBuffer> }>(row: T): T => {
    const rawBody = new Uint8Array(row.rawBody);
    transfer.push(rawBody.buffer);
    return { ...row, rawBody };
  };
  const copies = operations.map((operation): Operation => {
    if (operation.kind === "rejected") return { kind: "rejected", row: copyBody(operation.row) };
    const { data: _data, json: _json, ...input } = operation.input;
    return { kind: "verified", input: { ...input, data: {}, delivery: copyBody(input.delivery) } };
  });
  return { operations: copies, transfer };
}

export function startWriterThread(file: string, entry = new URL("./sqlite-writer-thread-entry.mjs", import.meta.url)): WriterThread {
  let thread: Thread | null = null;
  let seq = 0;
  const inFlight = new Map<number, InFlight>();

  const launch = () => {
    // The thread inherits this process's execArgv and environment (pragmas, busy timeout).
    const current = new Thread(entry, { workerData: { file } });
    current.unref();
    current.on("message", (reply: BatchReply | "stopped") => {
      if (reply === "stopped") return;
      const waiting = inFlight.get(reply.seq);
      if (!waiting) return;
      inFlight.delete(reply.seq);
      if ("results" in reply) waiting.resolve(reply.results);
      else waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    });
    current.on("error", (error) => logger.error("ingest writer thread failed", { error: error.stack ?? String(error) }));
    current.on("exit", (code) => {
      if (thread === current) thread = null;
      // Nothing in flight was acknowledged: its requests get 503 and Svix retries them.
      for (const [key, waiting] of inFlight) {
        inFlight.delete(key);
        waiting.reject(new Error(`The ingest writer thread exited (code ${code}) before its batch committed`));
      }
    });
    thread = current;
    return current;
  };

  return {
    start() {
      thread ??= launch();
    },
    sink(operations) {
      const current = thread ?? launch();
      const { operations: copies, transfer } = forTransfer(operations);
      return new Promise<BatchResult[]>((resolve, reject) => {
        const request: BatchRequest = { seq: ++seq, operations: copies };
        inFlight.set(request.seq, { resolve, reject });
        current.postMessage(request, transfer);
      });
    },
    async stop() {
      const current = thread;
      if (!current) return;
      while (inFlight.size) await new Promise((resolve) => setTimeout(resolve, 5));
      const stopped = new Promise<void>((resolve) => {
        current.on("message", (message) => message === "stopped" && resolve());
        current.once("exit", () => resolve());
      });
      current.postMessage("stop");
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      thread = null;
      await current.terminate();
    },
  };
}
