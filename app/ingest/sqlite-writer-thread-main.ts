// The ingest writer thread (see sqlite-writer-thread.server.ts): its own SQLite
// connection, one batch at a time, each answered after its transaction commits.
import { parentPort, workerData } from "node:worker_threads";

import Database from "better-sqlite3";

import { applyPragmas } from "~/db/sqlite-pragmas";
import { busyGiveUpMs, isBusy, writeBatch, type Operation } from "./sqlite-batch-writer.server";
import type { BatchReply, BatchRequest } from "./sqlite-writer-thread.server";

const db = new Database((workerData as { file: string }).file);
applyPragmas(db);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

// Decoded as parseEnvelope decodes (a byte order mark is dropped).
const utf8 = new TextDecoder("utf-8");

/**
 * The main thread sends bodies, not parsed JSON (cheaper to copy); parse them again
 * here. The main thread parsed the same bytes the same way, so this does not fail; if
 * it ever did, the event is stored without resource ids and left to the worker's
 * indexer rather than failing the whole batch.
 */
function revive(operation: Operation): Operation {
  if (operation.kind !== "verified") return operation;
  try {
    const json = JSON.parse(utf8.decode(operation.input.delivery.rawBody)) as { data: Record<string, unknown> };
    return { kind: "verified", input: { ...operation.input, data: json.data, json } };
  } catch {
    return operation;
  }
}

function write(operations: Operation[]) {
  const started = Date.now();
  for (;;) {
    try {
      return writeBatch(db, operations);
    } catch (error) {
      // Another connection holds the write lock: wait 1 ms on this thread (only
      // ingest's writes wait; the main thread goes on answering) and try again.
      if (isBusy(error) && Date.now() - started < busyGiveUpMs()) {
        Atomics.wait(sleeper, 0, 0, 1);
        continue;
      }
      throw error;
    }
  }
}

parentPort!.on("message", (message: BatchRequest | "stop") => {
  if (message === "stop") {
    db.close();
    parentPort!.postMessage("stopped");
    return;
  }
  let reply: BatchReply;
  try {
    reply = { seq: message.seq, results: write(message.operations.map(revive)) };
  } catch (error) {
    const { message: text, code } = error as { message?: string; code?: string };
    reply = { seq: message.seq, error: { message: text ?? String(error), code } };
  }
  parentPort!.postMessage(reply);
});
