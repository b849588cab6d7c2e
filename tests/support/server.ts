// A real HTTP server on 127.0.0.1 around the real Express app and a real database,
// for integration tests of ingest and health (no Remix build needed).
import type { AddressInfo } from "node:net";

import type { UnverifiedLimits } from "~/ingest/unverified-guard.server";
import { createDatabase } from "~/db/prisma.server";
import { createHttpServer, createRequestListener } from "~/server/app.server";
import { startRuntime, type Runtime } from "~/server/runtime.server";
import { createTestDatabase, type TestDatabase, type TestProvider } from "./database";

export interface TestServer {
  url: string;
  runtime: Runtime;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startTestServer(
  provider: TestProvider,
  options: { secrets?: string[]; maxBodyBytes?: number; unverified?: UnverifiedLimits } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(provider);
  const secrets = options.secrets ?? [];
  const runtime = await startRuntime({
    databaseUrl: database.url,
    database,
    defaultSecrets: () => secrets,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    unverified: options.unverified,
  });
  const server = createHttpServer(createRequestListener({ runtime }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    database,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await runtime.ingest.groupCommit?.close();
      await database.drop();
    },
  };
}

export interface TestInstance {
  url: string;
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * `count` app instances on one database, each with its own Prisma client and its own
 * ingest pool as separate processes would have, each behind a real HTTP server. The
 * first uses `database` itself; closing it leaves the database to its owner.
 */
export async function startInstances(
  database: TestDatabase,
  count: number,
  options: { secrets: string[]; maxBodyBytes?: number },
): Promise<TestInstance[]> {
  const instances: TestInstance[] = [];
  for (let i = 0; i < count; i++) {
    const runtime = await startRuntime({
      databaseUrl: database.url,
      database: i === 0 ? database : createDatabase(database.url),
      defaultSecrets: () => options.secrets,
      maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
    });
    const server = createHttpServer(createRequestListener({ runtime }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    instances.push({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      runtime,
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await runtime.ingest.groupCommit?.close();
        if (i > 0) await runtime.database.db.$disconnect();
      },
    });
  }
  return instances;
}
