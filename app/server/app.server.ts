// The Express application: request ids, the CSRF origin guard, /healthz, the direct
// ingest mount, static assets and the Remix request handler.
import crypto from "node:crypto";
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import path from "node:path";

import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";

import { isExemptFromOriginCheck, originAllowed } from "~/auth/origin.server";
import { createNodeIngestHandler } from "~/ingest/http.server";
import { handleNodeEventStream, STREAM_PATH } from "~/stream/event-stream.server";
import { notifyEventsStored } from "~/stream/event-watcher.server";
import { logger } from "~/observability/logger.server";
import { checkReadiness } from "~/observability/readiness.server";
import { clientAddress, dropUntrustedForwardedHeaders, trustProxyFromEnv, type TrustProxy } from "./client-address.server";
import { setSecurityHeaders } from "./security-headers.server";
import type { Runtime } from "./runtime.server";

export interface AppOptions {
  runtime: Runtime;
  /** How to get the Remix build; omitted in tests that only need ingest and health. */
  remix?:
    | { mode: "production"; buildDir: string }
    | { mode: "development"; vite: { middlewares: express.RequestHandler; ssrLoadModule(id: string): Promise<unknown> } };
  /** Which proxies to believe about the client (HOOKLINE_TRUST_PROXY by default). */
  trustProxy?: TrustProxy;
}

declare module "node:http" {
  interface IncomingMessage {
    requestId?: string;
  }
}

const INGEST_PATH = /^\/webhooks\/([^/?#]*)\/?(?:\?.*)?$/;

function assignRequestId(req: IncomingMessage, res: ServerResponse) {
  const incoming = req.headers["x-request-id"];
  req.requestId = typeof incoming === "string" && /^[\w.-]{1,100}$/.test(incoming) ? incoming : crypto.randomUUID();
  res.setHeader("x-request-id", req.requestId);
}

/**
 * The server's request listener. NOTE: `POST /webhooks/:source` goes straight to
 * ingest, ahead of Express and Remix: their per-request pipelines cost more than
 * everything else on the hot path (docs/decisions/0003-ingest-path.md,
 * docs/benchmarks.md). The Remix route app/routes/webhooks.$source.tsx calls the same
 * ingestDelivery(); set HOOKLINE_INGEST_VIA_REMIX=1 to route ingest through it.
 */
export function createRequestListener(options: AppOptions): RequestListener {
  const trustProxy = options.trustProxy ?? trustProxyFromEnv();
  const app = createApp({ ...options, trustProxy });
  if (process.env.HOOKLINE_INGEST_VIA_REMIX === "1") return app;
  const ingest = createNodeIngestHandler(() => options.runtime.ingest, (req) => clientAddress(req, trustProxy));
  return (req, res) => {
    const match = INGEST_PATH.exec(req.url ?? "");
    if (!match) {
      // The event stream, too, is mounted directly: it lives as long as the client
      // stays, and it must close on shutdown (app/stream/event-stream.server.ts).
      if (req.url === STREAM_PATH || req.url?.startsWith(`${STREAM_PATH}?`)) {
        assignRequestId(req, res);
        dropUntrustedForwardedHeaders(req, trustProxy);
        void handleNodeEventStream(options.runtime.database, req, res);
        return;
      }
      return app(req, res);
    }
    assignRequestId(req, res);
    if (req.method !== "POST") {
      const body = JSON.stringify({ error: "method_not_allowed", detail: "Webhook deliveries are POST requests." });
      res.writeHead(405, { allow: "POST", "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
      req.resume();
      return;
    }
    let source: string;
    try {
      source = decodeURIComponent(match[1]!);
    } catch {
      source = match[1]!;
    }
    (req as IncomingMessage & { params?: Record<string, string> }).params = { source };
    // Answered after its commit: event streams can look for the new event now.
    res.once("finish", () => {
      if (res.statusCode === 200) notifyEventsStored(options.runtime.database);
    });
    void ingest(req, res);
  };
}

/**
 * An HTTP server with Hookline's timeouts. NOTE: a body trickled one byte a second
 * must not hold a connection for minutes (slowloris); Node answers 408 when the
 * request takes longer than `requestTimeout`.
 */
export function createHttpServer(listener: RequestListener): http.Server {
  const requestTimeout = Number(process.env.HOOKLINE_REQUEST_TIMEOUT_MS ?? 30_000);
  return http.createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(20_000, requestTimeout),
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
      keepAliveTimeout: 5_000,
    },
    listener,
  );
}

export function createApp({ runtime, remix, trustProxy = trustProxyFromEnv() }: AppOptions) {
  const app = express();
  app.disable("x-powered-by");
  // Express's req.ip, req.hostname and req.protocol follow the same rule as the
  // ingest mount and the load context (app/server/client-address.server.ts).
  app.set("trust proxy", trustProxy);

  /** What Remix loaders and actions get as `context`: the caller's address and the CSP nonce. */
  const getLoadContext = (req: Request, res: Response) => ({
    remoteAddr: clientAddress(req, trustProxy),
    requestId: req.requestId ?? null,
    cspNonce: typeof res.locals.cspNonce === "string" ? res.locals.cspNonce : undefined,
    // Streamed answers (the event export) wait on this between chunks: Remix writes a
    // body stream without waiting for `drain`, so a slow client would fill memory.
    drained: (): Promise<void> =>
      res.writableNeedDrain && !res.destroyed
        ? new Promise<void>((resolve) => {
            const done = () => {
              res.off("drain", done);
              res.off("close", done);
              resolve();
            };
            res.on("drain", done);
            res.on("close", done);
          })
        : Promise.resolve(),
    // Whether the client is gone (its socket closed before the answer ended). Streamed
    // answers check it between chunks as well as the request's abort signal: Remix
    // keeps reading a body stream into a closed response, and in one CI run the signal
    // never reached the export, which read all 20 of its remaining batches after the
    // client left.
    responseGone: (): boolean => (res.destroyed || Boolean(res.socket?.destroyed)) && !res.writableFinished,
  });

  const securityHeaders = { development: remix?.mode === "development", production: process.env.NODE_ENV === "production" };
  app.use((req, res, next) => {
    assignRequestId(req, res);
    dropUntrustedForwardedHeaders(req, trustProxy);
    res.locals.cspNonce = setSecurityHeaders(res, securityHeaders);
    next();
  });

  app.get("/healthz", async (_req, res) => {
    try {
      await runtime.database.db.$queryRawUnsafe("SELECT 1");
      res.json({ status: "ok", database: runtime.database.provider });
    } catch (error) {
      logger.error("healthz: database did not answer", { error: String(error) });
      res.status(503).json({ status: "unavailable", database: runtime.database.provider });
    }
  });

  // Readiness (app/observability/readiness.server.ts): 503 with the reason when not ready.
  let notReadyLogged: string | null = null;
  app.get("/readyz", async (_req, res) => {
    const readiness = await checkReadiness(runtime.database);
    res.setHeader("cache-control", "no-store");
    if (readiness.ready) {
      notReadyLogged = null;
      return void res.json({ status: "ready", checks: readiness.checks });
    }
    // Probes come every few seconds: log each reason once, not each probe.
    if (readiness.reason !== notReadyLogged) logger.warn("readyz: not ready", { reason: readiness.reason });
    notReadyLogged = readiness.reason;
    res.status(503).json({ status: "unavailable", reason: readiness.reason, checks: readiness.checks });
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    // X-Forwarded-Host is still here only when a trusted proxy sent the request.
    const host = req.get("x-forwarded-host")?.split(",")[0]!.trim() || req.get("host");
    if (isExemptFromOriginCheck(req.url) || originAllowed(req.method, req.headers, host)) return next();
    logger.warn("refused a cross-origin request", { path: req.path, origin: req.get("origin") ?? null, requestId: req.requestId });
    res.status(403).type("text/plain").send("Cross-origin request refused.");
  });

  if (remix?.mode === "production") {
    const client = path.join(remix.buildDir, "client");
    app.use("/assets", express.static(path.join(client, "assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(client, { maxAge: "1h" }));
    app.all(
      "*",
      createRequestHandler({
        build: () => import(path.join(remix.buildDir, "server/index.js")) as Promise<ServerBuild>,
        mode: "production",
        getLoadContext,
      }),
    );
  } else if (remix?.mode === "development") {
    app.use(remix.vite.middlewares);
    app.use(express.static("public", { maxAge: "1h" }));
    app.all(
      "*",
      createRequestHandler({
        build: () => remix.vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
        mode: "development",
        getLoadContext,
      }),
    );
  }

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error("unhandled error", { path: req.path, requestId: req.requestId, error: String(error) });
    if (!res.headersSent) res.status(500).type("text/plain").send("Something went wrong. The request id is " + req.requestId);
  });
  return app;
}
