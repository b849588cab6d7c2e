// Prometheus metrics (`GET /metrics`, bearer token) through prom-client. Counters and
// histograms are kept in-process; queue depth and job progress are read from the
// database at scrape time, so every instance reports the shared truth.
import { isMainThread, parentPort } from "node:worker_threads";

import client from "prom-client";

import type { DatabaseHandle } from "~/db/prisma.server";

const globalForMetrics = globalThis as unknown as { __hooklineMetrics?: ReturnType<typeof createMetrics> };

function createMetrics() {
  const registry = new client.Registry();
  // Process and Node.js metrics under their standard names, so the usual Node.js
  // dashboards find them; Hookline's own all start with hookline_.
  client.collectDefaultMetrics({ register: registry });
  // NOTE: prom-client's three *_total gauges break Prometheus' naming rule (`_total` is
  // for counters; `promtool check metrics` fails). The same counts by type remain:
  // sum(nodejs_active_handles) is the total.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(name);
  }
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
  new client.Gauge({
    name: "hookline_issues_open",
    help: "Issues not resolved (open, acknowledged or muted), by kind (app/alerts)",
    labelNames: ["kind"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!handle) return;
      const rows = await handle.db.issue.groupBy({ by: ["kind"], where: { status: { not: "resolved" } }, _count: { _all: true } });
      for (const row of rows) this.set({ kind: row.kind }, row._count._all);
    },
  });
  // The worker thread's heartbeat (worker-thread-main.ts): registered only when the
  // worker runs in this process, so an instance started with HOOKLINE_WORKER=0 does not
  // report a heartbeat that never comes.
  const heartbeat = { expected: false, startedAt: 0, lastAt: null as number | null };
  const heartbeatGauge = new client.Gauge({
    name: "hookline_worker_heartbeat_timestamp_seconds",
    help: "When the worker loop in this process last reported (Unix time); the thread's start until its first report",
    registers: [],
    collect() {
      this.set((heartbeat.lastAt ?? heartbeat.startedAt) / 1000);
    },
  });
  return {
    registry,
    heartbeat,
    expectWorkerHeartbeat() {
      heartbeat.startedAt = Date.now();
      if (heartbeat.expected) return;
      heartbeat.expected = true;
      registry.registerMetric(heartbeatGauge);
    },
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

/** On the worker thread: the loop is alive (a worker task, every few seconds). */
export function sendWorkerHeartbeat() {
  if (!isMainThread && parentPort) parentPort.postMessage({ hooklineMetric: "heartbeat" });
}

/** The server's side of recordDispatchAttempt() and sendWorkerHeartbeat() on the worker thread. */
export function acceptWorkerMetrics(message: unknown) {
  const m = message as { hooklineMetric?: string; result?: DispatchResult } | null;
  if (m?.hooklineMetric === "dispatchAttempt" && m.result) metrics().dispatchAttempts.inc({ result: m.result });
  else if (m?.hooklineMetric === "heartbeat") metrics().heartbeat.lastAt = Date.now();
}
