// Every event of a filter as a file: NDJSON (the list's fields plus `payload`, and
// `rawBody` as base64 with `raw`) or CSV (the list's columns plus a one-line
// `summary`). One core for `GET /api/v1/events/export`, the /events page's Export and
// `hookline export`, which read it as a web stream or write it to a file.
//
// Memory stays flat whatever the size of the export:
//   1. the filter is resolved once (type patterns to exact types, as the list does);
//   2. events are read in batches by keyset cursor on (sort key, id), the list's own
//      order and index, so batch 1,000 costs what batch 1 costs;
//   3. each batch is formatted and handed on before the next is read, and the next is
//      read only when the consumer has room (`pull` of a web stream, `drain` of a
//      file): a slow client slows the query instead of filling memory;
//   4. a consumer that goes away (client disconnect, Ctrl-C) stops the loop before the
//      next batch.
//
// Masking is the API's: one-time codes and email/SMS bodies are masked in `payload`
// for every role. `raw` (operators and admins; the route checks and audits) gives the
// unmasked payload and the exact bytes of the first delivery.
import { Buffer } from "node:buffer";
import { once } from "node:events";
import type { Writable } from "node:stream";

import type { DatabaseHandle } from "~/db/prisma.server";
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
 * about twice the rows per second (docs/benchmarks.md, "Export").
 */
async function readSqliteBatch(handle: DatabaseHandle, query: Prisma.Sql): Promise<BatchRow[]> {
  const raw = await handle.withSqlite!((db) => db.prepare(query.sql).all(...query.values) as Record<string, unknown>[]);
  return raw.map((row) => ({
    ...(row as unknown as EventRow),
    firstReceivedAt: new Date(Number(row.firstReceivedAt)),
    body: null,
    bytes: null,
    rawBody: row.rawBody ? Buffer.from(row.rawBody as Uint8Array) : Buffer.alloc(0),
  }));
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
  while (!options.signal?.aborted) {
    const conditions = [...base];
    if (after) conditions.push(keysetCondition(column, after.key, after.id, descending ? "<" : ">"));
    const order = Prisma.sql`ORDER BY ${column ? Prisma.sql`${column} ${direction}, ` : Prisma.empty}e."id" ${direction} LIMIT ${batchSize}`;
    let rows: BatchRow[];
    if (handle.provider === "sqlite" && handle.withSqlite) {
      rows = await readSqliteBatch(handle, Prisma.sql`
        SELECT ${EVENT_COLUMNS}, (SELECT d."rawBody" FROM "Delivery" d WHERE d."id" = e."firstDeliveryId") AS "rawBody"
        FROM "Event" e ${whereClause(conditions)} ${order}`);
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
    const stored = await handle.db.delivery.findMany({ where: { id: { in: asBytes } }, select: { id: true, rawBody: true } });
    const byDelivery = new Map(stored.map((d) => [d.id, Buffer.from(d.rawBody)]));
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
 */
function payloadJson(item: ExportedEvent, raw: boolean): string {
  if (!raw && typeHasSecrets(item.event.type)) return JSON.stringify(payloadFor(item, raw)) ?? "null";
  const text = item.raw.toString("utf8");
  const trimmed = text.trim();
  if (trimmed.startsWith("{") && trimmed.endsWith("}") && Buffer.byteLength(text) === item.raw.length) return trimmed.replace(/[\r\n]/g, " ");
  return JSON.stringify(item.envelope) ?? "null";
}

/** One NDJSON line (with its newline). */
export function ndjsonLine(item: ExportedEvent, raw: boolean): string {
  const fields = JSON.stringify(item.event);
  const rawBody = raw ? `,"rawBody":"${item.raw.toString("base64")}"` : "";
  return `${fields.slice(0, -1)},"payload":${payloadJson(item, raw)}${rawBody}}\n`;
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

function formatBatch(batch: ExportedEvent[], options: ExportOptions): string {
  let out = "";
  for (const item of batch) out += options.format === "csv" ? csvLine(item, options.raw) : ndjsonLine(item, options.raw);
  return out;
}

// ---------------------------------------------------------------------------
// Consumers

/**
 * The export as a web stream for an HTTP answer. `drained` (from the server's load
 * context) resolves when the socket has room again; the next batch is read only then.
 */
export function exportStream(
  handle: DatabaseHandle,
  query: ExportQuery,
  options: ExportOptions & { drained?: () => Promise<void>; onEnd?: (result: { rows: number; aborted: boolean; error?: unknown }) => void },
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
          controller.enqueue(encoder.encode(formatBatch(next.value, options)));
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
  const write = async (text: string) => {
    if (out.write(text)) return;
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
    await write(formatBatch(batch, options));
    rows += batch.length;
    onBatch?.(rows);
  }
  return { rows, aborted: Boolean(options.signal?.aborted) };
}
