// The real local Postgres used by the integration suites (trust auth on 127.0.0.1).
import pg from "pg";

export const POSTGRES_ADMIN_URL =
  process.env.HOOKLINE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function postgresUrl(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Each `vitest run` has its own id (the pid of its main process), so several runs on
 * one machine do not drop each other's databases.
 */
export function testRunId(): string {
  const id = process.env.HOOKLINE_TEST_RUN;
  if (!id) throw new Error("HOOKLINE_TEST_RUN is set by tests/support/global-setup.ts");
  return id;
}

export function templateDatabase(): string {
  return `hookline_test_${testRunId()}_template`;
}
