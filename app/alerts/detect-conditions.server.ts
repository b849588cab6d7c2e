// Detection: one function per issue kind, each answering "for which subjects does the
// condition hold right now?" from the rows ingest and dispatch already write. They
// only read, each with a bounded query on an existing index, and run in the worker
// (evaluate-issues.server.ts), never on the ingest path. A kind's detector covers all
// of its subjects in one call, so a subject it does not return is clear.
import { loadSubscriptionTimeline } from "~/billing/billing-timeline.server";
import { firstIdAt } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { parseSourceSettings, parseTargetSettings, sourceThresholds, targetThresholds } from "./alert-settings";
import type { IssueKind, SubjectType, Thresholds } from "./issue-kinds";

/** A failing item an issue links to: a delivery, a dispatch attempt, an event or a task. */
export interface SampleRef {
  type: "delivery" | "attempt" | "event" | "task";
  id: string;
  /** ms */
  at: number;
  /** What the title counts it as: an outcome, `HTTP 500`, an error. */
  label: string;
}

export interface Condition {
  kind: IssueKind;
  subjectType: SubjectType;
  subjectId: string;
  /** How pages and titles name the subject (a target's name, a source's slug). */
  subjectLabel: string;
  /** The failing items currently in the window, newest first (bounded). Empty for conditions without items. */
  items: SampleRef[];
  facts: Record<string, unknown>;
}

export interface DetectContext {
  handle: DatabaseHandle;
  now: number;
  thresholds: Thresholds;
}

/** Every outcome except `verified` and `duplicate` (DESIGN.md's outcome table). */
export const FAILED_OUTCOMES = [
  "missing_headers",
  "invalid_signature",
  "timestamp_out_of_tolerance",
  "malformed_payload",
  "no_secret",
  "unknown_source",
  "body_too_large",
] as const;

const MAX_ITEMS = 1000;

export async function detectVerificationFailures({ handle, now, thresholds }: DetectContext): Promise<Condition[]> {
  const sources = await handle.db.source.findMany({ select: { slug: true, alertSettings: true } });
  const limits = new Map(sources.map((s) => [s.slug, sourceThresholds(thresholds, parseSourceSettings(s.alertSettings))]));
  const widest = Math.max(thresholds.verificationWindowMs, ...[...limits.values()].map((l) => l.verificationWindowMs));
  // Delivery ids sort by arrival (app/db/ids.ts), so the window is an id range on the
  // (outcome, id) index; re-verified deliveries are `verified` now and drop out.
  const rows = await handle.db.delivery.findMany({
    where: { outcome: { in: [...FAILED_OUTCOMES] }, id: { gte: firstIdAt(new Date(now - widest)) } },
    select: { id: true, sourceSlug: true, outcome: true, receivedAt: true },
    orderBy: { id: "desc" },
    take: MAX_ITEMS,
  });
  const bySource = new Map<string, SampleRef[]>();
  for (const row of rows) {
    const list = bySource.get(row.sourceSlug) ?? [];
    list.push({ type: "delivery", id: row.id, at: row.receivedAt.getTime(), label: row.outcome });
    bySource.set(row.sourceSlug, list);
  }
  const conditions: Condition[] = [];
  for (const [slug, all] of bySource) {
    // A slug with no source (unknown_source) takes the defaults.
    const limit = limits.get(slug) ?? sourceThresholds(thresholds, {});
    const items = all.filter((i) => i.at >= now - limit.verificationWindowMs);
    if (items.length >= limit.verificationFailures) {
      conditions.push({ kind: "verification_failures", subjectType: "source", subjectId: slug, subjectLabel: slug, items, facts: {} });
    }
  }
  return conditions;
}

export async function detectTargetFailing({ handle, thresholds }: DetectContext): Promise<Condition[]> {
  const targets = await handle.db.target.findMany({ where: { deletedAt: null, enabled: true }, select: { id: true, name: true, alertSettings: true } });
  const conditions: Condition[] = [];
  for (const target of targets) {
    const limit = targetThresholds(thresholds, parseTargetSettings(target.alertSettings));
    const attempts = await handle.db.dispatchAttempt.findMany({
      where: { targetId: target.id },
      orderBy: { sentAt: "desc" },
      take: thresholds.targetWindowAttempts,
      select: { id: true, ok: true, status: true, error: true, sentAt: true },
    });
    let consecutive = 0;
    while (consecutive < attempts.length && !attempts[consecutive]!.ok) consecutive++;
    const okCount = attempts.filter((a) => a.ok).length;
    const byRun = consecutive >= limit.consecutiveFailures;
    const byRate = attempts.length >= thresholds.targetMinAttemptsForRate && okCount * 2 < attempts.length;
    if (!byRun && !byRate) continue;
    const label = (a: (typeof attempts)[number]) => (a.status !== null ? `HTTP ${a.status}` : (a.error ?? "failed").slice(0, 80));
    const failed = attempts.filter((a) => !a.ok);
    conditions.push({
      kind: "target_failing",
      subjectType: "target",
      subjectId: target.id,
      subjectLabel: target.name,
      items: failed.map((a) => ({ type: "attempt", id: a.id, at: a.sentAt.getTime(), label: label(a) })),
      facts: {
        rule: byRun ? "consecutive" : "rate",
        consecutive,
        okCount,
        window: attempts.length,
        lastError: label(failed[0]!),
        failingSince: attempts[Math.max(0, consecutive - 1)]!.sentAt.getTime(),
      },
    });
  }
  return conditions;
}

export async function detectDispatchBacklog({ handle, now, thresholds }: DetectContext): Promise<Condition[]> {
  // Paused and canceled jobs' tasks are not "due": only auto-forward and running jobs.
  const due = { status: "pending", OR: [{ jobId: null }, { job: { status: "running" } }] };
  const settings = await handle.db.target.findMany({ where: { deletedAt: null, alertSettings: { not: null } }, select: { id: true, alertSettings: true } });
  const ageFor = new Map(settings.map((t) => [t.id, targetThresholds(thresholds, parseTargetSettings(t.alertSettings)).backlogAgeMs]));
  const shortest = Math.min(thresholds.backlogAgeMs, ...ageFor.values());
  const candidates = await handle.db.dispatchTask.groupBy({
    by: ["targetId"],
    where: { ...due, nextAttemptAt: { lt: new Date(now - shortest) } },
    _count: { _all: true },
  });
  if (!candidates.length) return [];
  const ids = candidates.map((row) => row.targetId);
  const [targets, waiting, oldest] = await Promise.all([
    handle.db.target.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
    handle.db.dispatchTask.groupBy({ by: ["targetId"], where: { ...due, targetId: { in: ids }, nextAttemptAt: { lte: new Date(now) } }, _count: { _all: true } }),
    // (Not `_min` in the groupBy: on SQLite it does not come back as a date.)
    Promise.all(ids.map((targetId) => handle.db.dispatchTask.findFirst({ where: { ...due, targetId }, orderBy: { nextAttemptAt: "asc" }, select: { targetId: true, nextAttemptAt: true } }))),
  ]);
  const oldestAt = (targetId: string) => oldest.find((o) => o?.targetId === targetId)?.nextAttemptAt.getTime() ?? now;
  const late = candidates.filter((row) => now - oldestAt(row.targetId) > (ageFor.get(row.targetId) ?? thresholds.backlogAgeMs));
  return late.map((row) => ({
    kind: "dispatch_backlog",
    subjectType: "target",
    subjectId: row.targetId,
    subjectLabel: targets.find((t) => t.id === row.targetId)?.name ?? row.targetId,
    items: [],
    facts: {
      waiting: waiting.find((w) => w.targetId === row.targetId)?._count._all ?? 0,
      // (SQLite's aggregate comes back as the stored integer, Postgres's as a Date.)
      oldestAgeMs: now - oldestAt(row.targetId),
    },
  }));
}

export async function detectSourceSilent({ handle, now, thresholds }: DetectContext): Promise<Condition[]> {
  const sources = await handle.db.source.findMany({ select: { slug: true, alertSettings: true } });
  const conditions: Condition[] = [];
  for (const { slug, alertSettings } of sources) {
    const silenceMs = sourceThresholds(thresholds, parseSourceSettings(alertSettings)).silenceMs;
    if (silenceMs === null) continue; // switched off for this source
    // Newest verified delivery: one step down the (sourceSlug, outcome, id) index.
    const last = await handle.db.delivery.findFirst({
      where: { sourceSlug: slug, outcome: { in: ["verified", "duplicate"] } },
      orderBy: { id: "desc" },
      select: { receivedAt: true },
    });
    if (!last) continue; // off for a source that never received any
    const at = last.receivedAt.getTime();
    if (at < now - thresholds.silenceActiveWithinMs || at > now - silenceMs) continue;
    conditions.push({ kind: "source_silent", subjectType: "source", subjectId: slug, subjectLabel: slug, items: [], facts: { lastEventAt: at } });
  }
  return conditions;
}

const PAST_DUE_TYPES = ["subscription.pastDue", "subscriptionItem.pastDue"];
const BILLING_FIRST_ROUND = 50;

/**
 * Candidates are few, so each is judged by the billing page's own rule
 * (findAnomalies through loadSubscriptionTimeline): the subscriptions of past-due
 * events received since the last round (an id range, `state.cursor`), the subjects of
 * billing issues still active (a payment may have cleared them), and on an instance's
 * first round the 50 latest past-due subscriptions by envelope time.
 */
export async function detectBillingAnomalies({ handle, now }: DetectContext, state: { cursor: string | null }): Promise<Condition[]> {
  const first = state.cursor === null;
  const cursor = state.cursor ?? firstIdAt(new Date(now - 24 * 60 * 60_000));
  const [recent, latest, active] = await Promise.all([
    handle.db.event.findMany({
      where: { id: { gt: cursor }, type: { in: PAST_DUE_TYPES }, subscriptionId: { not: null } },
      orderBy: { id: "asc" },
      select: { id: true, subscriptionId: true },
      take: MAX_ITEMS,
    }),
    first
      ? handle.db.event.findMany({
          where: { type: { in: PAST_DUE_TYPES }, subscriptionId: { not: null } },
          orderBy: { timestampMs: "desc" },
          select: { subscriptionId: true },
          take: BILLING_FIRST_ROUND * 4,
        })
      : Promise.resolve([]),
    handle.db.issue.findMany({ where: { kind: "billing_anomaly", status: { not: "resolved" } }, select: { subjectId: true } }),
  ]);
  state.cursor = recent.length === MAX_ITEMS ? recent.at(-1)!.id : maxId(cursor, firstIdAt(new Date(Math.min(now, Date.now()) - 5_000)));
  const ids = [
    ...new Set([
      ...active.map((i) => i.subjectId),
      ...recent.map((r) => r.subscriptionId!),
      ...latest.map((r) => r.subscriptionId!).filter((id, i, all) => all.indexOf(id) === i).slice(0, BILLING_FIRST_ROUND),
    ]),
  ];
  const conditions: Condition[] = [];
  for (const id of ids) {
    const timeline = await loadSubscriptionTimeline(handle, id, { now });
    const anomaly = timeline.anomalies.find((a) => a.kind === "past_due_unpaid");
    if (!anomaly) continue;
    const failed = timeline.attempts.filter((a) => a.status === "failed").at(-1);
    conditions.push({
      kind: "billing_anomaly",
      subjectType: "subscription",
      subjectId: id,
      subjectLabel: id,
      items: anomaly.events.map((e) => ({ type: "event", id: e.id, at: e.timestamp, label: "past_due" })),
      facts: {
        payer: timeline.payer?.email ?? timeline.payer?.payerId ?? null,
        amount: failed?.amount.text ?? timeline.state.latestPayment?.amount.text ?? null,
        message: anomaly.message,
      },
    });
  }
  return conditions;
}

/**
 * New events of types not in the catalog. Incremental: `state.cursor` is the last event
 * id looked at (per process; every instance starts a day back), so each event is read once.
 */
export async function detectUnknownEventTypes(
  { handle, now }: DetectContext,
  state: { cursor: string | null },
): Promise<Condition[]> {
  const cursor = state.cursor ?? firstIdAt(new Date(now - 24 * 60 * 60_000));
  const rows = await handle.db.event.findMany({
    where: { id: { gt: cursor }, knownType: false },
    orderBy: { id: "asc" },
    select: { id: true, type: true, firstReceivedAt: true },
    take: MAX_ITEMS,
  });
  // Without a full page, everything up to now was read; ids of events still being
  // committed sort after `now - 5 s` (ids are minted at arrival).
  // (The wall clock, not `now`: an evaluation "as of" a later time must not skip ahead.)
  state.cursor = rows.length === MAX_ITEMS ? rows.at(-1)!.id : maxId(cursor, firstIdAt(new Date(Math.min(now, Date.now()) - 5_000)));
  const byType = new Map<string, SampleRef[]>();
  for (const row of rows) {
    const list = byType.get(row.type) ?? [];
    list.unshift({ type: "event", id: row.id, at: row.firstReceivedAt.getTime(), label: row.type });
    byType.set(row.type, list);
  }
  return [...byType].map(([type, items]) => ({ kind: "unknown_event_type", subjectType: "eventType", subjectId: type, subjectLabel: type, items, facts: {} }));
}

function maxId(a: string, b: string) {
  return a > b ? a : b;
}
