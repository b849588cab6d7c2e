// A fresh, migrated database per test file: a copy of the template SQLite file, or a
// Postgres database cloned from the template database. Real files, real server.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { PROJECT_ROOT } from "~/db/migrate.server";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { postgresUrl, templateDatabase, testRunId, withAdminClient } from "./postgres";

export type TestProvider = "sqlite" | "postgres";
export const PROVIDERS: TestProvider[] = ["sqlite", "postgres"];

const testDir = () => path.join(PROJECT_ROOT, ".cache", "test", testRunId());

export interface TestDatabase extends DatabaseHandle {
  drop(): Promise<void>;
}

export async function createTestDatabaseUrl(provider: TestProvider): Promise<string> {
  const name = `hookline_test_${testRunId()}_${crypto.randomBytes(6).toString("hex")}`;
  if (provider === "sqlite") {
    const file = path.join(testDir(), `${name}.db`);
    fs.copyFileSync(path.join(testDir(), "template.db"), file);
    return `file:${file}`;
  }
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`));
  return postgresUrl(name);
}

export async function dropTestDatabaseUrl(url: string): Promise<void> {
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length);
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    return;
  }
  const name = new URL(url).pathname.slice(1);
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function createTestDatabase(provider: TestProvider): Promise<TestDatabase> {
  const url = await createTestDatabaseUrl(provider);
  const handle = createDatabase(url);
  return {
    ...handle,
    async drop() {
      await handle.db.$disconnect();
      await dropTestDatabaseUrl(url);
    },
  };
}
