// The two ends of `hookline copy`, one class per provider, straight on the drivers
// (better-sqlite3, pg): Prisma's per-row cost and its generated models would defeat
// both the speed goal and copying tables it does not know about yet. Everything is
// driven from each database's own catalog: tables, columns, primary keys and foreign
// keys. Reads are keyset pages by primary key; writes are one transaction per batch
// (prepared statements on SQLite, one `INSERT … SELECT FROM unnest(…)` on Postgres),
// and carry the copy's cursor in the same transaction.
import fs from "node:fs";

import Database from "better-sqlite3";
import pg from "pg";

import { databaseProvider, sqliteFilePath, type DatabaseProvider } from "~/db/database-url";
import { applyPragmas } from "~/db/sqlite-pragmas";
import {
  postgresKind,
  sqliteKind,
  toCanonical,
  type ColumnInfo,
  type ColumnKind,
  type Row,
  type TableInfo,
} from "./copy-values";

/** The table `hookline copy` keeps its own progress in, on the destination (README, "Outgrowing SQLite"). */
export const COPY_STATE_TABLE = "_HooklineCopy";

/** Tables that are not copied: bookkeeping, and the search index (rebuilt on the destination). */
export function isCopiedTable(name: string): boolean {
  if (name === "_prisma_migrations" || name === COPY_STATE_TABLE) return false;
  if (name.startsWith("sqlite_")) return false;
  // SQLite FTS5 (EventSearch and its shadow tables, EventSearchKey) and Postgres tsvector
  // (EventSearch) differ in form: the destination builds its own.
  if (name.startsWith("EventSearch")) return false;
  return true;
}

export interface CopyStateRow {
  table: string;
  source: string;
  cursor: string | null;
  rows: number;
  copied: boolean;
}

export interface StateUpdate {
  table: string;
  source: string;
  cursor: string;
}

export interface CopyEndpoint {
  readonly provider: DatabaseProvider;
  /** Copied tables with their columns, primary key and parents. */
  tables(): Promise<TableInfo[]>;
  /** Every table name, copied or not. */
  tableNames(): Promise<string[]>;
  appliedMigrations(): Promise<string[]>;
  /** The id of the first migration row: random per database, so it names this database. */
  identity(): Promise<string | null>;
  beginSnapshot(): Promise<void>;
  endSnapshot(): Promise<void>;
  count(table: string): Promise<number>;
  readAfter(table: TableInfo, after: Row | null, limit: number, keysOnly?: boolean): Promise<Row[]>;
  readByKeys(table: TableInfo, keys: Row[], keysOnly?: boolean): Promise<Row[]>;
  write(table: TableInfo, columns: ColumnInfo[], rows: Row[], mode: "insert" | "upsert", state?: StateUpdate): Promise<void>;
  deleteKeys(table: TableInfo, keys: Row[]): Promise<void>;
  ensureStateTable(): Promise<void>;
  readState(): Promise<CopyStateRow[] | null>;
  writeState(table: string, source: string, fields: { copied?: boolean; cursor?: string | null; verifiedAt?: string }): Promise<void>;
  close(): Promise<void>;
}

export function openEndpoint(url: string, role: "source" | "destination"): CopyEndpoint {
  return databaseProvider(url) === "postgres" ? new PostgresEndpoint(url, role) : new SqliteEndpoint(url, role);
}

/**
 * Columns by name: the providers' migrations add columns in different orders (Postgres
 * appends on ALTER TABLE, SQLite's migrations rebuild tables), and checksums must not
 * depend on it.
 */
const byName = (columns: ColumnInfo[]) => columns.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const list = (names: string[]) => names.map(q).join(", ");
const pkIndexes = (table: TableInfo) => table.primaryKey.map((name) => table.columns.findIndex((c) => c.name === name));
const pkColumns = (table: TableInfo) => pkIndexes(table).map((i) => table.columns[i]!);

const STATE_DDL = `CREATE TABLE IF NOT EXISTS ${q(COPY_STATE_TABLE)} (
  "table" TEXT NOT NULL PRIMARY KEY,
  "source" TEXT NOT NULL,
  "cursor" TEXT,
  "rows" BIGINT NOT NULL DEFAULT 0,
  "copied" INTEGER NOT NULL DEFAULT 0,
  "verifiedAt" TEXT,
  "updatedAt" TEXT NOT NULL
)`;

// ---------------------------------------------------------------------------
// SQLite

/** SQLite columns read through an expression: a stored body and headers as received (ADR 0017). */
const STORED_FORM_READS: Record<string, string> = {
  "Delivery.rawBody": `hookline_body("rawBody", "bodyEncoding") AS "rawBody"`,
  "Delivery.bodyEncoding": `NULL AS "bodyEncoding"`,
  "Delivery.headers": `hookline_headers("headers") AS "headers"`,
};

class SqliteEndpoint implements CopyEndpoint {
  readonly provider = "sqlite" as const;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #inSnapshot = false;

  constructor(url: string, role: "source" | "destination") {
    const file = sqliteFilePath(url);
    if (role === "source") {
      if (!fs.existsSync(file)) throw new Error(`No SQLite database at ${file}.`);
      this.#db = new Database(file, { fileMustExist: true });
      // Only the busy timeout (the source's own settings stay), but the SQL functions
      // too: STORED_FORM_READS reads bodies and headers through them.
      applyPragmas(this.#db, { busy_timeout: 10000 });
    } else {
      this.#db = new Database(file);
      applyPragmas(this.#db);
    }
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }

  async tableNames(): Promise<string[]> {
    return (this.#db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  }

  async tables(): Promise<TableInfo[]> {
    const names = (await this.tableNames()).filter(isCopiedTable);
    return names.map((name) => {
      const info = this.#db.prepare(`PRAGMA table_info(${q(name)})`).all() as { name: string; type: string; pk: number }[];
      const fks = this.#db.prepare(`PRAGMA foreign_key_list(${q(name)})`).all() as { table: string }[];
      return {
        name,
        columns: byName(info.map((c) => ({ name: c.name, kind: sqliteKind(c.type) }))),
        primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        parents: [...new Set(fks.map((fk) => fk.table))].filter((parent) => parent !== name),
      };
    });
  }

  async appliedMigrations(): Promise<string[]> {
    if (!(await this.tableNames()).includes("_prisma_migrations")) return [];
    return (
      this.#db
        .prepare(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`)
        .all() as { migration_name: string }[]
    ).map((r) => r.migration_name);
  }

  async identity(): Promise<string | null> {
    if (!(await this.tableNames()).includes("_prisma_migrations")) return null;
    const row = this.#db.prepare(`SELECT id FROM _prisma_migrations ORDER BY migration_name, started_at LIMIT 1`).get() as { id: string } | undefined;
    return row?.id ?? null;
  }

  async beginSnapshot() {
    // One read transaction for the whole run: every table is read as of one moment, so
    // a child row never points at a parent that arrived after the parent table was read.
    this.#db.exec("BEGIN");
    this.#db.prepare(`SELECT count(*) FROM sqlite_master`).get();
    this.#inSnapshot = true;
  }

  async endSnapshot() {
    if (this.#inSnapshot) this.#db.exec("COMMIT");
    this.#inSnapshot = false;
  }

  async count(table: string): Promise<number> {
    return Number((this.#db.prepare(`SELECT count(*) AS n FROM ${q(table)}`).get() as { n: number }).n);
  }

  #select(table: TableInfo, keysOnly: boolean) {
    if (keysOnly) return list(table.primaryKey);
    // Bodies and headers leave SQLite as received and not compacted (ADR 0017): Postgres
    // stores them so, both sides' checksums hash the same bytes, and a SQLite destination
    // compacts them again in its worker.
    return table.columns.map((c) => STORED_FORM_READS[`${table.name}.${c.name}`] ?? q(c.name)).join(", ");
  }

  #rows(table: TableInfo, statement: Database.Statement, params: unknown[], keysOnly: boolean): Row[] {
    const columns = keysOnly ? pkColumns(table) : table.columns;
    const safe = columns.some((c) => c.kind === "bigint");
    const raw = statement.raw(true).safeIntegers(safe).all(...params) as unknown[][];
    return raw.map((values) => values.map((value, i) => toCanonical(columns[i]!.kind, value)));
  }

  async readAfter(table: TableInfo, after: Row | null, limit: number, keysOnly = false): Promise<Row[]> {
    const pk = list(table.primaryKey);
    const where = after ? `WHERE (${pk}) > (${table.primaryKey.map(() => "?").join(", ")})` : "";
    const sql = `SELECT ${this.#select(table, keysOnly)} FROM ${q(table.name)} ${where} ORDER BY ${pk} LIMIT ?`;
    const keyKinds = pkColumns(table).map((c) => c.kind);
    return this.#rows(table, this.#prepare(sql), [...(after ? after.map((v, i) => sqliteParam(keyKinds[i]!, v)) : []), limit], keysOnly);
  }

  async readByKeys(table: TableInfo, keys: Row[], keysOnly = false): Promise<Row[]> {
    if (keys.length === 0) return [];
    const pk = table.primaryKey;
    const keyKinds = pkColumns(table).map((c) => c.kind);
    const json = JSON.stringify(keys.map((key) => key.map((v, i) => jsonParam(keyKinds[i]!, v))));
    const sql =
      pk.length === 1
        ? `SELECT ${this.#select(table, keysOnly)} FROM ${q(table.name)} WHERE ${q(pk[0]!)} IN (SELECT json_extract(value, '$[0]') FROM json_each(?))`
        : `SELECT ${this.#select(table, keysOnly)} FROM ${q(table.name)} WHERE (${list(pk)}) IN (SELECT ${pk.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ")} FROM json_each(?))`;
    return this.#rows(table, this.#prepare(sql), [json], keysOnly);
  }

  async write(table: TableInfo, columns: ColumnInfo[], rows: Row[], mode: "insert" | "upsert", state?: StateUpdate) {
    const names = columns.map((c) => c.name);
    const conflict =
      mode === "upsert"
        ? ` ON CONFLICT (${list(table.primaryKey)}) DO ${
            names.filter((n) => !table.primaryKey.includes(n)).length
              ? `UPDATE SET ${names.filter((n) => !table.primaryKey.includes(n)).map((n) => `${q(n)} = excluded.${q(n)}`).join(", ")}`
              : "NOTHING"
          }`
        : "";
    const insert = this.#prepare(`INSERT INTO ${q(table.name)} (${list(names)}) VALUES (${names.map(() => "?").join(", ")})${conflict}`);
    const kinds = columns.map((c) => c.kind);
    // IMMEDIATE: take the write lock up front (ADR 0002).
    this.#db
      .transaction(() => {
        for (const row of rows) insert.run(row.map((value, i) => sqliteParam(kinds[i]!, value)));
        if (state) this.#stateUpsert(state.table, state.source, { cursor: state.cursor, addRows: rows.length });
      })
      .immediate();
  }

  async deleteKeys(table: TableInfo, keys: Row[]) {
    if (keys.length === 0) return;
    const pk = table.primaryKey;
    const keyKinds = pkColumns(table).map((c) => c.kind);
    const json = JSON.stringify(keys.map((key) => key.map((v, i) => jsonParam(keyKinds[i]!, v))));
    const sql = `DELETE FROM ${q(table.name)} WHERE (${list(pk)}) IN (SELECT ${pk.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ")} FROM json_each(?))`;
    this.#db.transaction(() => this.#prepare(sql).run(json)).immediate();
  }

  async ensureStateTable() {
    this.#db.exec(STATE_DDL);
  }

  async readState(): Promise<CopyStateRow[] | null> {
    if (!(await this.tableNames()).includes(COPY_STATE_TABLE)) return null;
    return (this.#db.prepare(`SELECT "table", "source", "cursor", "rows", "copied" FROM ${q(COPY_STATE_TABLE)}`).all() as CopyStateRow[]).map(
      (row) => ({ ...row, rows: Number(row.rows), copied: Boolean(row.copied) }),
    );
  }

  #stateUpsert(table: string, source: string, fields: { cursor?: string | null; addRows?: number; copied?: boolean; verifiedAt?: string }) {
    const now = new Date().toISOString();
    this.#prepare(
      `INSERT INTO ${q(COPY_STATE_TABLE)} ("table", "source", "cursor", "rows", "copied", "verifiedAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT ("table") DO UPDATE SET
         "cursor" = CASE WHEN ? THEN excluded."cursor" ELSE "cursor" END,
         "rows" = "rows" + excluded."rows",
         "copied" = CASE WHEN ? THEN excluded."copied" ELSE "copied" END,
         "verifiedAt" = COALESCE(excluded."verifiedAt", "verifiedAt"),
         "updatedAt" = excluded."updatedAt"`,
    ).run(
      table,
      source,
      fields.cursor ?? null,
      fields.addRows ?? 0,
      fields.copied ? 1 : 0,
      fields.verifiedAt ?? null,
      now,
      fields.cursor !== undefined ? 1 : 0,
      fields.copied !== undefined ? 1 : 0,
    );
  }

  async writeState(table: string, source: string, fields: { copied?: boolean; cursor?: string | null; verifiedAt?: string }) {
    this.#db.transaction(() => this.#stateUpsert(table, source, fields)).immediate();
  }

  async close() {
    await this.endSnapshot().catch(() => {});
    this.#db.close();
  }
}

function sqliteParam(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (kind === "bool") return value ? 1 : 0;
  return value;
}

function jsonParam(kind: ColumnKind, value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (kind === "bool") return value ? 1 : 0;
  return value;
}

// ---------------------------------------------------------------------------
// Postgres

const TIMESTAMP_OIDS = new Set([1114, 1184]);
const INT8_OID = 20;

class PostgresEndpoint implements CopyEndpoint {
  readonly provider = "postgres" as const;
  readonly #client: pg.Client;
  #connected: Promise<void> | null = null;
  #inSnapshot = false;

  readonly #role: "source" | "destination";

  constructor(url: string, role: "source" | "destination") {
    this.#role = role;
    this.#client = new pg.Client({
      connectionString: url,
      types: {
        // Dates as text (parsed as UTC by toCanonical: the session runs in UTC), int8 exactly.
        getTypeParser: ((oid: number, format?: "text" | "binary") => {
          if (TIMESTAMP_OIDS.has(oid)) return (value: string) => value;
          if (oid === INT8_OID) return (value: string) => BigInt(value);
          return pg.types.getTypeParser(oid, format as "text");
        }) as typeof pg.types.getTypeParser,
      },
    });
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[], rowMode?: "array"): Promise<pg.QueryResult<R>> {
    this.#connected ??= this.#client.connect().then(async () => {
      await this.#client.query(`SET TIME ZONE 'UTC'`);
      // NOTE: a page committed without waiting for its WAL flush can be lost only if the
      // Postgres server itself crashes; its cursor is in the same transaction, so the
      // next run copies it again. Saves a flush per page.
      if (this.#role === "destination") await this.#client.query(`SET synchronous_commit = off`);
    });
    await this.#connected;
    return this.#client.query<R>(rowMode ? ({ text, values, rowMode } as pg.QueryConfig) : { text, values });
  }

  async tableNames(): Promise<string[]> {
    const { rows } = await this.#query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    );
    return rows.map((r) => r.name);
  }

  async tables(): Promise<TableInfo[]> {
    const names = (await this.tableNames()).filter(isCopiedTable);
    const { rows: columns } = await this.#query<{ table: string; name: string; type: string }>(
      `SELECT c.relname AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`,
    );
    const { rows: keys } = await this.#query<{ table: string; name: string }>(
      `SELECT c.relname AS "table", a.attname AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE n.nspname = current_schema() AND i.indisprimary
       ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)`,
    );
    const { rows: fks } = await this.#query<{ table: string; parent: string }>(
      `SELECT c.relname AS "table", p.relname AS parent
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND k.contype = 'f'`,
    );
    return names.map((name) => ({
      name,
      columns: byName(columns.filter((c) => c.table === name).map((c) => ({ name: c.name, kind: postgresKind(c.type), pgType: c.type }))),
      primaryKey: keys.filter((k) => k.table === name).map((k) => k.name),
      parents: [...new Set(fks.filter((fk) => fk.table === name).map((fk) => fk.parent))].filter((parent) => parent !== name),
    }));
  }

  async appliedMigrations(): Promise<string[]> {
    if (!(await this.tableNames()).includes("_prisma_migrations")) return [];
    const { rows } = await this.#query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    return rows.map((r) => r.migration_name);
  }

  async identity(): Promise<string | null> {
    if (!(await this.tableNames()).includes("_prisma_migrations")) return null;
    const { rows } = await this.#query<{ id: string }>(`SELECT id FROM _prisma_migrations ORDER BY migration_name, started_at LIMIT 1`);
    return rows[0]?.id ?? null;
  }

  async beginSnapshot() {
    await this.#query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`);
    this.#inSnapshot = true;
  }

  async endSnapshot() {
    if (this.#inSnapshot) await this.#query(`COMMIT`);
    this.#inSnapshot = false;
  }

  async count(table: string): Promise<number> {
    const { rows } = await this.#query<{ n: bigint }>(`SELECT count(*) AS n FROM ${q(table)}`);
    return Number(rows[0]!.n);
  }

  #select(table: TableInfo, keysOnly: boolean) {
    return keysOnly ? list(table.primaryKey) : list(table.columns.map((c) => c.name));
  }

  #canonical(table: TableInfo, rows: unknown[][], keysOnly: boolean): Row[] {
    const columns = keysOnly ? pkColumns(table) : table.columns;
    return rows.map((values) => values.map((value, i) => toCanonical(columns[i]!.kind, value)));
  }

  async readAfter(table: TableInfo, after: Row | null, limit: number, keysOnly = false): Promise<Row[]> {
    const pk = list(table.primaryKey);
    const keyColumns = pkColumns(table);
    const where = after ? `WHERE (${pk}) > (${keyColumns.map((c, i) => `$${i + 1}::${c.pgType}`).join(", ")})` : "";
    const params = after ? after.map((v, i) => pgParam(keyColumns[i]!.kind, v)) : [];
    const { rows } = await this.#query(
      `SELECT ${this.#select(table, keysOnly)} FROM ${q(table.name)} ${where} ORDER BY ${pk} LIMIT ${Number(limit)}`,
      params,
      "array",
    );
    return this.#canonical(table, rows as unknown as unknown[][], keysOnly);
  }

  #keyMatch(table: TableInfo, keys: Row[]): { sql: string; params: unknown[] } {
    const keyColumns = pkColumns(table);
    const params = keyColumns.map((column, i) => keys.map((key) => pgParam(column.kind, key[i])));
    if (keyColumns.length === 1) return { sql: `${q(keyColumns[0]!.name)} = ANY($1::${keyColumns[0]!.pgType}[])`, params };
    return {
      sql: `(${list(table.primaryKey)}) IN (SELECT * FROM unnest(${keyColumns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(", ")}))`,
      params,
    };
  }

  async readByKeys(table: TableInfo, keys: Row[], keysOnly = false): Promise<Row[]> {
    if (keys.length === 0) return [];
    const match = this.#keyMatch(table, keys);
    const { rows } = await this.#query(`SELECT ${this.#select(table, keysOnly)} FROM ${q(table.name)} WHERE ${match.sql}`, match.params, "array");
    return this.#canonical(table, rows as unknown as unknown[][], keysOnly);
  }

  async write(table: TableInfo, columns: ColumnInfo[], rows: Row[], mode: "insert" | "upsert", state?: StateUpdate) {
    const names = columns.map((c) => c.name);
    const params: unknown[] = columns.map((column, i) => rows.map((row) => pgParam(column.kind, row[i])));
    const others = names.filter((n) => !table.primaryKey.includes(n));
    const conflict =
      mode === "upsert"
        ? ` ON CONFLICT (${list(table.primaryKey)}) DO ${others.length ? `UPDATE SET ${others.map((n) => `${q(n)} = EXCLUDED.${q(n)}`).join(", ")}` : "NOTHING"}`
        : "";
    const insert = `INSERT INTO ${q(table.name)} (${list(names)})
      SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(", ")})${conflict}`;
    if (!state) {
      await this.#query(insert, params);
      return;
    }
    // One statement, so one transaction: the rows and the cursor that says they are there.
    const n = params.length;
    await this.#query(
      `WITH written AS (${insert} RETURNING 1)
       INSERT INTO ${q(COPY_STATE_TABLE)} ("table", "source", "cursor", "rows", "copied", "updatedAt")
       VALUES ($${n + 1}, $${n + 2}, $${n + 3}, (SELECT count(*) FROM written), 0, $${n + 4})
       ON CONFLICT ("table") DO UPDATE SET "cursor" = EXCLUDED."cursor", "rows" = ${q(COPY_STATE_TABLE)}."rows" + EXCLUDED."rows", "updatedAt" = EXCLUDED."updatedAt"`,
      [...params, state.table, state.source, state.cursor, new Date().toISOString()],
    );
  }

  async deleteKeys(table: TableInfo, keys: Row[]) {
    if (keys.length === 0) return;
    const match = this.#keyMatch(table, keys);
    await this.#query(`DELETE FROM ${q(table.name)} WHERE ${match.sql}`, match.params);
  }

  async ensureStateTable() {
    await this.#query(STATE_DDL);
  }

  async readState(): Promise<CopyStateRow[] | null> {
    if (!(await this.tableNames()).includes(COPY_STATE_TABLE)) return null;
    const { rows } = await this.#query<{ table: string; source: string; cursor: string | null; rows: bigint; copied: number }>(
      `SELECT "table", "source", "cursor", "rows", "copied" FROM ${q(COPY_STATE_TABLE)}`,
    );
    return rows.map((row) => ({ ...row, rows: Number(row.rows), copied: Boolean(row.copied) }));
  }

  async writeState(table: string, source: string, fields: { copied?: boolean; cursor?: string | null; verifiedAt?: string }) {
    await this.#query(
      `INSERT INTO ${q(COPY_STATE_TABLE)} ("table", "source", "cursor", "rows", "copied", "verifiedAt", "updatedAt") VALUES ($1, $2, $3, 0, $4, $5, $6)
       ON CONFLICT ("table") DO UPDATE SET
         "cursor" = CASE WHEN $7 THEN EXCLUDED."cursor" ELSE ${q(COPY_STATE_TABLE)}."cursor" END,
         "copied" = CASE WHEN $8 THEN EXCLUDED."copied" ELSE ${q(COPY_STATE_TABLE)}."copied" END,
         "verifiedAt" = COALESCE(EXCLUDED."verifiedAt", ${q(COPY_STATE_TABLE)}."verifiedAt"),
         "updatedAt" = EXCLUDED."updatedAt"`,
      [
        table,
        source,
        fields.cursor ?? null,
        fields.copied ? 1 : 0,
        fields.verifiedAt ?? null,
        new Date().toISOString(),
        fields.cursor !== undefined,
        fields.copied !== undefined,
      ],
    );
  }

  async close() {
    await this.endSnapshot().catch(() => {});
    await this.#client.end().catch(() => {});
  }
}

function pgParam(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "datetime":
      return new Date(value as number).toISOString();
    case "bigint":
      return String(value);
    default:
      return value;
  }
}
