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
  /** Over the limit and not read to its end: the connection must be closed, not reused. */
  undrained?: boolean;
}

/**
 * Past the limit, the rest of an oversized body is read and thrown away (up to this
 * many bytes in all) so that the client, still sending, reads the 413 instead of a
 * connection reset. Beyond it the socket is paused and closed after the answer.
 */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/** Reads a Node request body, keeping at most `limit` bytes (the first 64 KiB past it). */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let kept = 0;
    const finish = (undrained: boolean) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      const body = Buffer.concat(chunks);
      const tooLarge = size > limit;
      resolve({
        body: tooLarge ? body.subarray(0, MAX_STORED_OVERSIZE_BYTES) : body,
        size: tooLarge && Number.isFinite(declared) ? Math.max(declared, size) : size,
        tooLarge,
        undrained,
      });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        kept += chunk.length;
        return;
      }
      // Over the limit: keep the first 64 KiB, throw the rest away as it comes.
      if (kept < MAX_STORED_OVERSIZE_BYTES) {
        const part = chunk.subarray(0, MAX_STORED_OVERSIZE_BYTES - kept);
        chunks.push(part);
        kept += part.length;
      }
      if (size > Math.max(limit, MAX_DRAINED_BYTES)) {
        req.pause();
        finish(true);
      }
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

/**
 * The production server's direct mount of ingest (ahead of the Remix handler).
 * `addressOf` gives the client address by the server's trust-proxy rule
 * (app/server/client-address.server.ts), so deliveries and pages agree on it.
 */
export function createNodeIngestHandler(
  deps: () => IngestDependencies,
  addressOf: (req: IncomingMessage) => string | null = (req) => req.socket.remoteAddress ?? null,
) {
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
        remoteAddr: addressOf(req),
        requestId,
      });
      // A body past the drain cap was not read to the end: close rather than read on.
      send(answerFor(result, startedAt), read.undrained);
      if (read.undrained) res.once("finish", () => req.destroy());
    } catch (error) {
      send(unavailableAnswer(error, requestId, startedAt), read.undrained);
    }
  };
}
