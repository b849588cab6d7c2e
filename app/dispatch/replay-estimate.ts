// How long a replay will take, before it starts: browser-safe, so /replays/new can
// update the figure as the operator types a rate. Sends are bounded by the tighter of
// the rate limits (the target's and the job's) and by concurrency over the target's
// recent response time; one resource's events go one at a time (ADR 0007), so fewer
// resources than the concurrency is the real parallelism.

export interface ReplayPace {
  /** The target's own limit, sends per second. */
  targetMaxPerSecond: number | null;
  /** The limit typed for this job. */
  jobMaxPerSecond: number | null;
  concurrency: number;
  /** Median duration of the target's recent attempts; null when it was never sent to. */
  latencyMs: number | null;
  /** Distinct resources to send (null: unknown). */
  resources: number | null;
}

export interface ReplayEstimate {
  /** Sends per second expected; null when nothing bounds it that we know of. */
  rate: number | null;
  seconds: number | null;
  limitedBy: "rate limit" | "concurrency" | null;
}

export function estimateReplay(events: number, pace: ReplayPace): ReplayEstimate {
  const limits = [pace.targetMaxPerSecond, pace.jobMaxPerSecond].filter((v): v is number => typeof v === "number" && v > 0);
  const rateLimit = limits.length ? Math.min(...limits) : null;
  const parallel = Math.max(1, Math.min(pace.concurrency, pace.resources ?? pace.concurrency));
  const byConcurrency = pace.latencyMs !== null ? (parallel * 1000) / Math.max(pace.latencyMs, 1) : null;
  let rate: number | null;
  let limitedBy: ReplayEstimate["limitedBy"];
  if (rateLimit !== null && (byConcurrency === null || rateLimit <= byConcurrency)) {
    rate = rateLimit;
    limitedBy = "rate limit";
  } else if (byConcurrency !== null) {
    rate = byConcurrency;
    limitedBy = "concurrency";
  } else {
    rate = null;
    limitedBy = null;
  }
  return { rate, seconds: rate && events > 0 ? Math.ceil(events / rate) : events === 0 ? 0 : null, limitedBy };
}
