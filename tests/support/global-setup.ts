// Builds one migrated SQLite file and one migrated Postgres template database per test
// run; each test file then gets its own copy (tests/support/database.ts).
import fs from "node:fs";
import path from "node:path";

import { migrateDatabase, PROJECT_ROOT } from "~/db/migrate.server";
import { postgresUrl, TEMPLATE_DATABASE, withAdminClient } from "./postgres";

export const TEST_DIR = path.join(PROJECT_ROOT, ".cache", "test");

export default async function setup() {
  fs.rmSync(TEST_DIR, { recursive: true, force: true });
  fs.mkdirSync(TEST_DIR, { recursive: true });
  await migrateDatabase(`file:${path.join(TEST_DIR, "template.db")}`);

  await withAdminClient(async (client) => {
    const stale = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'hookline_test_%'",
    );
    for (const { datname } of stale.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  });
  await migrateDatabase(postgresUrl(TEMPLATE_DATABASE));
}
