// npm run bench:storage — how many bytes Hookline stores per event, by table and index,
// on SQLite and Postgres, and what compressing the raw bodies and headers would save
// (issue 14 §3).
//
//   1. seeds N events (default 200,000) with the real `hookline seed` (the search index
//      included) into .cache/bench-storage/ and a scratch Postgres database,
//   2. SQLite: checkpoints the WAL, then sums the pages of every table and index
//      (`dbstat`); Postgres: VACUUM ANALYZE, then pg_table_size / pg_relation_size,
//   3. prints bytes per event by table (data) and by index, and the file total,
//   4. takes 5,000 stored bodies and headers (decoded) and compresses each one alone
//      with deflate (level 6), deflate with body dictionary 1 (the frozen one the worker
//      compacts with, ADR 0017), and brotli (quality 5), with the time each takes.
//
//   npm run bench:storage
//   npm run bench:storage -- --events 1000000 --provider sqlite
//   npm run bench:storage -- --reuse            # measure the seeded databases again
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

import Database from "better-sqlite3";
import pg from "pg";

import { decodeBody, decodeHeaders, DEFLATE_1_OPTIONS } from "~/deliveries/body-codec.server";

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  return value && !value.startsWith("--") ? value : "1";
}

const EVENTS = Number(arg("events") ?? 200_000);
const REUSE = Boolean(arg("reuse"));
const PROVIDERS = (arg("provider") ?? "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
const DIR = path.resolve(".cache/bench-storage");
const POSTGRES_ADMIN = process.env.BENCH_POSTGRES_ADMIN ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PG_NAME = "hookline_bench_storage";
const SAMPLE = 5_000;

interface Relation {
  table: string;
  /** null for the table's own data (with TOAST on Postgres). */
  index: string | null;
  bytes: number;
}

function seed(databaseUrl: string) {
  const started = performance.now();
  execFileSync(process.execPath, ["bin/hookline.js", "seed", "--events", String(EVENTS)], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, HOOKLINE_DATA_DIR: DIR },
  });
  console.log(`  seeded ${EVENTS.toLocaleString("en")} events in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

async function sqliteRelations(): Promise<{ relations: Relation[]; fileBytes: number; samples: Sample[] }> {
  const file = path.join(DIR, `storage-${EVENTS}.db`);
  if (!(REUSE && fs.existsSync(file))) {
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    seed(`file:${file}`);
  }
  const sqlite = new Database(file);
  try {
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
    const owners = new Map<string, { table: string; isIndex: boolean }>();
    for (const row of sqlite.prepare("SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')").all() as {
      type: string;
      name: string;
      tbl_name: string;
    }[]) {
      owners.set(row.name, { table: row.tbl_name, isIndex: row.type === "index" });
    }
    const pages = sqlite.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all() as { name: string; bytes: number }[];
    const relations = pages.map(({ name, bytes }) => {
      const owner = owners.get(name);
      // FTS5 keeps its index in shadow tables named after the virtual table.
      const shadow = /^(.*)_(data|idx|content|docsize|config)$/.exec(name);
      const table = owner?.table ?? (shadow ? shadow[1] : name);
      return { table: shadow && owners.get(shadow[1]) ? shadow[1] : table, index: owner?.isIndex ? name : null, bytes };
    });
    // Bodies as received (they are stored compressed, ADR 0017), for the comparison below.
    const stored = sqlite
      .prepare(`SELECT "rawBody" AS body, "bodyEncoding" AS encoding, "headers" AS headers FROM "Delivery" ORDER BY random() LIMIT ${SAMPLE}`)
      .all() as (Sample & { encoding: number })[];
    const storedBytes = stored.reduce((sum, row) => sum + row.body.length, 0);
    const samples = stored.map((row) => ({ body: decodeBody(row.body, row.encoding), headers: decodeHeaders(row.headers) }));
    const receivedBytes = samples.reduce((sum, row) => sum + row.body.length, 0);
    const compressed = stored.filter((row) => row.encoding !== 0).length;
    console.log(
      `  stored bodies (sample of ${stored.length.toLocaleString("en")}): ${(storedBytes / stored.length).toFixed(0)} B stored for ${(receivedBytes / stored.length).toFixed(0)} B received; ${compressed.toLocaleString("en")} compressed`,
    );
    return { relations, fileBytes: fs.statSync(file).size, samples };
  } finally {
    sqlite.close();
  }
}

async function postgresRelations(): Promise<{ relations: Relation[]; fileBytes: number; samples: Sample[] }> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN });
  await admin.connect();
  const url = new URL(POSTGRES_ADMIN);
  url.pathname = `/${PG_NAME}`;
  try {
    const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [PG_NAME])).rowCount;
    if (!(REUSE && exists)) {
      await admin.query(`DROP DATABASE IF EXISTS "${PG_NAME}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${PG_NAME}"`);
      seed(url.toString());
    }
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE");
    const tables = await client.query<{ table: string; bytes: string }>(
      `SELECT c.relname AS table, pg_table_size(c.oid) AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'`,
    );
    const indexes = await client.query<{ table: string; index: string; bytes: string }>(
      `SELECT t.relname AS table, i.relname AS index, pg_relation_size(i.oid) AS bytes
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'`,
    );
    const total = await client.query<{ bytes: string }>("SELECT pg_database_size(current_database()) AS bytes");
    const samples = await client.query<Sample>(`SELECT "rawBody" AS body, "headers" AS headers FROM "Delivery" ORDER BY random() LIMIT ${SAMPLE}`);
    return {
      relations: [
        ...tables.rows.map((row) => ({ table: row.table, index: null, bytes: Number(row.bytes) })),
        ...indexes.rows.map((row) => ({ table: row.table, index: row.index, bytes: Number(row.bytes) })),
      ],
      fileBytes: Number(total.rows[0].bytes),
      samples: samples.rows,
    };
  } finally {
    await client.end();
  }
}

interface Sample {
  body: Buffer;
  headers: string;
}

const perEvent = (bytes: number) => (bytes / EVENTS).toFixed(0).padStart(7);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).padStart(8);

function report(provider: string, relations: Relation[], fileBytes: number) {
  const byTable = new Map<string, { data: number; indexes: Relation[] }>();
  for (const relation of relations) {
    const entry = byTable.get(relation.table) ?? { data: 0, indexes: [] };
    if (relation.index === null) entry.data += relation.bytes;
    else entry.indexes.push(relation);
    byTable.set(relation.table, entry);
  }
  const rows = [...byTable.entries()]
    .map(([table, entry]) => ({ table, ...entry, indexBytes: entry.indexes.reduce((sum, index) => sum + index.bytes, 0) }))
    .filter((row) => row.data + row.indexBytes >= 64 * 1024)
    .sort((a, b) => b.data + b.indexBytes - (a.data + a.indexBytes));
  const counted = relations.reduce((sum, relation) => sum + relation.bytes, 0);
  console.log(`\n${provider}: ${mb(fileBytes).trim()} MB on disk, ${(fileBytes / EVENTS).toFixed(0)} bytes per event`);
  console.log(`  ${"table".padEnd(28)} ${"data MB".padStart(8)} ${"B/event".padStart(7)} ${"idx MB".padStart(8)} ${"B/event".padStart(7)}`);
  for (const row of rows) {
    console.log(`  ${row.table.padEnd(28)} ${mb(row.data)} ${perEvent(row.data)} ${mb(row.indexBytes)} ${perEvent(row.indexBytes)}`);
    for (const index of row.indexes.filter((index) => index.bytes >= 1024 * 1024).sort((a, b) => b.bytes - a.bytes)) {
      console.log(`      ${index.index!.padEnd(52)} ${mb(index.bytes)} ${perEvent(index.bytes)}`);
    }
  }
  console.log(`  ${"all tables and indexes".padEnd(28)} ${mb(counted)} ${perEvent(counted)}`);
}

function compression(samples: Sample[]) {
  // The frozen dictionary stored bodies are compacted with (ADR 0017).
  const dictionary = DEFLATE_1_OPTIONS.dictionary;
  const methods: { name: string; compress: (input: Buffer) => Buffer; decompress: (input: Buffer) => Buffer }[] = [
    { name: "deflate", compress: (b) => zlib.deflateRawSync(b, { level: 6 }), decompress: (b) => zlib.inflateRawSync(b) },
    {
      name: "deflate + dictionary",
      compress: (b) => zlib.deflateRawSync(b, { level: 6, dictionary }),
      decompress: (b) => zlib.inflateRawSync(b, { dictionary }),
    },
    {
      name: "deflate 1 + dictionary",
      compress: (b) => zlib.deflateRawSync(b, { level: 1, dictionary }),
      decompress: (b) => zlib.inflateRawSync(b, { dictionary }),
    },
    {
      name: "brotli q5",
      compress: (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
      decompress: (b) => zlib.brotliDecompressSync(b),
    },
  ];
  const bodyBytes = samples.reduce((sum, sample) => sum + sample.body.length, 0);
  const headerBytes = samples.reduce((sum, sample) => sum + Buffer.byteLength(sample.headers), 0);
  console.log(
    `\ncompression, each of ${samples.length.toLocaleString("en")} stored deliveries alone (dictionary: body dictionary 1, ${dictionary.length} bytes of catalog samples of another seed)`,
  );
  console.log(`  average body ${(bodyBytes / samples.length).toFixed(0)} B, headers ${(headerBytes / samples.length).toFixed(0)} B`);
  console.log(`  ${"method".padEnd(22)} ${"body B".padStart(7)} ${"ratio".padStart(6)} ${"hdr B".padStart(6)} ${"µs/comp".padStart(8)} ${"µs/dec".padStart(7)}`);
  for (const method of methods) {
    let body = 0;
    let headers = 0;
    let compressMs = 0;
    let decompressMs = 0;
    for (const sample of samples) {
      const started = performance.now();
      const packed = method.compress(sample.body);
      const packedHeaders = method.compress(Buffer.from(sample.headers));
      const middle = performance.now();
      const unpacked = method.decompress(packed);
      decompressMs += performance.now() - middle;
      compressMs += middle - started;
      if (!unpacked.equals(sample.body)) throw new Error(`${method.name} did not round-trip a body`);
      body += packed.length;
      headers += packedHeaders.length;
    }
    console.log(
      `  ${method.name.padEnd(22)} ${(body / samples.length).toFixed(0).padStart(7)} ${(bodyBytes / body).toFixed(2).padStart(6)} ${(headers / samples.length).toFixed(0).padStart(6)} ${((compressMs * 1000) / samples.length).toFixed(0).padStart(8)} ${((decompressMs * 1000) / samples.length).toFixed(0).padStart(7)}`,
    );
  }
}

async function main() {
  fs.mkdirSync(DIR, { recursive: true });
  console.log(`bench:storage: ${EVENTS.toLocaleString("en")} seeded events (hookline seed), ${PROVIDERS.join(" and ")}`);
  let samples: Sample[] = [];
  for (const provider of PROVIDERS) {
    const measured = provider === "sqlite" ? await sqliteRelations() : await postgresRelations();
    report(provider === "sqlite" ? "SQLite" : "Postgres", measured.relations, measured.fileBytes);
    if (samples.length === 0) samples = measured.samples;
  }
  compression(samples);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
