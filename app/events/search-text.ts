// The text of a payload that full-text search covers, and its insert into SQLite's
// index, shared by ingest's batch writer and the worker's indexer (search.server.ts
// has the queries).
import type Database from "better-sqlite3";

import { withoutMaskedValues } from "./redaction";

/** Text is capped per event so one huge payload cannot bloat the index. */
export const MAX_INDEXED_CHARS = 64 * 1024;

/**
 * The text the index keeps for a parsed payload: every string and number value in
 * document order, no keys, no booleans or nulls (what SQLite's json_tree gives), and
 * nothing that is masked for viewers (one-time codes, email and SMS bodies: see
 * withoutMaskedValues). Ingest on SQLite indexes a new event with it in the transaction
 * that stores the event (sqlite-batch-writer.server.ts); the worker's indexer uses it
 * for the others (search.server.ts).
 */
export function payloadSearchText(json: unknown): string {
  // NOTE: a masked value that is searchable can be confirmed by guessing (issue 10).
  json = withoutMaskedValues(json);
  const parts: string[] = [];
  let length = 0;
  const walk = (value: unknown): void => {
    if (length > MAX_INDEXED_CHARS) return;
    if (typeof value === "string" || typeof value === "number") {
      const text = String(value);
      parts.push(text);
      length += text.length + 1;
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (value !== null && typeof value === "object") {
      for (const item of Object.values(value)) walk(item);
    }
  };
  // Depth is bounded: ingest refuses JSON nested more than MAX_JSON_DEPTH levels.
  walk(json);
  return parts.join(" ").slice(0, MAX_INDEXED_CHARS);
}

const prepared = new WeakMap<Database.Database, { insertKey: Database.Statement; insertText: Database.Statement }>();

/**
 * Adds one event's text to the SQLite index, inside the caller's open transaction.
 * Indexing an event twice is harmless: its key exists, so nothing is inserted.
 */
export function indexEventTextSqlite(db: Database.Database, eventId: string, text: string) {
  let statements = prepared.get(db);
  if (!statements) {
    statements = {
      insertKey: db.prepare(`INSERT INTO "EventSearchKey" ("eventId") VALUES (?) ON CONFLICT DO NOTHING RETURNING "rowid"`),
      insertText: db.prepare(`INSERT INTO "EventSearch" ("rowid", "body") VALUES (?, ?)`),
    };
    prepared.set(db, statements);
  }
  const key = statements.insertKey.get(eventId) as { rowid: number | bigint } | undefined;
  if (key) statements.insertText.run(key.rowid, text);
}
