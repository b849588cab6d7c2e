// Use case: evaluate every issue condition once (the worker runs it every
// HOOKLINE_ALERT_EVAL_MS; tests call it directly). Steps:
//   1. run each kind's detector (detect-conditions.server.ts); a detector that fails is
//      logged and its kind left alone this round (absence must mean "clear", not "error");
//   2. a condition with no issue opens one; with a resolved one reopens it (kinds that
//      reopen), with an active one adds the new items to its count and occurrences;
//   3. an active issue whose condition has been clear for resolveAfterMs resolves;
//   4. a mute whose time is up ends.
// Every change goes through transitionIssue/createIssue, so with several instances
// each change happens once and notifies once.
import type { DatabaseHandle } from "~/db/prisma.server";
import { logger } from "~/observability/logger.server";
import {
  detectBillingAnomalies,
  detectDispatchBacklog,
  detectSourceSilent,
  detectTargetFailing,
  detectUnknownEventTypes,
  detectVerificationFailures,
  type Condition,
  type DetectContext,
  type SampleRef,
} from "./detect-conditions.server";
import { ACTIVE_STATUSES, DEFAULT_THRESHOLDS, ISSUE_KINDS, issueTitle, KIND_INFO, type IssueKind, type Thresholds } from "./issue-kinds";
import { createIssue, transitionIssue } from "./issue-transitions.server";
import { issueCounts, issueSamples, type IssueRow } from "./issues.server";

export const WORKER_ACTOR = "hookline";
const MAX_SAMPLES = 20;

export interface EvaluateOptions {
  now?: number;
  resolveAfterMs: number;
  thresholds?: Partial<Thresholds>;
  /** Only these kinds (tests, and re-checking one issue after a fix). */
  kinds?: readonly IssueKind[];
  /** Per-evaluator state that survives between rounds (unknown types' cursor). */
  state?: EvaluatorState;
}

export interface EvaluatorState {
  unknownTypes: { cursor: string | null };
  billing: { cursor: string | null };
}

export function newEvaluatorState(): EvaluatorState {
  return { unknownTypes: { cursor: null }, billing: { cursor: null } };
}

export interface EvaluationResult {
  opened: string[];
  reopened: string[];
  resolved: string[];
  updated: number;
  failedKinds: IssueKind[];
}

const DETECTORS: Record<IssueKind, (ctx: DetectContext, state: EvaluatorState) => Promise<Condition[]>> = {
  verification_failures: (ctx) => detectVerificationFailures(ctx),
  target_failing: (ctx) => detectTargetFailing(ctx),
  dispatch_backlog: (ctx) => detectDispatchBacklog(ctx),
  source_silent: (ctx) => detectSourceSilent(ctx),
  billing_anomaly: (ctx, state) => detectBillingAnomalies(ctx, state.billing),
  unknown_event_type: (ctx, state) => detectUnknownEventTypes(ctx, state.unknownTypes),
};

export async function evaluateIssues(handle: DatabaseHandle, options: EvaluateOptions): Promise<EvaluationResult> {
  const now = options.now ?? Date.now();
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const state = options.state ?? newEvaluatorState();
  const kinds = options.kinds ?? ISSUE_KINDS;
  const result: EvaluationResult = { opened: [], reopened: [], resolved: [], updated: 0, failedKinds: [] };
  const ctx: DetectContext = { handle, now, thresholds };

  const conditions: Condition[] = [];
  const evaluated = new Set<IssueKind>();
  for (const kind of kinds) {
    try {
      conditions.push(...(await DETECTORS[kind](ctx, state)));
      evaluated.add(kind);
    } catch (error) {
      result.failedKinds.push(kind);
      logger.error("issue detection failed; this kind is skipped this round", { kind, error: String(error) });
    }
  }

  const db = handle.db;
  const active = await db.issue.findMany({ where: { status: { in: [...ACTIVE_STATUSES] }, kind: { in: [...evaluated] } } });
  const key = (c: { kind: string; subjectType: string; subjectId: string }) => `${c.kind}\u0000${c.subjectType}\u0000${c.subjectId}`;
  const activeByKey = new Map(active.map((row) => [key(row), row]));
  const held = new Set<string>();

  for (const condition of conditions) {
    held.add(key(condition));
    try {
      const existing =
        activeByKey.get(key(condition)) ??
        (await db.issue.findUnique({
          where: { kind_subjectType_subjectId: { kind: condition.kind, subjectType: condition.subjectType, subjectId: condition.subjectId } },
        }));
      if (!existing) {
        const row = await openIssue(handle, condition, now);
        if (row) result.opened.push(row.id);
      } else if (existing.status === "resolved") {
        const row = await reopenOrCount(handle, existing, condition, now);
        if (row && row.reopenCount > existing.reopenCount) result.reopened.push(row.id);
      } else if (await stillHolds(handle, existing, condition, now)) result.updated++;
    } catch (error) {
      logger.error("issue update failed; it is retried next round", { kind: condition.kind, subject: condition.subjectId, error: String(error) });
    }
  }

  for (const row of active) {
    try {
      if (row.status === "muted" && row.mutedUntil && row.mutedUntil.getTime() <= now) {
        await transitionIssue(db, row, { status: row.acknowledgedAt ? "acknowledged" : "open", mutedUntil: null }, { now, change: { change: "unmuted", actor: WORKER_ACTOR, note: "the mute ended" } });
        continue;
      }
      if (held.has(key(row)) || !KIND_INFO[row.kind as IssueKind]?.autoResolve) continue;
      if (now - row.conditionSeenAt.getTime() < options.resolveAfterMs) continue;
      const resolved = await transitionIssue(
        db,
        row,
        // A mute outlives the resolution: a reopening within it stays quiet too.
        { status: "resolved", resolvedAt: new Date(now), resolvedBy: WORKER_ACTOR },
        { now, notify: "issue.resolved", change: { change: "resolved", actor: WORKER_ACTOR, note: `the condition was clear for ${Math.round(options.resolveAfterMs / 1000)} s` } },
      );
      if (resolved) result.resolved.push(resolved.id);
    } catch (error) {
      logger.error("issue resolve failed; it is retried next round", { issueId: row.id, error: String(error) });
    }
  }
  return result;
}

/** Re-checks the issues of some kinds now and resolves those that are clear at once (after a fix such as re-verification). */
export async function resolveIfClear(handle: DatabaseHandle, issue: IssueRow, actor: string, note: string, thresholds?: Partial<Thresholds>): Promise<IssueRow | null> {
  const kind = issue.kind as IssueKind;
  const conditions = await DETECTORS[kind]({ handle, now: Date.now(), thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds } }, newEvaluatorState());
  if (conditions.some((c) => c.subjectType === issue.subjectType && c.subjectId === issue.subjectId)) return null;
  const now = Date.now();
  return transitionIssue(
    handle.db,
    issue,
    { status: "resolved", resolvedAt: new Date(now), resolvedBy: actor, mutedUntil: null },
    { now, notify: "issue.resolved", change: { change: "resolved", actor, note } },
    ACTIVE_STATUSES,
  );
}

function countLabels(items: SampleRef[], into: Record<string, number> = {}) {
  for (const item of items) into[item.label] = (into[item.label] ?? 0) + 1;
  return into;
}

function mergeSamples(row: Pick<IssueRow, "samples"> | null, items: SampleRef[]): string {
  const seen = new Set<string>();
  const merged = [...items, ...(row ? issueSamples(row) : [])].filter((s) => !seen.has(s.id) && seen.add(s.id));
  return JSON.stringify(merged.slice(0, MAX_SAMPLES));
}

function latest(items: SampleRef[], fallback: number) {
  return items.reduce((max, i) => Math.max(max, i.at), fallback);
}

async function openIssue(handle: DatabaseHandle, condition: Condition, now: number) {
  const counts = countLabels(condition.items);
  const firstAt = condition.items.length ? Math.min(...condition.items.map((i) => i.at)) : now;
  const openedAt = Math.min(firstAt, now);
  return createIssue(
    handle.db,
    {
      kind: condition.kind,
      subjectType: condition.subjectType,
      subjectId: condition.subjectId,
      status: "open",
      title: issueTitle({ kind: condition.kind, subjectLabel: condition.subjectLabel, counts, facts: condition.facts, openedAt }),
      facts: JSON.stringify({ counts, facts: condition.facts }),
      samples: mergeSamples(null, condition.items),
      count: condition.items.length || 1,
      firstSeenAt: new Date(openedAt),
      lastSeenAt: new Date(latest(condition.items, now)),
      conditionSeenAt: new Date(now),
      openedAt: new Date(openedAt),
    },
    {
      now,
      notify: "issue.opened",
      change: { change: "opened", actor: WORKER_ACTOR },
      occurrences: condition.items.length ? condition.items : { at: now, count: 1 },
    },
  );
}

async function reopenOrCount(handle: DatabaseHandle, row: IssueRow, condition: Condition, now: number) {
  // Only what came after it was resolved counts: resolving by hand while failures
  // continue does not bounce straight back on the items already seen.
  const after = Math.max(row.lastSeenAt.getTime(), row.resolvedAt?.getTime() ?? 0);
  const fresh = condition.items.filter((i) => i.at > after);
  if (condition.items.length && !fresh.length) return null;
  const info = KIND_INFO[condition.kind];
  if (!info.reopens) {
    return transitionIssue(handle.db, row, { count: { increment: fresh.length }, lastSeenAt: new Date(latest(fresh, row.lastSeenAt.getTime())), samples: mergeSamples(row, fresh) }, { now, occurrences: fresh });
  }
  const counts = countLabels(fresh);
  return transitionIssue(
    handle.db,
    row,
    {
      status: row.mutedUntil && row.mutedUntil.getTime() > now ? "muted" : "open",
      title: issueTitle({ kind: condition.kind, subjectLabel: condition.subjectLabel, counts, facts: condition.facts, openedAt: now }),
      facts: JSON.stringify({ counts, facts: condition.facts }),
      samples: mergeSamples(row, fresh),
      count: { increment: fresh.length || 1 },
      lastSeenAt: new Date(latest(fresh, now)),
      conditionSeenAt: new Date(now),
      openedAt: new Date(now),
      reopenCount: { increment: 1 },
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
    },
    { now, notify: "issue.reopened", change: { change: "reopened", actor: WORKER_ACTOR }, occurrences: fresh.length ? fresh : { at: now, count: 1 } },
    ["resolved"],
  );
}

async function stillHolds(handle: DatabaseHandle, row: IssueRow, condition: Condition, now: number) {
  const fresh = condition.items.filter((i) => i.at > row.lastSeenAt.getTime());
  const { counts } = issueCounts(row);
  countLabels(fresh, counts);
  return transitionIssue(
    handle.db,
    row,
    {
      title: issueTitle({ kind: condition.kind, subjectLabel: condition.subjectLabel, counts, facts: condition.facts, openedAt: row.openedAt.getTime() }),
      facts: JSON.stringify({ counts, facts: condition.facts }),
      samples: mergeSamples(row, fresh),
      count: { increment: fresh.length },
      lastSeenAt: new Date(latest(fresh, condition.items.length ? row.lastSeenAt.getTime() : now)),
      conditionSeenAt: new Date(now),
    },
    { now, occurrences: fresh },
  );
}
