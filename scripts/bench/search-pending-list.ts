// The GIN index's pending list on Postgres (issue 16, ADR 0003 addendum 7), side by side in
// one run: batches of 10 search entries (ingest's statement, catalog bodies, ~1,500 entries/s)
// into a fresh EventSearch, timing each statement, with
//   - "postgres": the default 4 MB limit, so the insert that finds the list full merges it;
//   - "worker": the 16 MB limit of the migration and a merge every second on another
//     connection, as the worker's search-pending-merge task does.
//
//   npx tsx scripts/bench/search-pending-list.ts [--entries 40000] [--rounds 2]
import pg from "pg";
import { buildSamples } from "~/catalog/samples";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ENTRIES = arg("entries", 40_000);
const ROUNDS = arg("rounds", 2);
const ADMIN = process.env.BENCH_POSTGRES_ADMIN ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DB = "hookline_bench_pending_list";
const URL_ = ADMIN.replace(/\/[^/]*$/, `/${DB}`);
const bodies = buildSamples("all", { count: 2000, seed: 3 }).map((envelope) => JSON.stringify(envelope));

async function run(mode: "postgres" | "worker") {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DB}"`);
  await admin.end();
  const ingest = new pg.Client({ connectionString: URL_ });
  const worker = new pg.Client({ connectionString: URL_ });
  await Promise.all([ingest.connect(), worker.connect()]);
  await ingest.query(`CREATE TABLE "EventSearch" ("eventId" TEXT PRIMARY KEY, "document" TSVECTOR NOT NULL)`);
  await ingest.query(`CREATE INDEX "EventSearch_document_idx" ON "EventSearch" USING GIN ("document")`);
  if (mode === "worker") await ingest.query(`ALTER INDEX "EventSearch_document_idx" SET (gin_pending_list_limit = 16384)`);
  let inserting = true;
  const merges: number[] = [];
  const merging = (async () => {
    while (mode === "worker" && inserting) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const started = performance.now();
      await worker.query(`SELECT gin_clean_pending_list('"EventSearch_document_idx"'::regclass)`);
      merges.push(performance.now() - started);
    }
  })();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < ENTRIES; i += 10) {
    const rows = Array.from({ length: 10 }, (_, k) => ({ id: `evt_${i + k}`, body: bodies[(i + k) % bodies.length] }));
    const t = performance.now();
    await ingest.query(
      `INSERT INTO "EventSearch" SELECT r."id", jsonb_to_tsvector('simple', r."body"::jsonb, '["string", "numeric"]') FROM json_to_recordset($1) AS r("id" text, "body" text)`,
      [JSON.stringify(rows)],
    );
    times.push(performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  inserting = false;
  await merging;
  await Promise.all([ingest.end(), worker.end()]);
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!;
  return {
    mode,
    perSecond: Math.round(ENTRIES / ((performance.now() - started) / 1000)),
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: times.at(-1)!,
    over30: times.filter((t) => t > 30).length,
    merges: merges.length,
    mergeMax: Math.max(0, ...merges),
  };
}

const ms = (value: number) => value.toFixed(1);
console.log(`${ENTRIES.toLocaleString("en")} search entries in batches of 10, ${ROUNDS} rounds, modes alternating\n`);
console.log("| merged by | round | entries/s | p50 ms | p99 ms | p99.9 ms | max ms | batches > 30 ms | worker merges (max ms) |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of ["postgres", "worker"] as const) {
    const r = await run(mode);
    const who = mode === "postgres" ? "the insert (4 MB default)" : "the worker (16 MB, every 1 s)";
    console.log(`| ${who} | ${round} | ${r.perSecond} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.p999)} | ${ms(r.max)} | ${r.over30} | ${r.merges ? `${r.merges} (${ms(r.mergeMax)})` : "none"} |`);
  }
}
const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
await admin.end();
