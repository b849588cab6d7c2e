// Builds one migrated SQLite file and one migrated Postgres template database per test
// run; each test file then gets its own copy (tests/support/database.ts). Leftovers
// of runs whose process is gone are removed.
import fs from "node:fs";
import path from "node:path";

import { migrateDatabase, PROJECT_ROOT } from "~/db/migrate.server";
import { postgresUrl, templateDatabase, withAdminClient } from "./postgres";

const TEST_ROOT = path.join(PROJECT_ROOT, ".cache", "test");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function setup() {
  const run = String(process.pid);
  process.env.HOOKLINE_TEST_RUN = run;

  fs.mkdirSync(TEST_ROOT, { recursive: true });
  for (const entry of fs.readdirSync(TEST_ROOT)) {
    if (/^\d+$/.test(entry) && !alive(Number(entry))) fs.rmSync(path.join(TEST_ROOT, entry), { recursive: true, force: true });
  }
  const dir = path.join(TEST_ROOT, run);
  fs.mkdirSync(dir, { recursive: true });
  await migrateDatabase(`file:${path.join(dir, "template.db")}`);

  await withAdminClient(async (client) => {
    const existing = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'hookline_test_%'");
    for (const { datname } of existing.rows) {
      const pid = Number(/^hookline_test_(\d+)_/.exec(datname)?.[1]);
      if (!pid || !alive(pid) || pid === process.pid) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE "${templateDatabase()}"`);
  });
  await migrateDatabase(postgresUrl(templateDatabase()));

  return async () => {
    await withAdminClient(async (client) => {
      const mine = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`hookline_test_${run}_%`]);
      for (const { datname } of mine.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
