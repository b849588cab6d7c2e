// Prometheus metrics (`GET /metrics`, bearer token) through prom-client. Counters and
// histograms are kept in-process; queue depth and job progress are read from the
// database at scrape time, so every instance reports the shared truth.
import { isMainThread, parentPort } from "node:worker_threads";

import client from "prom-client";

import type { DatabaseHandle } from "~/db/prisma.server";

const globalForMetrics = globalThis as unknown as { __hooklineMetrics?: ReturnType<typeof createMetrics> };

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "hookline_process_" });
  const deliveries = new client.Counter({
    name: "hookline_deliveries_total",
    help: "Deliveries that reached ingest, by verification outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const ingestDuration = new client.Histogram({
    name: "hookline_ingest_duration_seconds",
    help: "Time from the end of the request body to the answer, including the database commit",
    labelNames: ["outcome"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const dispatchAttempts = new client.Counter({
    name: "hookline_dispatch_attempts_total",
    help: "HTTP attempts to forwarding targets, by result (ok, http_error, network_error)",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  let handle: DatabaseHandle | null = null;
  new client.Gauge({
    name: "hookline_dispatch_queue_depth",
    help: "Dispatch tasks waiting to be sent (pending or retrying), by target",
    labelNames: ["target"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!handle) return;
      const rows = await handle.db.dispatchTask.groupBy({
        by: ["targetId"],
        where: { status: { in: ["pending", "sending"] } },
        _count: { _all: true },
      });
      for (const row of rows) this.set({ target: row.targetId }, row._count._all);
    },
  });
  new client.Gauge({
    name: "hookline_job_progress",
    help: "Progress of replay and forward jobs that are not finished: total, sent and failed events",
    labelNames: ["job", "kind", "status", "count"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!handle) return;
      const jobs = await handle.db.dispatchJob.findMany({
        where: { status: { in: ["queued", "running", "paused"] } },
        select: { id: true, kind: true, status: true, total: true, sent: true, failed: true },
        take: 100,
      });
      for (const job of jobs) {
        for (const count of ["total", "sent", "failed"] as const) {
          this.set({ job: job.id, kind: job.kind, status: job.status, count }, job[count]);
        }
      }
    },
  });
  return {
    registry,
    deliveries,
    ingestDuration,
    dispatchAttempts,
    attach(database: DatabaseHandle) {
      handle = database;
    },
  };
}

export function metrics() {
  globalForMetrics.__hooklineMetrics ??= createMetrics();
  return globalForMetrics.__hooklineMetrics;
}

export function recordIngest(outcome: string, seconds: number) {
  const m = metrics();
  m.deliveries.inc({ outcome });
  m.ingestDuration.observe({ outcome }, seconds);
}

type DispatchResult = "ok" | "http_error" | "network_error";

export function recordDispatchAttempt(result: DispatchResult) {
  // On the worker thread, the count belongs to the server's registry (the one /metrics reads).
  if (!isMainThread && parentPort) parentPort.postMessage({ hooklineMetric: "dispatchAttempt", result });
  else metrics().dispatchAttempts.inc({ result });
}

/** The server's side of recordDispatchAttempt() on the worker thread. */
export function acceptWorkerMetrics(message: unknown) {
  const m = message as { hooklineMetric?: string; result?: DispatchResult } | null;
  if (m?.hooklineMetric === "dispatchAttempt" && m.result) metrics().dispatchAttempts.inc({ result: m.result });
}
