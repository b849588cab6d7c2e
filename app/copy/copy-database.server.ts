// Use case: `hookline copy --from URL --to URL`, a whole Hookline database from SQLite
// to Postgres or back, ids unchanged. The steps, in order:
//  1. Check: the source is migrated to exactly this checkout's migrations; the destination
//     is empty, or holds an earlier (interrupted or finished) copy of this same source
//     (the `_HooklineCopy` table names the source by its first migration row's id).
//  2. Migrate the destination (app/db/migrate.server.ts) and record the source in it.
//  3. Copy every table of the source's own catalog in foreign key order, keyset pages by
//     primary key, one transaction per page that also moves the table's cursor: after a
//     kill -9 the next run continues after the last committed page.
//  4. Reconcile and verify every table: read the source again, compare each row's hash
//     with the destination's row of the same key, write what differs or is missing
//     (rows that changed or arrived while the copy ran) and delete what the source no
//     longer has; then compare row counts and checksums. Running `copy` again after
//     stopping the server is the catch-up pass: it is this step on a finished copy.
//  5. Build the search index on the destination (SQLite's FTS5 and Postgres' tsvector
//     differ in form, so it is rebuilt, not copied): copy-search.server.ts, on its own
//     connection while step 4 runs.
// The whole run reads the source in one snapshot, so child rows never point at parents
// that were not there when the parent table was read.
// Secrets are sealed with AAD bound to table:id:field (ADR 0010); ids are copied as they
// are, so they still open on the destination with the same HOOKLINE_ENCRYPTION_KEY.
import { migrateDatabase, readMigrations } from "~/db/migrate.server";
import { databaseProvider } from "~/db/database-url";
import { COPY_STATE_TABLE, openEndpoint, type CopyEndpoint } from "./copy-endpoints.server";
import { openSearchIndexer } from "./copy-search.server";
import {
  decodeCursor,
  encodeCursor,
  keyString,
  rowHash,
  TableChecksum,
  type ColumnInfo,
  type Row,
  type TableInfo,
} from "./copy-values";

/** Columns that are derived on each database and so are not copied as they are. */
export const DERIVED_COLUMNS: Record<string, Record<string, unknown>> = {
  // The destination builds its own search index (step 5, copy-search.server.ts), for
  // every copied event: the worker must not index them again.
  Event: { searchIndexed: true },
};

/** The `_HooklineCopy` row that names the source and holds the run's summary. */
const META_ROW = "*";

export class CopyInputError extends Error {}

export type CopyPhase = "copy" | "verify" | "search";

export interface CopyProgress {
  phase: CopyPhase;
  table: string;
  done: number;
  total: number;
  finished: boolean;
}

export interface TableReport {
  table: string;
  sourceRows: number;
  destinationRows: number;
  sourceChecksum: string;
  destinationChecksum: string;
  /** Rows written or deleted by the reconcile step (changed or new since they were copied). */
  fixed: number;
  identical: boolean;
}

export interface CopyResult {
  tables: TableReport[];
  identical: boolean;
  copiedRows: number;
  indexedEvents: number;
  resumed: boolean;
  durationMs: number;
  phaseMs: Record<CopyPhase, number>;
}

export interface CopyOptions {
  from: string;
  to: string;
  /** Rows per keyset page and per transaction. */
  batchRows?: number;
  onProgress?(progress: CopyProgress): void;
  /** Lines for the operator: what it decided and why. */
  onMessage?(line: string): void;
}

export const DEFAULT_BATCH_ROWS = 2000;

export async function copyDatabase(options: CopyOptions): Promise<CopyResult> {
  const started = performance.now();
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const say = options.onMessage ?? (() => {});
  const progress = options.onProgress ?? (() => {});
  if (sameDatabase(options.from, options.to)) throw new CopyInputError("--from and --to are the same database.");

  const source = openEndpoint(options.from, "source");
  let destination: CopyEndpoint | null = null;
  try {
    // 1. The source.
    const known = readMigrations(databaseProvider(options.from)).map((m) => m.name);
    const applied = await source.appliedMigrations();
    if (applied.length === 0) throw new CopyInputError(`The source (${redact(options.from)}) is not a Hookline database: it has no migrations.`);
    const unknown = applied.filter((name) => !known.includes(name));
    if (unknown.length) throw new CopyInputError(`The source has migrations this checkout does not know (${unknown.join(", ")}): update Hookline first.`);
    if (applied.length < known.length) {
      throw new CopyInputError(
        `The source is ${known.length - applied.length} migration(s) behind this checkout. Migrate it first: DATABASE_URL='${redact(options.from)}' npx hookline migrate`,
      );
    }
    const sourceId = (await source.identity())!;

    // 1. The destination: empty, or a copy of this source.
    destination = openEndpoint(options.to, "destination");
    const state = await destination.readState();
    const resumed = state !== null && state.length > 0;
    if (resumed) {
      const meta = state.find((row) => row.table === META_ROW);
      if (!meta || meta.source !== sourceId) {
        throw new CopyInputError(`The destination holds a copy of another database (${COPY_STATE_TABLE} names a different source). Use an empty database.`);
      }
    } else {
      await requireEmpty(destination);
    }

    // 2. Migrate, and name the source before the first row goes in.
    const migrated = await migrateDatabase(options.to);
    if (migrated.applied.length) say(`Migrated the destination: ${migrated.applied.length} migration(s).`);
    await destination.ensureStateTable();
    if (!resumed) await destination.writeState(META_ROW, sourceId, { copied: false, cursor: redact(options.from) });
    else say(`Continuing the copy recorded in ${COPY_STATE_TABLE} (interrupted run, or the catch-up pass).`);

    await source.beginSnapshot();
    const sourceTables = dependencyOrder(await source.tables());
    const destinationTables = new Map((await destination.tables()).map((t) => [t.name, t]));
    const plans = sourceTables.map((table) => planTable(table, destinationTables.get(table.name)));
    const states = new Map((state ?? []).map((row) => [row.table, row]));
    const phaseMs: Record<CopyPhase, number> = { copy: 0, verify: 0, search: 0 };

    // 3. Copy.
    let copiedRows = 0;
    let t0 = performance.now();
    for (const plan of plans) {
      const tableState = states.get(plan.source.name);
      if (tableState?.copied) continue;
      copiedRows += await copyTable(source, destination, plan, sourceId, tableState?.cursor ?? null, tableState?.rows ?? 0, batchRows, progress);
      await destination.writeState(plan.source.name, sourceId, { copied: true });
    }
    phaseMs.copy = performance.now() - t0;

    // 5, started early: the search index fills on its own connection (mostly database
    // work) while step 4 hashes rows (mostly ours).
    t0 = performance.now();
    const indexer = openSearchIndexer(options.to);
    let searchProgress: ((p: CopyProgress) => void) | null = null;
    let scanned = 0;
    const eventRows = await source.count("Event").catch(() => 0);
    const fillIndex = async () => {
      for (let n; (n = await indexer.next()) > 0; ) {
        scanned += n;
        searchProgress?.({ phase: "search", table: "EventSearch", done: scanned, total: Math.max(eventRows, scanned), finished: false });
      }
    };
    let searching: Promise<void> = Promise.resolve();
    try {
      const savedIndexes = (await destination.readState())?.find((row) => row.table === SEARCH_INDEXES_ROW)?.cursor ?? null;
      await indexer.dropIndexes(savedIndexes ? (JSON.parse(savedIndexes) as string[]) : null, (definitions) =>
        destination!.writeState(SEARCH_INDEXES_ROW, sourceId, { cursor: JSON.stringify(definitions) }),
      );
      searching = fillIndex();
      // Awaited after step 4; until then a failure must not surface as an unhandled rejection.
      searching.catch(() => {});
    } catch (error) {
      await indexer.close();
      throw error;
    }

    // 4. Reconcile and verify.
    const verifyStarted = performance.now();
    const reports = new Map<string, TableReport>();
    const extras: TablePlan[] = [];
    for (const plan of plans) {
      const report = await reconcileTable(source, destination, plan, batchRows, progress);
      reports.set(plan.source.name, report);
      if (report.destinationRows > report.sourceRows) extras.push(plan);
    }
    // Rows the source no longer has (pruned while the copy ran), children first.
    for (const plan of extras.reverse()) {
      const removed = await deleteExtras(source, destination, plan, batchRows);
      if (removed) say(`${plan.source.name}: removed ${removed.toLocaleString("en")} row(s) the source no longer has.`);
    }
    for (const plan of plans) {
      const report = reports.get(plan.source.name)!;
      if (report.identical) continue;
      const again = await reconcileTable(source, destination, plan, batchRows, progress);
      reports.set(plan.source.name, { ...again, fixed: report.fixed + again.fixed });
    }
    phaseMs.verify = performance.now() - verifyStarted;
    await source.endSnapshot();

    const tables = plans.map((plan) => reports.get(plan.source.name)!);
    const identical = tables.every((t) => t.identical);

    // 5, finished: the rest of the index, events the catch-up pass added, the GIN index back.
    try {
      searchProgress = progress;
      await searching;
      const eventReport = reports.get("Event");
      if (eventReport?.fixed) {
        indexer.restart();
        scanned = 0;
        await fillIndex();
      }
      if (extras.some((plan) => plan.source.name === "Event")) await indexer.removeOrphans();
      progress({ phase: "search", table: "EventSearch", done: scanned, total: scanned, finished: true });
      if (await indexer.finish()) await destination.writeState(SEARCH_INDEXES_ROW, sourceId, { cursor: null });
    } finally {
      await indexer.close();
    }
    const indexedEvents = indexer.added;
    phaseMs.search = performance.now() - t0;
    if (identical) await destination.writeState(META_ROW, sourceId, { copied: true, verifiedAt: new Date().toISOString() });
    await destination.close();
    destination = null;

    return { tables, identical, copiedRows, indexedEvents, resumed, durationMs: performance.now() - started, phaseMs };
  } finally {
    await source.close();
    await destination?.close();
  }
}

interface TablePlan {
  source: TableInfo;
  destination: TableInfo;
  /** Destination columns, in the source's column order. */
  writeColumns: ColumnInfo[];
  keyPositions: number[];
  /** Column positions left out of the checksum (derived per database). */
  derived: Set<number>;
  /** Values written instead of the source's in derived columns. */
  overrides: [number, unknown][];
  /** The source's row count taken by the copy step (progress bars only). */
  sourceCount?: number;
}

function planTable(table: TableInfo, destination: TableInfo | undefined): TablePlan {
  if (!destination) throw new CopyInputError(`The destination has no table "${table.name}" after migrating; are both at the same migration?`);
  if (table.primaryKey.length === 0) throw new CopyInputError(`Table "${table.name}" has no primary key; it cannot be copied resumably.`);
  const writeColumns = table.columns.map((column) => {
    const match = destination.columns.find((c) => c.name === column.name);
    if (!match) throw new CopyInputError(`The destination's "${table.name}" has no column "${column.name}".`);
    return match;
  });
  const derived = DERIVED_COLUMNS[table.name] ?? {};
  const overrides: [number, unknown][] = [];
  const skip = new Set<number>();
  table.columns.forEach((column, i) => {
    if (column.name in derived) {
      overrides.push([i, derived[column.name]]);
      skip.add(i);
    }
  });
  return { source: table, destination, writeColumns, keyPositions: table.primaryKey.map((k) => table.columns.findIndex((c) => c.name === k)), derived: skip, overrides };
}

const keyOf = (plan: TablePlan, row: Row): Row => plan.keyPositions.map((i) => row[i]!);

function withOverrides(plan: TablePlan, rows: Row[]): Row[] {
  if (plan.overrides.length === 0) return rows;
  return rows.map((row) => {
    const copy = row.slice();
    for (const [i, value] of plan.overrides) copy[i] = value as Row[number];
    return copy;
  });
}

async function copyTable(
  source: CopyEndpoint,
  destination: CopyEndpoint,
  plan: TablePlan,
  sourceId: string,
  storedCursor: string | null,
  alreadyCopied: number,
  batchRows: number,
  progress: (p: CopyProgress) => void,
): Promise<number> {
  const table = plan.source.name;
  const total = await source.count(table);
  plan.sourceCount = total;
  let cursor = storedCursor ? decodeCursor(storedCursor, plan.keyPositions.map((i) => plan.source.columns[i]!.kind)) : null;
  let done = alreadyCopied;
  progress({ phase: "copy", table, done, total, finished: false });
  // Reading the next page overlaps writing this one: whichever side is asynchronous
  // (Postgres) is started first, while the synchronous side (SQLite) works.
  let next = source.readAfter(plan.source, cursor, batchRows);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    cursor = keyOf(plan, rows.at(-1)!);
    const write = () => destination.write(plan.destination, plan.writeColumns, withOverrides(plan, rows), "insert", { table, source: sourceId, cursor: encodeCursor(cursor!) });
    const read = () => (rows.length < batchRows ? Promise.resolve([]) : source.readAfter(plan.source, cursor, batchRows));
    if (source.provider === "postgres") {
      next = read();
      await write();
    } else {
      const writing = write();
      next = read();
      await writing;
    }
    done += rows.length;
    progress({ phase: "copy", table, done, total: Math.max(total, done), finished: false });
  }
  progress({ phase: "copy", table, done, total: done, finished: true });
  return done - alreadyCopied;
}

async function reconcileTable(
  source: CopyEndpoint,
  destination: CopyEndpoint,
  plan: TablePlan,
  batchRows: number,
  progress: (p: CopyProgress) => void,
): Promise<TableReport> {
  const table = plan.source.name;
  const kinds = plan.source.columns.map((c) => c.kind);
  const destinationKinds = plan.writeColumns.map((c) => c.kind);
  // Only for the progress bar: counting a large Postgres table is a full scan.
  const total = plan.sourceCount ?? (await source.count(table));
  const sourceSum = new TableChecksum();
  const destinationSum = new TableChecksum();
  let fixed = 0;
  let cursor: Row | null = null;
  progress({ phase: "verify", table, done: 0, total, finished: false });
  // As in copyTable: the next source page is read while the destination answers for
  // this one, and hashing overlaps whichever read is still in flight.
  let next = source.readAfter(plan.source, cursor, batchRows);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    cursor = keyOf(plan, rows.at(-1)!);
    const reading = destination.readByKeys(reorderedForRead(plan), rows.map((row) => keyOf(plan, row)));
    reading.catch(() => {});
    next = rows.length < batchRows ? Promise.resolve([]) : source.readAfter(plan.source, cursor, batchRows);
    next.catch(() => {});
    const theirs = await reading;
    const theirHashes = new Map<string, Buffer>();
    for (const row of theirs) {
      const hash = rowHash(destinationKinds, row, plan.derived);
      theirHashes.set(keyString(keyOf(plan, row)), hash);
      destinationSum.add(hash);
    }
    const differing: Row[] = [];
    for (const row of rows) {
      const hash = rowHash(kinds, row, plan.derived);
      sourceSum.add(hash);
      const their = theirHashes.get(keyString(keyOf(plan, row)));
      if (!their || !their.equals(hash)) differing.push(row);
    }
    if (differing.length) {
      await destination.write(plan.destination, plan.writeColumns, withOverrides(plan, differing), "upsert");
      fixed += differing.length;
    }
    progress({ phase: "verify", table, done: sourceSum.rows, total: Math.max(total, sourceSum.rows), finished: false });
  }
  progress({ phase: "verify", table, done: sourceSum.rows, total: sourceSum.rows, finished: true });
  const destinationRows = await destination.count(table);
  return {
    table,
    sourceRows: sourceSum.rows,
    destinationRows,
    sourceChecksum: sourceSum.hex,
    destinationChecksum: destinationSum.hex,
    fixed,
    identical: fixed === 0 && destinationRows === sourceSum.rows && destinationSum.rows === sourceSum.rows && sourceSum.hex === destinationSum.hex,
  };
}

/** The destination's table with its columns in the source's order, so rows line up by position. */
function reorderedForRead(plan: TablePlan): TableInfo {
  return { ...plan.destination, columns: plan.writeColumns };
}

async function deleteExtras(source: CopyEndpoint, destination: CopyEndpoint, plan: TablePlan, batchRows: number): Promise<number> {
  const keysTable = reorderedForRead(plan);
  let cursor: Row | null = null;
  let removed = 0;
  for (;;) {
    const keys = await destination.readAfter(keysTable, cursor, batchRows, true);
    if (keys.length === 0) break;
    cursor = keys.at(-1)!;
    const present = new Set((await source.readByKeys(plan.source, keys, true)).map(keyString));
    const gone = keys.filter((key) => !present.has(keyString(key)));
    await destination.deleteKeys(plan.destination, gone);
    removed += gone.length;
    if (keys.length < batchRows) break;
  }
  return removed;
}

/** Parents before children (Kahn's algorithm, ties by name); cycles keep catalog order. */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort((a, b) => (a.name < b.name ? -1 : 1));
  while (remaining.length) {
    const index = remaining.findIndex((t) => t.parents.every((p) => placed.has(p) || !byName.has(p)));
    const [next] = remaining.splice(index === -1 ? 0 : index, 1);
    ordered.push(next!);
    placed.add(next!.name);
  }
  return ordered;
}

async function requireEmpty(destination: CopyEndpoint) {
  const names = new Set(await destination.tableNames());
  for (const table of await destination.tables()) {
    if (!names.has(table.name)) continue;
    if ((await destination.count(table.name)) > 0) {
      throw new CopyInputError(
        `The destination is not empty: "${table.name}" has rows. Copy into a new, empty database (and do not start Hookline on it before the copy).`,
      );
    }
  }
}

const SEARCH_INDEXES_ROW = "EventSearch#indexes";

function sameDatabase(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/** A URL without its password, for messages. */
export function redact(url: string): string {
  try {
    if (databaseProvider(url) !== "postgres") return url;
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
