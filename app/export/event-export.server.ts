// Every event of a filter as a file: NDJSON (the list's fields plus `payload`, and
// `rawBody` as base64 with `raw`) or CSV (the list's columns plus a one-line
// `summary`). One core for `GET /api/v1/events/export`, the /events page's Export and
// `hookline export`, which read it as a web stream or write it to a file.
//
// Memory stays flat whatever the size of the export:
//   1. the filter is resolved once (type patterns to exact types, as the list does);
//   2. events are read in batches by keyset cursor on (sort key, id), the list's own
//      order and index, so batch 1,000 costs what batch 1 costs (the cursor is a
//      row-value comparison, which both databases read as an index range);
//   3. each batch is formatted and handed on before the next is read, and the next is
//      read only when the consumer has room (`pull` of a web stream, `drain` of a
//      file): a slow client slows the query instead of filling memory;
//   4. a consumer that goes away (client disconnect, Ctrl-C) stops the loop before the
//      next batch.
//
// Masking is the API's: one-time codes and email/SMS bodies are masked in `payload`
// for every role. `raw` (operators and admins; the route checks and audits) gives the
// unmasked payload and the exact bytes of the first delivery.
import { Buffer, isUtf8 } from "node:buffer";
import { once } from "node:events";
import type { Writable } from "node:stream";

import type { Statement } from "better-sqlite3";

import type { DatabaseHandle } from "~/db/prisma.server";
import { bodyOf, STORED_BODY } from "~/deliveries/body-codec.server";
import { Prisma } from "~/generated/sqlite/client";
import { summarizeEvent } from "~/lifecycle/event-summary";
import type { Json } from "~/lifecycle/lifecycle-event";
import type { EventFilter } from "~/events/event-filter";
import { rawBodyAsText, rawBodyLength } from "~/events/event-payload.server";
import {
  EVENT_COLUMNS,
  eventFilterConditions,
  keysetCondition,
  resolveTypePatterns,
  toApiEvent,
  whereClause,
  type ApiEvent,
  type EventRow,
} from "~/events/event-query.server";
import { redactEnvelope, typeHasSecrets } from "~/events/redaction";

export const EXPORT_FORMATS = ["ndjson", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportQuery {
  filter: Partial<EventFilter>;
  sort: "timestamp" | "received";
  dir: "desc" | "asc";
}

export interface ExportOptions {
  format: ExportFormat;
  /** Unmasked payload and `rawBody` (base64). The caller checks the role and audits. */
  raw: boolean;
  /** Events read per query (default 1,000). */
  batchSize?: number;
  /** Stops before the next batch once aborted. */
  signal?: AbortSignal;
}

export interface ExportedEvent {
  event: ApiEvent;
  /** The parsed envelope (null when the stored bytes do not parse). */
  envelope: unknown;
  /** The exact bytes of the event's first delivery. */
  raw: Buffer;
}

const DEFAULT_BATCH = 1_000;

type BatchRow = EventRow & { body: string | null; bytes: number | bigint | null; rawBody?: Buffer | null };

/**
 * SQLite: the batch straight from the raw connection (queued with Prisma's statements).
 * NOTE: through Prisma's driver adapter every row is converted twice more, and a body
 * costs a value per byte; this reads the BLOB as a Buffer, exact by construction, at
 * about twice the rows per second (docs/benchmarks.md, "Export"). The rows are adjusted
 * in place (no copy of each row): this is where a SQLite row's stored body is read.
 */
async function readSqliteBatch(handle: DatabaseHandle, query: Prisma.Sql, statements: Map<string, Statement>): Promise<BatchRow[]> {
  const rows = await handle.withSqlite!((db) => {
    // One prepared statement per SQL text for the whole export: the cursor is a
    // parameter, so every batch after the first runs the same statement again.
    let statement = statements.get(query.sql);
    if (!statement) {
      statement = db.prepare(query.sql);
      statements.set(query.sql, statement);
    }
    return statement.all(...query.values) as Record<string, unknown>[];
  });
  for (const row of rows) {
    row.firstReceivedAt = new Date(Number(row.firstReceivedAt));
    row.body = null;
    row.bytes = null;
    // better-sqlite3 gives a BLOB as a Buffer of its own.
    row.rawBody = (row.rawBody as Buffer | null) ?? Buffer.alloc(0);
  }
  return rows as unknown as BatchRow[];
}

/** The events of a filter in the list's order, a batch at a time. */
export async function* readExportBatches(
  handle: DatabaseHandle,
  query: ExportQuery,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<ExportedEvent[]> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const filter = await resolveTypePatterns(handle, query.filter);
  const base = eventFilterConditions(handle.provider, filter);
  // NOTE: arrival order is id order (ids are newId(firstReceivedAt)), as in listEvents.
  const column = query.sort === "received" ? null : Prisma.sql`e."timestampMs"`;
  const descending = query.dir === "desc";
  const direction = descending ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  let after: { key: bigint | null; id: string } | null = null;
  let withBodies = true;
  const statements = new Map<string, Statement>();
  while (!options.signal?.aborted) {
    const conditions = [...base];
    if (after) conditions.push(keysetCondition(column, after.key, after.id, descending ? "<" : ">"));
    const order = Prisma.sql`ORDER BY ${column ? Prisma.sql`${column} ${direction}, ` : Prisma.empty}e."id" ${direction} LIMIT ${batchSize}`;
    let rows: BatchRow[];
    if (handle.provider === "sqlite" && handle.withSqlite) {
      rows = await readSqliteBatch(handle, Prisma.sql`
        SELECT ${EVENT_COLUMNS}, (SELECT hookline_body(d."rawBody", d."bodyEncoding") FROM "Delivery" d WHERE d."id" = e."firstDeliveryId") AS "rawBody"
        FROM "Event" e ${whereClause(conditions)} ${order}`, statements);
    } else if (withBodies) {
      try {
        // The body as text in the same query: a correlated lookup by primary key keeps
        // the planner on the event index (a join lets SQLite start elsewhere), and text
        // costs a fraction of what bytes cost through the driver adapter.
        rows = await handle.db.$queryRaw<BatchRow[]>`
          SELECT ${EVENT_COLUMNS},
            (SELECT ${rawBodyAsText(handle.provider)} FROM "Delivery" d WHERE d."id" = e."firstDeliveryId") AS "body",
            (SELECT ${rawBodyLength(handle.provider)} FROM "Delivery" d WHERE d."id" = e."firstDeliveryId") AS "bytes"
          FROM "Event" e ${whereClause(conditions)} ${order}`;
      } catch {
        // Postgres refuses to convert bytes that are not UTF-8: read bodies as bytes from here on.
        withBodies = false;
        continue;
      }
    } else {
      const plain = await handle.db.$queryRaw<EventRow[]>`SELECT ${EVENT_COLUMNS} FROM "Event" e ${whereClause(conditions)} ${order}`;
      rows = plain.map((row) => ({ ...row, body: null, bytes: null }));
    }
    if (rows.length === 0) return;
    yield await toExported(handle, rows);
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { key: column ? BigInt(last.timestampMs) : null, id: last.id };
  }
}

/** Bodies whose text does not give back the stored length are read again as bytes, so every body is exact. */
async function toExported(handle: DatabaseHandle, rows: BatchRow[]): Promise<ExportedEvent[]> {
  const raws = new Map<string, Buffer>();
  const asBytes: string[] = [];
  for (const row of rows) {
    if (row.rawBody) {
      raws.set(row.id, row.rawBody);
      continue;
    }
    if (row.body === null) {
      asBytes.push(row.firstDeliveryId);
      continue;
    }
    const raw = Buffer.from(row.body, "utf8");
    if (raw.length === Number(row.bytes)) raws.set(row.id, raw);
    else asBytes.push(row.firstDeliveryId);
  }
  if (asBytes.length) {
    const stored = await handle.db.delivery.findMany({ where: { id: { in: asBytes } }, select: { id: true, ...STORED_BODY } });
    const byDelivery = new Map(stored.map((d) => [d.id, bodyOf(d)]));
    for (const row of rows) if (!raws.has(row.id)) raws.set(row.id, byDelivery.get(row.firstDeliveryId) ?? Buffer.alloc(0));
  }
  return rows.map((row) => new Exported(toApiEvent(row), raws.get(row.id)!));
}

/** Parsed only when something needs the value (masking, the CSV summary): NDJSON mostly copies the text. */
class Exported implements ExportedEvent {
  #envelope: unknown = undefined;
  constructor(
    readonly event: ApiEvent,
    readonly raw: Buffer,
  ) {}
  get envelope(): unknown {
    if (this.#envelope === undefined) {
      try {
        this.#envelope = JSON.parse(this.raw.toString("utf8"));
      } catch {
        this.#envelope = null;
      }
    }
    return this.#envelope;
  }
}

// ---------------------------------------------------------------------------
// Formats

export const CSV_COLUMNS = [
  "id",
  "svixId",
  "type",
  "knownType",
  "timestamp",
  "receivedAt",
  "source",
  "instanceId",
  "resourceType",
  "resourceId",
  "userId",
  "organizationId",
  "subscriptionId",
  "payerId",
  "deliveryCount",
  "outOfOrder",
  "verifiedOutsideTolerance",
] as const satisfies readonly (keyof ApiEvent)[];

export function contentTypeOf(format: ExportFormat): string {
  return format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
}

export function exportFileName(format: ExportFormat, now = new Date()): string {
  return `hookline-events-${now.toISOString().slice(0, 19).replace(/[:T]/g, "-")}.${format}`;
}

/** What a reader may see of the payload: masked unless `raw`. */
function payloadFor(item: ExportedEvent, raw: boolean): unknown {
  if (raw || !typeHasSecrets(item.event.type)) return item.envelope;
  return redactEnvelope(item.event.type, item.envelope).value;
}

/**
 * The payload as JSON text. An event's body is a JSON envelope (ingest parsed these very
 * bytes before it made the event), so unless something is masked the stored text is
 * copied as it is, its CR and LF (only ever whitespace between tokens in JSON) made
 * spaces to keep it on one line: parsing and serialising again was half the export's time.
 * (The NDJSON batch copies the bytes themselves: see `copyableSpan`.)
 */
function payloadJson(item: ExportedEvent, raw: boolean): string {
  if (!raw && typeHasSecrets(item.event.type)) return JSON.stringify(payloadFor(item, raw)) ?? "null";
  const text = item.raw.toString("utf8");
  const trimmed = text.trim();
  if (trimmed.startsWith("{") && trimmed.endsWith("}") && Buffer.byteLength(text) === item.raw.length) return trimmed.replace(/[\r\n]/g, " ");
  return JSON.stringify(item.envelope) ?? "null";
}

const isJsonSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Where the stored body is a JSON object that can go into the line byte for byte:
 * valid UTF-8, `{` to `}` once JSON whitespace is trimmed. Anything else (masked types
 * aside) takes `payloadJson`'s path, which gives the same text for these bodies.
 */
function copyableSpan(raw: Buffer): { start: number; end: number } | null {
  let start = 0;
  let end = raw.length;
  while (start < end && isJsonSpace(raw[start])) start++;
  while (end > start && isJsonSpace(raw[end - 1])) end--;
  if (end - start < 2 || raw[start] !== 0x7b || raw[end - 1] !== 0x7d || !isUtf8(raw)) return null;
  return { start, end };
}

/**
 * Output chunks of this size at most (unless one line is longer).
 * NOTE: glibc serves allocations over 128 KiB with mmap, and after freeing one it raises
 * that threshold to the freed size for good; from then on batch-sized buffers (1.7 MB of
 * NDJSON, 3.4 MB with raw) came from the heap and fragmented it: RSS crept up by about
 * 60 MB over a million events. Chunks below the threshold are reused from the heap.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * A batch of NDJSON lines as a few Buffers: the stored bodies are copied into them as
 * bytes, with no UTF-8 decoding into a string and encoding back, and no string per line.
 */
function ndjsonBatch(batch: ExportedEvent[], raw: boolean): Buffer[] {
  const chunks: Buffer[] = [];
  let out = Buffer.allocUnsafe(CHUNK_BYTES);
  let at = 0;
  const room = (bytes: number) => {
    if (at + bytes <= out.length) return;
    if (at > 0) chunks.push(out.subarray(0, at));
    out = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    at = 0;
  };
  const text = (value: string) => {
    room(value.length * 3);
    at += out.write(value, at, "utf8");
  };
  for (const item of batch) {
    const fields = JSON.stringify(item.event);
    text(fields.slice(0, -1));
    text(`,"payload":`);
    const span = raw || !typeHasSecrets(item.event.type) ? copyableSpan(item.raw) : null;
    if (span) {
      const length = span.end - span.start;
      room(length);
      item.raw.copy(out, at, span.start, span.end);
      // NOTE: in UTF-8, bytes 0x0A and 0x0D are never part of a longer character.
      if (item.raw.includes(0x0a) || item.raw.includes(0x0d)) {
        for (let i = at; i < at + length; i++) if (out[i] === 0x0a || out[i] === 0x0d) out[i] = 0x20;
      }
      at += length;
    } else {
      text(payloadJson(item, raw));
    }
    if (raw) {
      text(`,"rawBody":"`);
      const base64 = item.raw.toString("base64");
      room(base64.length);
      at += out.write(base64, at, "latin1");
      text(`"}\n`);
    } else {
      text("}\n");
    }
  }
  if (at > 0) chunks.push(out.subarray(0, at));
  return chunks;
}

export function csvHeader(raw: boolean): string {
  return `${[...CSV_COLUMNS, "summary", ...(raw ? ["rawBody"] : [])].join(",")}\r\n`;
}

/** One CSV record (RFC 4180, CRLF). */
export function csvLine(item: ExportedEvent, raw: boolean): string {
  const data = item.envelope && typeof item.envelope === "object" ? ((item.envelope as { data?: unknown }).data ?? null) : null;
  // NOTE: summarizeEvent never reads message bodies or codes, so it is safe for every role.
  const summary = summarizeEvent(item.event.type, data && typeof data === "object" && !Array.isArray(data) ? (data as Json) : null);
  const cells = CSV_COLUMNS.map((column) => csvCell(item.event[column]));
  cells.push(csvCell(summary));
  if (raw) cells.push(item.raw.toString("base64"));
  return `${cells.join(",")}\r\n`;
}

/**
 * A CSV cell. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
 * CR first) gets a leading `'`: payload values such as a user's name come from outside.
 * NOTE: OWASP "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A batch as chunks of at most about CHUNK_BYTES (see there). */
function formatBatch(batch: ExportedEvent[], options: ExportOptions): Buffer[] {
  if (options.format === "ndjson") return ndjsonBatch(batch, options.raw);
  const chunks: Buffer[] = [];
  let out = "";
  for (const item of batch) {
    out += csvLine(item, options.raw);
    if (out.length >= CHUNK_BYTES / 3) {
      chunks.push(Buffer.from(out, "utf8"));
      out = "";
    }
  }
  if (out) chunks.push(Buffer.from(out, "utf8"));
  return chunks;
}

// ---------------------------------------------------------------------------
// Consumers

/**
 * The export as a web stream for an HTTP answer. `drained` (from the server's load
 * context) resolves when the socket has room again; the next batch is read only then.
 * `gone` says the client left: the stream stops then even if the request's abort
 * signal did not fire.
 */
export function exportStream(
  handle: DatabaseHandle,
  query: ExportQuery,
  options: ExportOptions & {
    drained?: () => Promise<void>;
    gone?: () => boolean;
    onEnd?: (result: { rows: number; aborted: boolean; error?: unknown }) => void;
  },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  const batches = readExportBatches(handle, query, { batchSize: options.batchSize, signal: stop.signal });
  let headerSent = false;
  let rows = 0;
  let ended = false;
  const end = (aborted: boolean, error?: unknown) => {
    if (ended) return;
    ended = true;
    options.signal?.removeEventListener("abort", abort);
    options.onEnd?.({ rows, aborted, error });
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!headerSent && options.format === "csv") {
            headerSent = true;
            controller.enqueue(encoder.encode(csvHeader(options.raw)));
            return;
          }
          await options.drained?.();
          if (options.gone?.()) stop.abort();
          if (stop.signal.aborted) {
            await batches.return(undefined);
            end(true);
            controller.close();
            return;
          }
          const next = await batches.next();
          if (next.done) {
            end(stop.signal.aborted);
            controller.close();
            return;
          }
          rows += next.value.length;
          for (const chunk of formatBatch(next.value, options)) controller.enqueue(chunk);
        } catch (error) {
          end(false, error);
          controller.error(error);
        }
      },
      async cancel() {
        stop.abort();
        await batches.return(undefined);
        end(true);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The export written to a Node stream (a file for `hookline export`), waiting for
 * `drain` between batches. `onBatch` gets the running count, for a progress bar.
 */
export async function writeExport(
  handle: DatabaseHandle,
  query: ExportQuery,
  options: ExportOptions,
  out: Writable,
  onBatch?: (rows: number) => void,
): Promise<{ rows: number; aborted: boolean }> {
  let rows = 0;
  const write = async (chunk: string | Uint8Array) => {
    if (out.write(chunk)) return;
    // Whichever comes first; the other listener is removed, or a long export would leave
    // one behind per wait (MaxListenersExceededWarning).
    const settled = new AbortController();
    try {
      await Promise.race([once(out, "drain", { signal: settled.signal }), once(out, "close", { signal: settled.signal })]);
    } finally {
      settled.abort();
    }
  };
  if (options.format === "csv") await write(csvHeader(options.raw));
  for await (const batch of readExportBatches(handle, query, { batchSize: options.batchSize, signal: options.signal })) {
    const chunks = formatBatch(batch, options);
    for (const chunk of chunks.slice(0, -1)) out.write(chunk);
    if (chunks.length) await write(chunks.at(-1)!);
    rows += batch.length;
    onBatch?.(rows);
  }
  return { rows, aborted: Boolean(options.signal?.aborted) };
}
