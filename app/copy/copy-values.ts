// Values as `hookline copy` moves them between SQLite and Postgres. Each column gets a
// kind from its declared type on either side; rows travel as arrays of canonical values
// (text: string, int/real: number, bigint: bigint, bool: boolean, datetime: epoch ms,
// bytes: Buffer), so a row read from one provider is written to the other unchanged and
// hashes the same on both.
import crypto from "node:crypto";

export type ColumnKind = "text" | "int" | "bigint" | "bool" | "datetime" | "bytes" | "real";
export type CanonicalValue = string | number | bigint | boolean | Buffer | null;
export type Row = CanonicalValue[];

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** Postgres only: the column's type as format_type() spells it (for `unnest` casts). */
  pgType?: string;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  /** Tables this one has a foreign key to (itself excluded). */
  parents: string[];
}

/** SQLite declared types as Prisma's migrations write them. */
export function sqliteKind(declared: string): ColumnKind {
  const type = declared.toUpperCase();
  if (type.includes("BIGINT")) return "bigint";
  if (type.includes("INT")) return "int";
  if (type.includes("BOOL")) return "bool";
  if (type.includes("DATE") || type.includes("TIME")) return "datetime";
  if (type.includes("BLOB")) return "bytes";
  if (type.includes("REAL") || type.includes("DOUB") || type.includes("FLOA")) return "real";
  return "text";
}

/** Postgres types as format_type() spells them. */
export function postgresKind(formatted: string): ColumnKind {
  const type = formatted.toLowerCase();
  if (type === "bigint") return "bigint";
  if (type === "integer" || type === "smallint") return "int";
  if (type === "boolean") return "bool";
  if (type.startsWith("timestamp") || type === "date") return "datetime";
  if (type === "bytea") return "bytes";
  if (type === "double precision" || type === "real") return "real";
  return "text";
}

/** A value read from either driver, in canonical form for its kind. */
export function toCanonical(kind: ColumnKind, value: unknown): CanonicalValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "text":
      return typeof value === "string" ? value : Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
    case "int":
    case "real":
      return Number(value);
    case "bigint":
      return typeof value === "bigint" ? value : BigInt(value as number | string);
    case "bool":
      return value === true || value === 1 || value === 1n || value === "1" || value === "true" || value === "t";
    case "datetime":
      return datetimeMs(value);
    case "bytes":
      return Buffer.isBuffer(value) ? value : value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value), "utf8");
  }
}

function datetimeMs(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.getTime();
  // SQLite `DEFAULT CURRENT_TIMESTAMP` text ('2026-11-26 15:22:35'), or Postgres text.
  let text = String(value).trim().replace(" ", "T");
  if (/[+-]\d\d$/.test(text)) text += ":00";
  else if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) text += "Z";
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`Unreadable date-time value ${JSON.stringify(value)}`);
  return ms;
}

/**
 * SHA-256 of one row over the given columns (by position), with each value tagged by
 * kind and length so that no two different rows encode alike. Raw bodies are hashed
 * as their bytes.
 */
export function rowHash(kinds: ColumnKind[], row: Row, skip: ReadonlySet<number>): Buffer {
  // One string for the scalar values and the bytes after it: a handful of update()
  // calls per row instead of one per column (hashing is most of the verify step's CPU).
  let text = "";
  let bytes: Buffer[] | null = null;
  for (let i = 0; i < kinds.length; i++) {
    if (skip.has(i)) continue;
    const value = row[i];
    if (value === null || value === undefined) {
      text += "\u0000N;";
      continue;
    }
    switch (kinds[i]) {
      case "bytes":
        text += `x${(value as Buffer).length};`;
        (bytes ??= []).push(value as Buffer);
        break;
      case "text":
        text += `s${(value as string).length}:${value as string}`;
        break;
      case "bool":
        text += value ? "b1;" : "b0;";
        break;
      default:
        text += `n${String(value)};`;
    }
  }
  const hash = crypto.createHash("sha256").update(text);
  if (bytes) for (const b of bytes) hash.update(b);
  return hash.digest();
}

const MOD = 1n << 128n;

/**
 * A table's checksum: the sum of its rows' hashes (first 128 bits) modulo 2^128, so it
 * does not depend on the order rows are read in (SQLite and Postgres may sort keys
 * differently), with the row count beside it.
 */
export class TableChecksum {
  #sum = 0n;
  rows = 0;
  add(hash: Buffer) {
    this.#sum = (this.#sum + hash.readBigUInt64BE(0) * (1n << 64n) + hash.readBigUInt64BE(8)) % MOD;
    this.rows++;
  }
  get hex(): string {
    return this.#sum.toString(16).padStart(32, "0");
  }
}

/** A primary key's values as one string, for maps and sets. */
export function keyString(key: Row): string {
  return JSON.stringify(key.map((v) => (typeof v === "bigint" ? `${v}n` : Buffer.isBuffer(v) ? v.toString("hex") : v)));
}

/** Cursors are stored as JSON; bigints as strings. */
export function encodeCursor(key: Row): string {
  return JSON.stringify(key.map((v) => (typeof v === "bigint" ? String(v) : Buffer.isBuffer(v) ? v.toString("base64") : v)));
}

export function decodeCursor(stored: string, kinds: ColumnKind[]): Row {
  const values = JSON.parse(stored) as unknown[];
  return values.map((v, i) => (kinds[i] === "bytes" ? Buffer.from(String(v), "base64") : toCanonical(kinds[i]!, v)));
}
