// The dry run of /replays/new on a large database: how long each part of the
// preview takes (counts by type, distinct resources, the pace sample) next to what
// the page did before (one COUNT of the filter), in one run, with the query plans.
//
//   npx tsx scripts/bench-replay-preview.ts --db .cache/bench-replay-preview/hookline.db [--runs 5]
//
// Seed the database first with `hookline seed --events 1000000` (DATABASE_URL=file:…).
import { createDatabase } from "~/db/prisma.server";
import { eventFilterConditions, whereClause, countEvents } from "~/events/event-query.server";
import { parseEventFilter, type EventFilter } from "~/events/event-filter";
import { previewReplay } from "~/dispatch/replay-preview.server";
import { Prisma } from "~/generated/sqlite/client";
import os from "node:os";

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

const file = arg("db") ?? ".cache/bench-replay-preview/hookline.db";
const RUNS = Number(arg("runs") ?? 5);
const handle = createDatabase(`file:${file}`);

function filter(input: Record<string, unknown>): EventFilter {
  const parsed = parseEventFilter(input);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function main() {
  const total = await handle.db.event.count();
  const someUser = (await handle.db.event.findFirst({ where: { userId: { not: null } }, select: { userId: true } }))!.userId!;
  const newest = await handle.db.event.findFirst({ orderBy: { timestampMs: "desc" }, select: { timestampMs: true } });
  const dayAgo = new Date(Number(newest!.timestampMs) - 24 * 3600_000).toISOString();
  const target = await handle.db.target.create({
    data: { name: "bench users service", url: "http://127.0.0.1:9/", secretEncrypted: "x", eventTypes: JSON.stringify(["user.*", "session.*"]) },
  });
  const cases: [string, EventFilter][] = [
    ["every event", filter({})],
    ["type=user.*", filter({ type: ["user.*"] })],
    ["last 24 h", filter({ from: dayAgo })],
    [`resource=${someUser}`, filter({ resource: someUser })],
  ];
  console.log(`${total.toLocaleString("en")} events in ${file}; median of ${RUNS} runs; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("selection".padEnd(40), "before: COUNT".padStart(14), "dry run, excl.".padStart(15), "dry run, incl.".padStart(15), "  selected / outside / resources");
  for (const [name, f] of cases) {
    const before = await time(() => countEvents(handle, f));
    const excluded = await time(() => previewReplay(handle, { kind: "filter", filter: f }, target, { includeOutsideTypes: false }));
    const included = await time(() => previewReplay(handle, { kind: "filter", filter: f }, target, { includeOutsideTypes: true }));
    const p = await previewReplay(handle, { kind: "filter", filter: f }, target, { includeOutsideTypes: false });
    console.log(
      name.slice(0, 40).padEnd(40),
      `${before.toFixed(0)} ms`.padStart(14),
      `${excluded.toFixed(0)} ms`.padStart(15),
      `${included.toFixed(0)} ms`.padStart(15),
      `  ${p.selected} / ${p.outside} / ${p.resources.exact ? "" : "≥"}${p.resources.count}`,
    );
  }
  console.log("\nQuery plans (SQLite), every event:");
  const conditions = eventFilterConditions("sqlite", {});
  for (const [label, sql] of [
    ["by type", Prisma.sql`SELECT e."type", COUNT(*) FROM "Event" e ${whereClause(conditions)} GROUP BY e."type"`],
    [
      "resources",
      Prisma.sql`SELECT r."resourceType", COUNT(*) FROM (SELECT DISTINCT s."resourceType", s."resourceId" FROM (SELECT e."resourceType", e."resourceId" FROM "Event" e WHERE e."resourceId" IS NOT NULL LIMIT 20000) s) r GROUP BY r."resourceType"`,
    ],
  ] as const) {
    const plan = await handle.db.$queryRaw<{ detail: string }[]>`EXPLAIN QUERY PLAN ${sql}`;
    console.log(`  ${label}: ${plan.map((row) => row.detail).join(" | ")}`);
  }
  await handle.db.target.delete({ where: { id: target.id } });
  await handle.db.$disconnect();
}

void main();
