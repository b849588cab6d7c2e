// HTTP adapters for ingest: reading a body under a size limit without buffering more
// than the limit, from a Node request (the production server's direct mount) or a
// Fetch API request (the Remix route). Both end in ingestDelivery().
import type { IncomingMessage, ServerResponse } from "node:http";

import { logger } from "~/observability/logger.server";
import { recordIngest } from "~/observability/metrics.server";
import { ingestDelivery, MAX_STORED_OVERSIZE_BYTES, StorageUnavailableError, type IngestDependencies, type IngestResult } from "./ingest.server";

export interface BodyRead {
  body: Buffer;
  size: number;
  tooLarge: boolean;
}

/** Reads a Node request body; stops reading (and pauses the socket) past `limit`. */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (tooLarge: boolean) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      const body = Buffer.concat(chunks);
      resolve({
        body: tooLarge ? body.subarray(0, MAX_STORED_OVERSIZE_BYTES) : body,
        size: tooLarge && Number.isFinite(declared) ? Math.max(declared, size) : size,
        tooLarge,
      });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        const kept = chunks.reduce((n, c) => n + c.length, 0);
        if (kept < MAX_STORED_OVERSIZE_BYTES) chunks.push(chunk.subarray(0, MAX_STORED_OVERSIZE_BYTES - kept));
        req.pause();
        finish(true);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish(false));
    req.once("error", (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    req.once("aborted", () => {
      if (!settled) {
        settled = true;
        reject(new Error("Client aborted the request"));
      }
    });
  });
}

/** Reads a Fetch API body stream; cancels it past `limit`. */
export async function readWebBody(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<BodyRead> {
  if (!stream) return { body: Buffer.alloc(0), size: 0, tooLarge: false };
  const reader = stream.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      const body = Buffer.concat([...chunks, Buffer.from(value)]).subarray(0, MAX_STORED_OVERSIZE_BYTES);
      return { body, size, tooLarge: true };
    }
    chunks.push(Buffer.from(value));
  }
  return { body: Buffer.concat(chunks), size, tooLarge: false };
}

export function headerPairs(rawHeaders: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}

export interface IngestAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The answer for a stored delivery; `startedAt` (performance.now()) feeds the latency histogram. */
export function answerFor(result: IngestResult, startedAt: number): IngestAnswer {
  recordIngest(result.outcome, (performance.now() - startedAt) / 1000);
  return {
    status: result.status,
    body: { outcome: result.outcome, deliveryId: result.deliveryId, eventId: result.eventId, detail: result.detail },
  };
}

export function unavailableAnswer(error: unknown, requestId: string | null, startedAt: number): IngestAnswer {
  recordIngest("storage_unavailable", (performance.now() - startedAt) / 1000);
  logger.error("ingest: database unavailable, answered 503 so the sender retries", {
    requestId,
    error: error instanceof StorageUnavailableError ? error.message : String(error),
  });
  return { status: 503, body: { error: "storage_unavailable", detail: "The database is unavailable; retry later." } };
}

/** The production server's direct mount of ingest (ahead of the Remix handler). */
export function createNodeIngestHandler(deps: () => IngestDependencies) {
  return async (req: IncomingMessage & { params?: Record<string, string>; requestId?: string }, res: ServerResponse) => {
    const requestId = req.requestId ?? null;
    const send = ({ status, body }: IngestAnswer, close = false) => {
      const json = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(json),
        ...(close ? { connection: "close" } : {}),
      });
      res.end(json);
    };
    const dependencies = deps();
    let read: BodyRead;
    try {
      read = await readNodeBody(req, dependencies.maxBodyBytes);
    } catch {
      return; // the client went away mid-body: there is nobody to answer
    }
    const startedAt = performance.now();
    try {
      const result = await ingestDelivery(dependencies, {
        sourceSlug: req.params?.source ?? "",
        body: read.body,
        size: read.size,
        tooLarge: read.tooLarge,
        headers: headerPairs(req.rawHeaders),
        remoteAddr: req.socket.remoteAddress ?? null,
        requestId,
      });
      // An oversized body was not read to the end; close rather than drain it.
      send(answerFor(result, startedAt), read.tooLarge);
      if (read.tooLarge) res.once("finish", () => req.destroy());
    } catch (error) {
      send(unavailableAnswer(error, requestId, startedAt), read.tooLarge);
    }
  };
}
