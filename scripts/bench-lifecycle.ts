// npm run bench:lifecycle — server time of the lifecycle views on a big database:
// the user page for a user with many events (issue 4: 10,000 events among 1,000,000,
// median under 150 ms), its next page and a category, the user timeline API (token
// check and JSON included), an organization, a subscription timeline and the search.
//
//   npm run bench:lifecycle                      # seeds .cache/bench-lifecycle (SQLite) once, then measures
//   npm run bench:lifecycle -- --postgres        # the same in a fresh Postgres database
//   npm run bench:lifecycle -- --database URL --user user_x [--runs 30]   # an existing database
//
// `benchLifecycle(handle, { userId })` is exported for `npm run bench:queries`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";

import pg from "pg";

import { createApiToken } from "~/auth/tokens.server";
import { loadSubscriptionTimeline } from "~/billing/billing-timeline.server";
import { listSubscriptions } from "~/billing/subscriptions.server";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { loadOrganizationLifecycle } from "~/lifecycle/organization-lifecycle.server";
import type { TimelineQuery } from "~/lifecycle/timeline-query";
import { loadUserLifecycle } from "~/lifecycle/user-lifecycle.server";
import { resolveSearch } from "~/search/id-search.server";

export const HEAVY_USER = "user_benchHeavy";

export interface Measurement {
  name: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  /** What the call returned, so a fast wrong answer is visible. */
  detail: string;
}

const PAGE: TimelineQuery = { category: null, sort: "timestamp", dir: "desc", limit: 100 };

async function measure(name: string, runs: number, fn: () => Promise<string>): Promise<Measurement> {
  let detail = "";
  for (let i = 0; i < 3; i++) detail = await fn(); // warm the page cache and the query plans
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    detail = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { name, runs, medianMs: at(0.5), p95Ms: at(0.95), minMs: times[0]!, detail };
}

async function busiest(handle: DatabaseHandle, column: "organizationId" | "subscriptionId"): Promise<string | null> {
  const col = column === "organizationId" ? `"organizationId"` : `"subscriptionId"`;
  const rows = await handle.db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT ${col} AS "id" FROM "Event" WHERE ${col} IS NOT NULL GROUP BY ${col} ORDER BY COUNT(*) DESC LIMIT 1`,
  );
  return rows[0]?.id ?? null;
}

/** Every lifecycle measurement against one database; `userId` should have ~10,000 events. */
export async function benchLifecycle(handle: DatabaseHandle, options: { userId: string; runs?: number }): Promise<Measurement[]> {
  const runs = options.runs ?? 30;
  const { userId } = options;
  const results: Measurement[] = [];
  const first = await loadUserLifecycle(handle, userId, PAGE);
  const cursor = first.timeline.nextCursor ?? undefined;

  results.push(
    await measure("user page: state, field history, memberships, sessions, first 100 of the timeline", runs, async () => {
      const lifecycle = await loadUserLifecycle(handle, userId, PAGE);
      return `${lifecycle.timeline.total} events, ${lifecycle.fieldHistory.changes.length} field changes, ${lifecycle.timeline.events.length} shown`;
    }),
  );
  results.push(
    await measure("user page, second page (cursor)", runs, async () => {
      const lifecycle = await loadUserLifecycle(handle, userId, { ...PAGE, cursor });
      return `${lifecycle.timeline.events.length} shown`;
    }),
  );
  results.push(
    await measure("user page, category sessions", runs, async () => {
      const lifecycle = await loadUserLifecycle(handle, userId, { ...PAGE, category: "sessions" });
      return `${lifecycle.timeline.counts.sessions} session events`;
    }),
  );

  // The JSON API as a client calls it: token check, loader and serialisation.
  (globalThis as { __hooklineDb?: DatabaseHandle }).__hooklineDb = handle;
  const { loader } = await import("~/routes/api.v1.users.$userId.timeline");
  const { token } = await createApiToken(handle.db, { name: "bench-lifecycle", role: "viewer" });
  results.push(
    await measure("GET /api/v1/users/:userId/timeline (limit 100, JSON)", runs, async () => {
      const response = await loader({
        request: new Request(`http://bench/api/v1/users/${userId}/timeline?limit=100&dir=desc`, { headers: { authorization: `Bearer ${token}` } }),
        params: { userId },
        context: {},
      });
      const body = await response.text();
      return `${response.status}, ${body.length.toLocaleString("en")} bytes`;
    }),
  );

  const orgId = await busiest(handle, "organizationId");
  if (orgId) {
    results.push(
      await measure("organization page (busiest organization)", runs, async () => {
        const lifecycle = await loadOrganizationLifecycle(handle, orgId, PAGE);
        return `${lifecycle.timeline.total} events`;
      }),
    );
  }
  const subscriptionId = await busiest(handle, "subscriptionId");
  if (subscriptionId) {
    results.push(
      await measure("billing timeline (busiest subscription)", runs, async () => {
        const timeline = await loadSubscriptionTimeline(handle, subscriptionId);
        return `${timeline.events.length} events, ${timeline.itemLanes.length} items`;
      }),
    );
  }
  results.push(
    await measure("billing list, first page", runs, async () => {
      const list = await listSubscriptions(handle, {});
      return `${list.subscriptions.length} subscriptions`;
    }),
  );
  results.push(
    await measure("billing list, status past_due", Math.min(runs, 10), async () => {
      const list = await listSubscriptions(handle, { status: "past_due" });
      return `${list.subscriptions.length} of ${list.examined.toLocaleString("en")} examined`;
    }),
  );
  results.push(
    await measure("header search: user id", runs, async () => {
      const result = await resolveSearch(handle, userId);
      return result.redirect ?? "no redirect";
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------
// Command line

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  return value && !value.startsWith("--") ? value : "1";
}

function cli(args: string[], env: Record<string, string>) {
  execFileSync(process.execPath, ["bin/hookline.js", ...args], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });
}

async function seededDatabase(): Promise<string> {
  const events = Number(arg("events") ?? 1_000_000);
  if (arg("postgres")) {
    const admin = new pg.Client({ connectionString: process.env.BENCH_POSTGRES_ADMIN ?? "postgresql://postgres@127.0.0.1:5432/postgres" });
    await admin.connect();
    const name = "hookline_bench_lifecycle";
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    const url = `postgresql://postgres@127.0.0.1:5432/${name}`;
    if (exists.rowCount === 0 || arg("reseed")) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      cli(["migrate"], { DATABASE_URL: url });
      cli(["seed", "--events", String(events), "--heavy-user", HEAVY_USER, "--heavy-events", "10000"], { DATABASE_URL: url });
    } else {
      await admin.end();
    }
    return url;
  }
  const dir = path.resolve(".cache/bench-lifecycle");
  const file = path.join(dir, "hookline.db");
  const url = `file:${file}`;
  if (!fs.existsSync(file) || arg("reseed")) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const env = { DATABASE_URL: url, HOOKLINE_DATA_DIR: dir };
    cli(["migrate"], env);
    cli(["seed", "--events", String(events), "--heavy-user", HEAVY_USER, "--heavy-events", "10000"], env);
  }
  return url;
}

async function main() {
  const url = arg("database") ?? (await seededDatabase());
  const userId = arg("user") ?? HEAVY_USER;
  const handle = createDatabase(url);
  const [{ count }] = await handle.db.$queryRawUnsafe<{ count: bigint | number }[]>(`SELECT COUNT(*) AS "count" FROM "Event"`);
  const [{ mine }] = await handle.db.$queryRawUnsafe<{ mine: bigint | number }[]>(`SELECT COUNT(*) AS "mine" FROM "Event" WHERE "userId" = $1`.replace("$1", handle.provider === "postgres" ? "$1" : "?"), userId);
  console.log(`${handle.provider}: ${Number(count).toLocaleString("en")} events; ${userId} has ${Number(mine).toLocaleString("en")}.`);
  const results = await benchLifecycle(handle, { userId, runs: Number(arg("runs") ?? 30) });
  console.log("| view | median | p95 | min | result |\n| --- | ---: | ---: | ---: | --- |");
  for (const r of results) console.log(`| ${r.name} | ${r.medianMs.toFixed(1)} ms | ${r.p95Ms.toFixed(1)} ms | ${r.minMs.toFixed(1)} ms | ${r.detail} |`);
  await handle.db.$disconnect();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve("scripts/bench-lifecycle.ts")) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
