// The production server: Express with the Remix handler, /healthz, the direct ingest
// mount, and the worker loop on a thread of its own. `npm start` builds first; `--dev`
// runs Vite in middleware mode instead of the build.
import path from "node:path";
import { fileURLToPath } from "node:url";

import { env, EnvError } from "~/config/env.server";
import { logger } from "~/observability/logger.server";
import { createHttpServer, createRequestListener, type AppOptions } from "~/server/app.server";
import { runtime } from "~/server/runtime.server";
import { startWorkerThread, type WorkerThread } from "~/worker/worker-thread.server";

const root = path.dirname(fileURLToPath(import.meta.url));
const dev = process.argv.includes("--dev");

async function main() {
  const config = env();
  const rt = await runtime();
  let remix: AppOptions["remix"];
  if (dev) {
    const vite = await import("vite");
    const server = await vite.createServer({ server: { middlewareMode: true } });
    remix = { mode: "development", vite: server };
  } else {
    remix = { mode: "production", buildDir: path.join(root, "build") };
  }
  const server = createHttpServer(createRequestListener({ runtime: rt, remix }));
  server.listen(config.PORT, config.HOST, () => {
    logger.info("hookline listening", {
      url: `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}`,
      database: rt.database.provider,
      ingest: `POST /webhooks/clerk`,
      secretConfigured: Boolean(config.CLERK_WEBHOOK_SIGNING_SECRET),
    });
  });
  // The worker loop runs on a thread of its own, unless it runs as its own process
  // (HOOKLINE_WORKER=0 and `npx hookline worker`).
  const worker: WorkerThread | null = process.env.HOOKLINE_WORKER === "0" ? null : startWorkerThread();


  const shutdown = (signal: string) => {
    logger.info("shutting down", { signal });
    server.close(() => {
      void (worker?.stop() ?? Promise.resolve())
        .then(() => rt.database.db.$disconnect())
        .finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  logger.error("hookline failed to start", { error: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});
