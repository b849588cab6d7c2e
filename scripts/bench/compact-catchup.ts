// How fast the worker's compaction catches up on deliveries stored as received (ADR 0017),
// as after upgrading an SQLite database: a copy of a seeded database has every delivery
// turned back into its received form (bodyEncoding NULL), then the compaction task's own
// loop (compactBodiesTask: batches of 100, a 20 ms rest after each) runs until nothing is
// left. Prints rows per second and the database's pages before and after.
//
//   npx tsx scripts/bench/compact-catchup.ts [--from .cache/bench-storage/storage-200000.db]
import fs from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";

import { createDatabase } from "~/db/prisma.server";
import { applyPragmas } from "~/db/sqlite-pragmas";
import { compactBodiesTask } from "~/deliveries/compact-bodies.server";

const fromIndex = process.argv.indexOf("--from");
const FROM = path.resolve(fromIndex > 0 ? process.argv[fromIndex + 1]! : ".cache/bench-storage/storage-200000.db");
const FILE = path.resolve(".cache/bench-compact/catchup.db");

function pages(file: string) {
  const db = new Database(file);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
    const count = Number(db.pragma("page_count", { simple: true }));
    const free = Number(db.pragma("freelist_count", { simple: true }));
    return { pages: count, freePages: free, usedMiB: Number((((count - free) * 4096) / 1024 / 1024).toFixed(1)) };
  } finally {
    db.close();
  }
}

async function main() {
  if (!fs.existsSync(FROM)) throw new Error(`${FROM} does not exist: run npm run bench:storage -- --provider sqlite first`);
  fs.mkdirSync(path.dirname(FILE), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(FILE + suffix, { force: true });
  fs.copyFileSync(FROM, FILE);

  // Every delivery back to its received form, as a database from before ADR 0017 has it.
  const raw = new Database(FILE);
  applyPragmas(raw);
  const started = performance.now();
  const rows = raw
    .prepare(`UPDATE "Delivery" SET "rawBody" = hookline_body("rawBody", "bodyEncoding"), "headers" = hookline_headers("headers"), "bodyEncoding" = NULL`)
    .run().changes;
  raw.close();
  console.log(`${rows.toLocaleString("en")} deliveries set back to as received in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log("before", pages(FILE));

  const handle = createDatabase(`file:${FILE}`);
  const task = compactBodiesTask(0);
  const begin = performance.now();
  let batches = 0;
  try {
    while (await task.run(handle)) batches++;
    // The last, partial batch returned false after writing.
    batches++;
  } finally {
    await task.stop?.(handle);
    await handle.db.$disconnect();
  }
  const seconds = (performance.now() - begin) / 1000;
  const left = new Database(FILE, { readonly: true });
  const remaining = Number((left.prepare(`SELECT COUNT(*) AS n FROM "Delivery" WHERE "bodyEncoding" IS NULL`).get() as { n: number }).n);
  left.close();
  console.log(`compacted ${rows.toLocaleString("en")} deliveries in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString("en")}/s, ${batches} batches); ${remaining} left`);
  console.log("after", pages(FILE));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
