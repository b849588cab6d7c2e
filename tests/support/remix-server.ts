// A real HTTP server on 127.0.0.1 around the whole app: Express, the direct ingest
// mount and the Remix routes (served by Vite in middleware mode, as `npm run dev`
// does), on a fresh database. For tests that must go through real HTTP requests:
// headers, redirects, the client address, the CSRF guard, rate limits.
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import type { ViteDevServer } from "vite";

import { createAccount } from "~/auth/accounts.server";
import type { Role } from "~/auth/roles";
import { createApiToken } from "~/auth/tokens.server";
import { createHttpServer, createRequestListener } from "~/server/app.server";
import { startRuntime, type Runtime } from "~/server/runtime.server";
import { createTestDatabase, type TestDatabase, type TestProvider } from "./database";

export interface RemixTestServer {
  url: string;
  runtime: Runtime;
  database: TestDatabase;
  /** Creates an account with this password; returns its email. */
  account(role: Role, password?: string): Promise<string>;
  /** An Authorization header value for a new API token. */
  bearer(role: Role): Promise<string>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = "long-enough-password";

/**
 * Starts the full server. `env` is applied to process.env until close(): the app reads
 * HOOKLINE_TRUST_PROXY when it is built, and the route modules read their settings
 * (rate limits) on first use. Each test file runs in a process of its own.
 */
export async function startRemixTestServer(provider: TestProvider, env: Record<string, string | undefined> = {}): Promise<RemixTestServer> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) setEnv(key, value);
  const database = await createTestDatabase(provider);
  // Route modules (loaded by Vite, not by Vitest) find the database and runtime through these globals.
  (globalThis as { __hooklineDb?: unknown }).__hooklineDb = database;
  const runtime = await startRuntime({ databaseUrl: database.url, database, defaultSecrets: () => [], maxBodyBytes: 1024 * 1024 });
  (globalThis as { __hooklineRuntime?: unknown }).__hooklineRuntime = Promise.resolve(runtime);

  const vite = await import("vite");
  const devServer: ViteDevServer = await vite.createServer({ configFile: path.join(import.meta.dirname, "remix-vite.config.ts") });
  const server = createHttpServer(createRequestListener({ runtime, remix: { mode: "development", vite: devServer } }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let n = 0;
  return {
    url,
    runtime,
    database,
    async account(role, password = TEST_PASSWORD) {
      const email = `${role}-${++n}-${port}@hookline.test`;
      await createAccount(database.db, { email, password, role });
      return email;
    },
    async bearer(role) {
      const { token } = await createApiToken(database.db, { name: `test-${role}`, role });
      return `Bearer ${token}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await devServer.close();
      await database.drop();
      for (const [key, value] of Object.entries(saved)) setEnv(key, value);
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with node:http, which sends the path exactly as given (fetch would
 * resolve `..`) and can pick the client's source address (`localAddress`, e.g.
 * 127.0.0.2: any 127.x address reaches a server on 127.0.0.1).
 */
export function rawRequest(
  baseUrl: string,
  requestPath: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        path: requestPath,
        method: options.method ?? "GET",
        headers: { ...(options.body !== undefined ? { "content-length": String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A sign-in form post, as the login page sends it. */
export function postLogin(
  baseUrl: string,
  form: { email: string; password: string; redirectTo?: string },
  options: { localAddress?: string; headers?: Record<string, string>; query?: string } = {},
) {
  return rawRequest(baseUrl, `/login${options.query ?? ""}`, {
    method: "POST",
    headers: { origin: baseUrl, "content-type": "application/x-www-form-urlencoded", ...options.headers },
    body: new URLSearchParams(Object.entries(form).filter(([, v]) => v !== undefined) as [string, string][]).toString(),
    localAddress: options.localAddress,
  });
}

function setEnv(key: string, value: string | undefined) {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
