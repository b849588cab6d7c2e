// A real HTTP server on 127.0.0.1 around the real Express app and a real database,
// for integration tests of ingest and health (no Remix build needed).
import type { AddressInfo } from "node:net";

import type { UnverifiedLimits } from "~/ingest/unverified-guard.server";
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
