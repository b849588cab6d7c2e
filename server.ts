// The production server: Express with the Remix handler, /healthz, the direct ingest
// mount, and the worker loop on a thread of its own. `npm start` builds first; `--dev`
// runs Vite in middleware mode instead of the build.
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { env, EnvError } from "~/config/env.server";
import { logger } from "~/observability/logger.server";
import { createHttpServer, createRequestListener, type AppOptions } from "~/server/app.server";
import { runtime } from "~/server/runtime.server";
import { closeEventStreams } from "~/stream/event-watcher.server";
import { startWorkerThread, type WorkerThread } from "~/worker/worker-thread.server";

// This file runs as TypeScript from the checkout (tsx: `npm run dev`, the tests) or
// compiled as build/hookline/server.js (`npm start`, scripts/build.mjs).
const here = path.dirname(fileURLToPath(import.meta.url));
const root = import.meta.url.endsWith(".ts") ? here : path.resolve(here, "../..");
const dev = process.argv.includes("--dev");
/** A signal repeated within this is the first one passed on twice, not a second request. */
const REPEAT_WINDOW_MS = 1_000;

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


  // Graceful shutdown (README, "Stopping and restarting"): no new connections; requests
  // being read are answered (ingest answers after its commit); the worker finishes and
  // records its sends in flight and releases the tasks it claimed but did not send;
  // then the database is disconnected and the process exits 0. A second signal, or
  // HOOKLINE_SHUTDOWN_TIMEOUT_MS, exits 1 at once: then delivery is at least once.
  const open = new Set<ServerResponse>();
  let closing = false;
  server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
    // A request that arrives on a kept-alive connection after the signal is still
    // answered, but its connection is not kept.
    if (closing) res.setHeader("connection", "close");
    open.add(res);
    res.once("close", () => open.delete(res));
  });

  let started = 0;
  const shutdown = (signal: string) => {
    if (closing) {
      // The same signal twice at once is one request: a wrapper passing it on to a
      // process group that also got it (Ctrl-C under npx). A deliberate second one exits.
      if (Date.now() - started < REPEAT_WINDOW_MS) return;
      logger.warn("shutdown: second signal; exiting now", { signal });
      process.exit(1);
    }
    closing = true;
    started = Date.now();
    // Event streams never finish on their own: end them, and clients resume elsewhere
    // or after the restart with Last-Event-ID.
    closeEventStreams();
    const timeoutMs = config.HOOKLINE_SHUTDOWN_TIMEOUT_MS;
    logger.info("shutdown: no new connections; finishing requests and sends in flight", { signal, timeoutMs, requests: open.size });
    setTimeout(() => {
      logger.error("shutdown: timed out; exiting now (sends still in flight may go out again after a restart)", {
        timeoutMs,
        requests: open.size,
      });
      process.exit(1);
    }, timeoutMs).unref();

    const requestsDone = new Promise<void>((resolve) => server.close(() => resolve()));
    // Responses in progress close their connection when done; idle keep-alive
    // connections close now (server.close() alone would wait for them to time out).
    for (const res of open) if (!res.headersSent) res.setHeader("connection", "close");
    server.closeIdleConnections();
    const http = requestsDone.then(() => logger.info("shutdown: http server closed; every request answered", { ms: Date.now() - started }));
    const background = (worker?.stop(timeoutMs) ?? Promise.resolve(true)).then((inTime) => {
      if (worker && inTime) logger.info("shutdown: worker stopped", { ms: Date.now() - started });
      return inTime;
    });
    void Promise.all([background, http])
      .then(async ([workerInTime]) => {
        await rt.database.db.$disconnect();
        return workerInTime;
      })
      .then(
        (workerInTime) => {
          logger.info("shutdown: done", { ms: Date.now() - started, clean: workerInTime });
          process.exit(workerInTime ? 0 : 1);
        },
        (error) => {
          logger.error("shutdown: failed", { error: error instanceof Error ? error.stack : String(error) });
          process.exit(1);
        },
      );
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
