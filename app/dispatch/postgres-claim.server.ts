// The Postgres claim turn in ONE round trip (issue 14 §4, ADR 0007 "The claim
// statement"). The rules are claimTasks' and applyCompletion's in
// dispatch-task.server.ts, step for step; only the transport differs: every statement
// of the turn (BEGIN, the last batch's attempts, its tasks and job counters, the
// target's row lock, the expired-lease sweep, the lease with the events' bodies,
// COMMIT) goes to the server as one multi-statement simple query on a plain `pg`
// connection, instead of ten awaited Prisma statements while the target's row is
// locked and every slot is leased. Values are inlined as escaped literals
// (`escapeLiteral`), since the simple query protocol has no parameters.
//
// Only for targets without a rate limit, whose running jobs have none either: the
// lease is then the same for every task (send now), which SQL can write without the
// worker's rate cursors. Otherwise the statement leases nothing and reports why;
// the worker then claims through claimTasks (Prisma), as on SQLite.
import pg from "pg";

import { decodeBody } from "~/deliveries/body-codec.server";

import { postgresInsertSql } from "./bulk-insert.server";
import { ATTEMPT_COLUMNS, attemptRows, CLAIMABLE_TASK_SQL, type ClaimedTask, type ClaimTarget, type CompletionPlan } from "./dispatch-task.server";

export interface PostgresClaimOptions {
  targetId: string;
  workerId: string;
  max: number;
  leaseMarginMs: number;
  reclaimExpired: boolean;
  completion: CompletionPlan | null;
  now?: Date;
}

/**
 * A leased task with its event's svix-id and stored body as stored (null when the
 * event or its delivery is gone): decode it with the body codec before sending.
 */
export interface LeasedTask {
  task: ClaimedTask;
  eventSvixId: string | null;
  storedBody: { rawBody: Buffer } | null;
}

export interface PostgresClaimResult {
  /** Null when the target is disabled or deleted. */
  target: ClaimTarget | null;
  leased: LeasedTask[];
  /** The target or one of its running jobs has a rate limit: nothing was leased; claim through claimTasks. */
  rateLimited: boolean;
  /** Jobs the completion may have finished: pass to settleJobs. */
  settle: string[];
}

/** A small pool of its own, like ingest's (postgres-group-commit.server.ts): Prisma's pool stays for pages and the API. */
export function createClaimPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  // An idle connection that the server closes (restart, DROP DATABASE … FORCE in tests)
  // is an 'error' on the pool; without a listener it would end the process.
  pool.on("error", () => {});
  return pool;
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

/** Runs one claim turn (with the previous batch's completion) as one round trip. */
export async function claimTurnPostgres(pool: pg.Pool, options: PostgresClaimOptions): Promise<PostgresClaimResult> {
  const now = options.now ?? new Date();
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on("error", onError);
  const lit = (value: string) => client.escapeLiteral(value);
  const json = (value: unknown) => `${lit(JSON.stringify(value))}::json`;
  const nowSql = `${lit(now.toISOString())}::timestamp(3)`;
  const target = lit(options.targetId);
  const worker = lit(options.workerId);

  const statements: string[] = ["BEGIN"];
  const at: Record<"jobs" | "target" | "limited" | "leased", number> = { jobs: -1, target: -1, limited: -1, leased: -1 };
  const plans = options.completion?.plans ?? [];
  if (plans.length) {
    const attempts = attemptRows(plans);
    if (attempts.length) statements.push(postgresInsertSql("DispatchAttempt", ATTEMPT_COLUMNS, attempts, lit));
    // Tasks and job counters in one statement, fenced on lockedBy like applyCompletion:
    // a worker whose lease expired records its attempt but moves neither.
    const moves = plans.map((p) => [p.outcome.task.id, p.next, p.nextAttemptAt?.toISOString() ?? null, p.error]);
    at.jobs = statements.length;
    statements.push(`
      WITH p AS (
        SELECT r.value->>0 AS "id", r.value->>1 AS "next", (r.value->>2)::timestamp(3) AS "nextAttemptAt", r.value->>3 AS "error"
        FROM json_array_elements(${json(moves)}) AS r(value)),
      moved AS (
        UPDATE "DispatchTask" t
        SET "status" = CASE p."next" WHEN 'retry' THEN 'pending' ELSE p."next" END, "lockedBy" = NULL, "lockedUntil" = NULL,
            "nextAttemptAt" = CASE p."next" WHEN 'retry' THEN p."nextAttemptAt" ELSE t."nextAttemptAt" END, "lastError" = p."error"
        FROM p WHERE t."id" = p."id" AND t."lockedBy" = ${worker} AND t."status" = 'sending'
        RETURNING t."jobId", p."next"),
      counts AS (
        SELECT "jobId", (count(*) FILTER (WHERE "next" IN ('sent', 'superseded')))::int AS "sent", (count(*) FILTER (WHERE "next" = 'failed'))::int AS "failed"
        FROM moved WHERE "jobId" IS NOT NULL GROUP BY "jobId")
      UPDATE "DispatchJob" j SET "sent" = j."sent" + c."sent", "failed" = j."failed" + c."failed"
      FROM counts c WHERE j."id" = c."jobId" AND (c."sent" > 0 OR c."failed" > 0)
      RETURNING j."id", j."total", j."sent", j."failed", j."canceled", j."planned"`);
  }
  // The target's row lock until commit: claims for one target run one at a time across instances.
  at.target = statements.length;
  statements.push(`
    UPDATE "Target" SET "forwardSeq" = "forwardSeq"
    WHERE "id" = ${target} AND "deletedAt" IS NULL AND "enabled" = TRUE
    RETURNING "id", "url", "secretEncrypted", "headers", "timeoutMs", "maxPerSecond", "concurrency", ${ms(`"rateCursor"`)} AS "rateCursorMs"`);
  if (options.reclaimExpired) {
    statements.push(`
      UPDATE "DispatchTask" SET "status" = 'pending', "lockedBy" = NULL, "lockedUntil" = NULL
      WHERE "targetId" = ${target} AND "status" = 'sending' AND "lockedUntil" < ${nowSql}`);
  }
  const jobLimited = `EXISTS (SELECT 1 FROM "DispatchJob" WHERE "targetId" = ${target} AND "status" = 'running' AND "maxPerSecond" IS NOT NULL)`;
  at.limited = statements.length;
  statements.push(`SELECT ${jobLimited} AS "limited"`);
  // The candidates are claimTasks' query (heads of each resource's line, in claim
  // order through the (targetId, status, nextAttemptAt, seq) index). The LIMIT stays a
  // literal (a sub-query there made the planner hash the whole table); the free
  // slots cut the numbered candidates instead.
  at.leased = statements.length;
  statements.push(`
    WITH slots AS (
      SELECT tg."concurrency" - (SELECT count(*) FROM "DispatchTask" WHERE "targetId" = ${target} AND "status" = 'sending')::int AS "n", tg."timeoutMs"
      FROM "Target" tg
      WHERE tg."id" = ${target} AND tg."deletedAt" IS NULL AND tg."enabled" = TRUE AND tg."maxPerSecond" IS NULL AND NOT ${jobLimited}),
    candidates AS (
      SELECT t."id", t."nextAttemptAt" AS "dueAt", t."seq"
      FROM "DispatchTask" t
      WHERE t."targetId" = ${target} AND t."status" = 'pending' AND t."nextAttemptAt" <= ${nowSql}
        AND ${CLAIMABLE_TASK_SQL}
      ORDER BY t."nextAttemptAt" ASC, t."seq" ASC
      LIMIT ${Math.max(1, Math.floor(options.max))}),
    numbered AS (SELECT c.*, row_number() OVER (ORDER BY c."dueAt", c."seq") AS "rn" FROM candidates c),
    leased AS (
      UPDATE "DispatchTask" t
      SET "status" = 'sending', "lockedBy" = ${worker}, "attempts" = t."attempts" + 1, "nextAttemptAt" = ${nowSql},
          "lockedUntil" = ${nowSql} + (s."timeoutMs" + ${Math.floor(options.leaseMarginMs)}) * interval '1 millisecond'
      FROM numbered c, slots s
      WHERE t."id" = c."id" AND c."rn" <= s."n" AND t."status" = 'pending'
      RETURNING t."id", t."jobId", t."eventId", t."seq", t."attempts", t."svixId", t."createdAt", c."dueAt", c."rn")
    SELECT l."id", l."jobId", l."eventId", l."seq", l."attempts", l."svixId", ${ms(`l."createdAt"`)} AS "createdAtMs",
           ${ms(`l."dueAt"`)} AS "dueAtMs", e."svixId" AS "eventSvixId", d."rawBody", d."bodyEncoding"
    FROM leased l LEFT JOIN "Event" e ON e."id" = l."eventId" LEFT JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
    ORDER BY l."rn"`);
  statements.push("COMMIT");

  try {
    let results: pg.QueryResult[];
    try {
      results = (await client.query(statements.join(";\n"))) as unknown as pg.QueryResult[];
    } catch (error) {
      // A failed statement leaves the transaction aborted (the rest of the string was skipped).
      if (error instanceof pg.DatabaseError) await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      throw error;
    }
    const settle: string[] = [];
    if (at.jobs >= 0) {
      for (const job of results[at.jobs]!.rows as { id: string; total: number; sent: number; failed: number; canceled: number; planned: boolean }[]) {
        // Only a job whose counters add up can be finished.
        if (job.planned && job.sent + job.failed + job.canceled >= job.total) settle.push(job.id);
      }
    }
    const row = results[at.target]!.rows[0] as (Omit<ClaimTarget, "rateCursor"> & { rateCursorMs: number | null }) | undefined;
    if (!row) return { target: null, leased: [], rateLimited: false, settle };
    const { rateCursorMs, ...rest } = row;
    const claimTarget: ClaimTarget = { ...rest, rateCursor: rateCursorMs === null ? null : new Date(rateCursorMs) };
    const rateLimited = claimTarget.maxPerSecond !== null || Boolean(results[at.limited]!.rows[0]?.limited);
    type Leased = { id: string; jobId: string | null; eventId: string; seq: number; attempts: number; svixId: string | null; createdAtMs: number; dueAtMs: number; eventSvixId: string | null; rawBody: Buffer | null; bodyEncoding: number | null };
    const leased = (results[at.leased]!.rows as Leased[]).map((r) => ({
      task: {
        id: r.id,
        jobId: r.jobId,
        eventId: r.eventId,
        seq: r.seq,
        attempt: r.attempts,
        svixId: r.svixId,
        createdAt: new Date(r.createdAtMs),
        dueAt: new Date(r.dueAtMs),
        sendAt: now,
        jobMaxPerSecond: null,
      },
      eventSvixId: r.eventSvixId,
      storedBody: r.rawBody === null ? null : { rawBody: decodeBody(r.rawBody, r.bodyEncoding) },
    }));
    return { target: claimTarget, leased, rateLimited, settle };
  } catch (error) {
    if (!(error instanceof pg.DatabaseError)) broken ??= error as Error;
    throw error;
  } finally {
    client.removeListener("error", onError);
    client.release(broken);
  }
}
