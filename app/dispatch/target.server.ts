// The Target table: forwarding destinations. Their `whsec_` secret and extra headers
// (which often carry an API key) are stored sealed with HOOKLINE_ENCRYPTION_KEY;
// reads give header names only, and the secret never leaves after creation.
import { Webhook } from "svix";

import { newId } from "~/db/ids";
import type { Db } from "~/db/prisma.server";
import type { Target } from "~/generated/sqlite/client";
import { decryptSecret, encryptSecret, isSealed } from "~/secrets/encryption.server";
import { DispatchNotFoundError } from "./dispatch-errors";

export type TargetRow = Target;

/** The target as the API and pages show it (never the secret or header values). */
export interface ApiTarget {
  id: string;
  name: string;
  url: string;
  eventTypes: string[];
  autoForward: boolean;
  enabled: boolean;
  timeoutMs: number;
  maxPerSecond: number | null;
  concurrency: number;
  headerNames: string[];
  createdAt: string;
  updatedAt: string;
}

export function toApiTarget(row: TargetRow): ApiTarget {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    eventTypes: parseEventTypes(row.eventTypes),
    autoForward: row.autoForward,
    enabled: row.enabled,
    timeoutMs: row.timeoutMs,
    maxPerSecond: row.maxPerSecond,
    concurrency: row.concurrency,
    headerNames: Object.keys(openHeaders(row)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function parseEventTypes(stored: string): string[] {
  try {
    const value = JSON.parse(stored) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/**
 * A new target's id, made here rather than by the database's default: the sealed
 * secret and headers are bound to it. The shape of Prisma's cuid (a `c` and
 * lower-case base32), time-ordered.
 */
export function newTargetId(): string {
  return `c${newId().toLowerCase()}`;
}

// NOTE: sealed values are bound to their row and column (encryption.server.ts), so
// a create generates the target's id before sealing (create-target.server.ts).
const binding = (id: string, field: "secretEncrypted" | "headers") => ({ table: "Target" as const, id, field });

export function sealHeaders(id: string, headers: Record<string, string>): string {
  return Object.keys(headers).length ? encryptSecret(JSON.stringify(headers), binding(id, "headers")) : "{}";
}

/** Extra headers in plaintext, for sending only. */
export function openHeaders(row: Pick<TargetRow, "id" | "headers">): Record<string, string> {
  const stored = row.headers;
  if (!stored || stored === "{}") return {};
  const text = isSealed(stored) ? decryptSecret(stored, binding(row.id, "headers")) : stored;
  const value = JSON.parse(text) as unknown;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, string>) : {};
}

export function sealTargetSecret(id: string, secret: string): string {
  return encryptSecret(secret, binding(id, "secretEncrypted"));
}

/** The plaintext `whsec_` secret of a target. */
export function openTargetSecret(row: Pick<TargetRow, "id" | "secretEncrypted">): string {
  return decryptSecret(row.secretEncrypted, binding(row.id, "secretEncrypted"));
}

/** The signer for a target's stored secret. */
export function targetWebhook(row: Pick<TargetRow, "id" | "secretEncrypted">): Webhook {
  return new Webhook(openTargetSecret(row));
}

/** A live (not deleted) target, or DispatchNotFoundError. */
export async function requireTarget(db: Db, id: string): Promise<TargetRow> {
  const row = await db.target.findFirst({ where: { id, deletedAt: null } });
  if (!row) throw new DispatchNotFoundError(`No target with id "${id}".`);
  return row;
}

export async function listTargets(db: Db): Promise<TargetRow[]> {
  return db.target.findMany({ where: { deletedAt: null }, orderBy: [{ name: "asc" }, { createdAt: "asc" }] });
}

export interface TargetStats {
  /** Attempts in the last 24 hours. */
  attempts: number;
  succeeded: number;
  /** succeeded / attempts, or null without attempts. */
  successRate: number | null;
  failures: number;
  /** Tasks waiting to be sent or in flight (auto-forward and replays). */
  backlog: number;
  /** Of the backlog, those waiting for a retry. */
  retrying: number;
  lastAttemptAt: string | null;
}

export const STATS_WINDOW_MS = 24 * 60 * 60 * 1000;

export async function targetStats(db: Db, targetIds: string[], now = new Date()): Promise<Map<string, TargetStats>> {
  const since = new Date(now.getTime() - STATS_WINDOW_MS);
  const result = new Map<string, TargetStats>();
  if (targetIds.length === 0) return result;
  const [attempts, okAttempts, backlog, retrying, last] = await Promise.all([
    db.dispatchAttempt.groupBy({ by: ["targetId"], where: { targetId: { in: targetIds }, sentAt: { gte: since } }, _count: { _all: true } }),
    db.dispatchAttempt.groupBy({ by: ["targetId"], where: { targetId: { in: targetIds }, sentAt: { gte: since }, ok: true }, _count: { _all: true } }),
    db.dispatchTask.groupBy({ by: ["targetId"], where: { targetId: { in: targetIds }, status: { in: ["pending", "sending"] } }, _count: { _all: true } }),
    db.dispatchTask.groupBy({ by: ["targetId"], where: { targetId: { in: targetIds }, status: "pending", attempts: { gt: 0 } }, _count: { _all: true } }),
    // NOTE: not groupBy `_max`: on SQLite (timestamps stored as integer ms) Prisma
    // returns an aggregated DateTime as an invalid Date.
    Promise.all(
      targetIds.map((targetId) =>
        db.dispatchAttempt.findFirst({ where: { targetId }, orderBy: { sentAt: "desc" }, select: { targetId: true, sentAt: true } }),
      ),
    ),
  ]);
  const count = (rows: { targetId: string; _count: { _all: number } }[], id: string) => rows.find((r) => r.targetId === id)?._count._all ?? 0;
  for (const id of targetIds) {
    const total = count(attempts, id);
    const succeeded = count(okAttempts, id);
    result.set(id, {
      attempts: total,
      succeeded,
      successRate: total ? succeeded / total : null,
      failures: total - succeeded,
      backlog: count(backlog, id),
      retrying: count(retrying, id),
      lastAttemptAt: last.find((r) => r?.targetId === id)?.sentAt.toISOString() ?? null,
    });
  }
  return result;
}
