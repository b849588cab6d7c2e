// The failure groups of /deliveries (issue 13, D) at scale: the two forms of the query
// side by side on the same database in the same run, with each one's plan: "slug scan"
// (loose scan of the slugs, then [sourceSlug, outcome, id] from the index alone; what
// SQLite runs) and "plain" (`outcome IN (…)` on [outcome, id]; what Postgres runs).
//
//   npx tsx scripts/bench-failure-groups.ts --database file:/path/to/seeded.db [--burst 50000] [--rounds 7]
//   npx tsx scripts/bench-failure-groups.ts --database postgresql://…/db --fill 1000000 [--burst 50000]
//
// --fill N adds N deliveries over 14 days (0.5 % failed, 3 sources) to an empty database;
// --burst N adds N invalid_signature deliveries of one source in the last 24 hours (a
// secret copied wrong): the case an operator opens the page for.
import { performance } from "node:perf_hooks";

import { newId } from "~/db/ids";
import { migrateDatabase } from "~/db/migrate.server";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { FAILED_OUTCOMES } from "~/deliveries/delivery-filter";
import { failureGroupsSql, loadFailureGroups } from "~/deliveries/failure-groups.server";
import { Prisma } from "~/generated/sqlite/client";

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  return value && !value.startsWith("--") ? value : "1";
}

const DAY = 86_400_000;
const ROUNDS = Number(arg("rounds") ?? 7);

async function insert(handle: DatabaseHandle, count: number, pick: (i: number) => { at: number; source: string; outcome: string }) {
  const BATCH = 5_000;
  for (let start = 0; start < count; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const { at, source, outcome } = pick(i);
      rows.push({
        id: newId(at),
        sourceSlug: source,
        receivedAt: new Date(at),
        headers: "[]",
        rawBody: new Uint8Array(Buffer.from(`{"object":"event","type":"user.updated","data":{"id":"user_${i}"}}`)),
        size: 60,
        outcome,
        status: outcome === "verified" ? 200 : 401,
      });
    }
    await handle.db.delivery.createMany({ data: rows });
  }
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function plan(handle: DatabaseHandle, sql: Prisma.Sql): Promise<string> {
  if (handle.provider === "sqlite") {
    const rows = await handle.db.$queryRaw<{ detail: string }[]>(Prisma.sql`EXPLAIN QUERY PLAN ${sql}`);
    return rows.map((r) => `    ${r.detail}`).join("\n");
  }
  const rows = await handle.db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
  return rows.map((r) => `    ${r["QUERY PLAN"]}`).join("\n");
}

async function main() {
  const url = arg("database");
  if (!url) throw new Error("--database URL is required");
  await migrateDatabase(url);
  const handle = createDatabase(url);
  const now = Date.now();
  const fill = Number(arg("fill") ?? 0);
  if (fill && (await handle.db.delivery.count()) === 0) {
    console.error(`filling ${fill.toLocaleString("en")} deliveries…`);
    await insert(handle, fill, (i) => ({
      at: now - 14 * DAY + Math.floor((i / fill) * 14 * DAY),
      source: i % 1000 === 0 ? "clerk-staging" : i % 7 === 0 ? "clerk-dev" : "clerk",
      outcome: i % 200 === 0 ? FAILED_OUTCOMES[i % FAILED_OUTCOMES.length]! : "verified",
    }));
  }
  const burst = Number(arg("burst") ?? 0);
  if (burst) {
    console.error(`adding a burst of ${burst.toLocaleString("en")} invalid_signature deliveries to clerk in the last 24 h…`);
    await insert(handle, burst, (i) => ({ at: now - DAY + Math.floor((i / burst) * DAY), source: "clerk", outcome: "invalid_signature" }));
  }
  if (handle.provider === "postgres") await handle.db.$executeRawUnsafe(`VACUUM ANALYZE "Delivery"`);
  const total = await handle.db.delivery.count();
  const failed = await handle.db.delivery.count({ where: { outcome: { in: [...FAILED_OUTCOMES] } } });
  console.log(`${handle.provider}: ${total.toLocaleString("en")} deliveries, ${failed.toLocaleString("en")} failed; median of ${ROUNDS} runs`);

  const cases: [string, { source?: string; from: number; to: number }][] = [
    ["last 7 days (the default)", { from: now - 7 * DAY, to: now }],
    ["last 24 hours", { from: now - DAY, to: now }],
    ["last 7 days, source clerk-dev", { source: "clerk-dev", from: now - 7 * DAY, to: now }],
    ["last 31 days (the cap)", { from: now - 31 * DAY, to: now }],
  ];
  for (const [label, input] of cases) {
    const page = await median(() => loadFailureGroups(handle, { source: input.source, from: new Date(input.from), to: new Date(input.to) }, now));
    const slugScan = await median(() => handle.db.$queryRaw(failureGroupsSql("sqlite", { outcomes: FAILED_OUTCOMES, ...input })));
    const plain = await median(() => handle.db.$queryRaw(failureGroupsSql("postgres", { outcomes: FAILED_OUTCOMES, ...input })));
    const groups = await loadFailureGroups(handle, { source: input.source, from: new Date(input.from), to: new Date(input.to) }, now);
    console.log(
      `  ${label.padEnd(32)} page (loader) ${page.toFixed(1).padStart(7)} ms   slug scan ${slugScan.toFixed(1).padStart(7)} ms   plain ${plain.toFixed(1).padStart(7)} ms   ` +
        `(${groups.groups.length} groups, ${groups.groups.reduce((n, g) => n + g.count, 0).toLocaleString("en")} failures)`,
    );
  }
  if (arg("plans")) {
    const input = { from: now - 7 * DAY, to: now };
    console.log(`\n  plan, slug scan (7 days):\n${await plan(handle, failureGroupsSql("sqlite", { outcomes: FAILED_OUTCOMES, ...input }))}`);
    console.log(`\n  plan, plain (7 days):\n${await plan(handle, failureGroupsSql("postgres", { outcomes: FAILED_OUTCOMES, ...input }))}`);
  }
  await handle.db.$disconnect();
}

await main();
