// The sending side of the worker. Per target with due tasks it runs a pump: claim a
// batch (a lease, dispatch-task.server.ts), load those events' raw bodies, re-sign
// and send them concurrently, record the attempts, repeat. Pumps run beside the worker
// loop, so one slow target never holds up another, and exit when their target has
// nothing due. Everything a pump knows is in the database: kill the process and the
// next worker takes the expired leases back and sends them again (at least once).
// A graceful stop (SIGTERM) does better: sends in flight finish and are recorded, and
// claimed tasks not yet sent are released, so nothing goes out twice.
import crypto from "node:crypto";

import type pg from "pg";
import type { Webhook } from "svix";

import type { DatabaseHandle } from "~/db/prisma.server";
import { bodyOf, STORED_BODY } from "~/deliveries/body-codec.server";
import { rawBodyAsText, rawBodyLength } from "~/events/event-payload.server";
import { logger } from "~/observability/logger.server";
import type { WorkerTask } from "~/worker/worker.server";
import { forwardNewEvents } from "./auto-forward.server";
import { idList } from "./bulk-insert.server";
import { dispatchConfig, type DispatchConfig } from "./dispatch-config.server";
import { settleJobs } from "./dispatch-job.server";
import {
  claimTasks,
  completeTasks,
  planCompletion,
  releaseTasks,
  targetsWithDueTasks,
  type ClaimedTask,
  type ClaimTarget,
  type TaskOutcome,
} from "./dispatch-task.server";
import { postToTarget } from "./outbound.server";
import { planNextChunk } from "./plan-job.server";
import { claimTurnPostgres, createClaimPool } from "./postgres-claim.server";
import { signForTarget } from "./signing.server";
import { openHeaders, targetWebhook } from "./target.server";

export interface DispatchWorkerOptions extends DispatchConfig {
  workerId: string;
  /** Most tasks one claim takes (the target's concurrency caps it further). */
  claimBatch: number;
}

interface EventToSend {
  id: string;
  svixId: string;
  rawBody: Buffer;
}

export class DispatchWorker {
  readonly options: DispatchWorkerOptions;
  /** Sends this instance made, for tests and the benchmark. */
  sends = 0;
  readonly #handle: DatabaseHandle;
  readonly #pumps = new Map<string, Promise<void>>();
  readonly #signers = new Map<string, { sealed: string; headersSealed: string; webhook: Webhook; headers: Record<string, string> }>();
  readonly #localSlots = new Map<string, number>();
  #stopped = false;
  /** Sends on the wire now, and what the pumps did once stopping (for the shutdown log). */
  #sending = 0;
  #stopCounts = { recorded: 0, released: 0 };
  /** Postgres: the connections of the one-round-trip claim (postgres-claim.server.ts). */
  #claimPool: pg.Pool | null = null;

  constructor(handle: DatabaseHandle, options: Partial<DispatchWorkerOptions> = {}) {
    this.#handle = handle;
    this.options = {
      ...dispatchConfig(),
      workerId: `${process.pid}-${crypto.randomBytes(4).toString("hex")}`,
      claimBatch: 100,
      ...options,
    };
  }

  /** The worker-loop tasks: auto-forward scan, job planning, and starting pumps. */
  workerTasks(): WorkerTask[] {
    return [
      { name: "dispatch-forward", intervalMs: 500, run: async () => !this.#stopped && (await forwardNewEvents(this.#handle)) > 0 },
      { name: "dispatch-plan", intervalMs: 500, run: async () => !this.#stopped && (await planNextChunk(this.#handle)) },
      {
        name: "dispatch-send",
        intervalMs: 250,
        run: async () => {
          await this.startDuePumps();
          return false;
        },
        stop: () => this.stop(),
      },
    ];
  }

  /** Starts a pump for every target with due work that has none running here. */
  async startDuePumps(): Promise<number> {
    if (this.#stopped) return 0;
    const due = await targetsWithDueTasks(this.#handle, new Set(this.#pumps.keys()));
    // stop() may have come while the query ran; its wait for idle pumps must stay true.
    if (this.#stopped) return 0;
    for (const targetId of due) {
      if (this.#pumps.has(targetId)) continue;
      const pump = this.#pump(targetId)
        .catch((error) => logger.error("dispatch pump failed; it restarts on the next turn", { targetId, error: String(error) }))
        .finally(() => this.#pumps.delete(targetId));
      this.#pumps.set(targetId, pump);
    }
    return due.length;
  }

  /** Resolves when no pump is running (tests, benchmark). */
  async idle(): Promise<void> {
    while (this.#pumps.size) await Promise.all(this.#pumps.values());
  }

  /**
   * Stops claiming; sends on the wire finish (each within its target's timeout) and
   * are recorded, and claimed tasks not yet sent are released for the next worker.
   */
  async stop(): Promise<void> {
    const first = !this.#stopped;
    this.#stopped = true;
    if (first && this.#pumps.size) {
      logger.info("dispatch: stopping; no new claims, waiting for sends in flight", {
        workerId: this.options.workerId,
        targets: this.#pumps.size,
        sending: this.#sending,
      });
    }
    await this.idle();
    const pool = this.#claimPool;
    this.#claimPool = null;
    await pool?.end().catch(() => {});
    if (first && (this.#stopCounts.recorded || this.#stopCounts.released)) {
      logger.info("dispatch: stopped; attempts recorded, unsent claims released", { workerId: this.options.workerId, ...this.#stopCounts });
    }
  }

  get stopped() {
    return this.#stopped;
  }

  async #pump(targetId: string): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const finished: TaskOutcome[] = [];
    /** Claimed, but the worker began stopping before they were sent. */
    const unsent: ClaimedTask[] = [];
    let wake: (() => void) | null = null;
    const completeOptions = { workerId: this.options.workerId, retrySchedule: this.options.retrySchedule };
    let lastReclaim = 0;
    /** Postgres without a rate limit: claim through claimTurnPostgres. */
    let oneStatement = this.#handle.provider === "postgres";
    try {
      while (!this.#stopped) {
        // Completions go in with (before) the next claim, in one transaction: the
        // next event of a resource becomes claimable only once its predecessor is
        // recorded.
        const completion = await planCompletion(this.#handle, finished.splice(0), completeOptions);
        const reclaimExpired = Date.now() - lastReclaim >= 1000;
        if (reclaimExpired) lastReclaim = Date.now();
        const claim = { targetId, workerId: this.options.workerId, max: this.options.claimBatch, leaseMarginMs: this.options.leaseMarginMs };
        let target: ClaimTarget | null;
        let batch: { task: ClaimedTask; event: EventToSend | undefined }[];
        const pool = oneStatement ? this.#postgresClaimPool() : null;
        if (pool) {
          // Postgres, no rate limit: the whole turn, bodies included, in one round trip.
          const now = new Date();
          const turn = await claimTurnPostgres(pool, { ...claim, reclaimExpired, completion, now });
          if (turn.settle.length) await settleJobs(this.#handle.db, turn.settle, now);
          target = turn.target;
          if (turn.rateLimited) oneStatement = false;
          batch = turn.leased.map(({ task, eventSvixId, storedBody }) => ({
            task,
            event: eventSvixId === null || storedBody === null ? undefined : this.#eventToSend(task.eventId, eventSvixId, storedBody),
          }));
          // A rate limit appeared: claim this turn the general way (the completion is written).
          if (target && turn.rateLimited) ({ target, batch } = await this.#claimGeneral({ ...claim, reclaimExpired: false }));
        } else {
          let rateLimited: boolean;
          ({ target, batch, rateLimited } = await this.#claimGeneral({ ...claim, reclaimExpired, completion }));
          // Postgres: back to the one-round-trip claim once no rate limit is in the way.
          oneStatement = this.#handle.provider === "postgres" && !rateLimited;
        }
        if (!target) break;
        if (batch.length) {
          for (const { task, event } of batch) {
            const send: Promise<void> = this.#send(target, task, event)
              .then((outcome) => void (outcome ? finished.push(outcome) : unsent.push(task)))
              .catch((error) => logger.error("dispatch send failed unexpectedly", { taskId: task.id, error: String(error) }))
              .finally(() => {
                inFlight.delete(send);
                wake?.();
              });
            inFlight.add(send);
          }
        } else if (inFlight.size === 0) {
          break;
        }
        // Claim again once three quarters of the slots are free (or, when nothing
        // could be claimed, once anything finishes): a claim and a completion are a
        // transaction each, so they are worth batching. The one-round-trip Postgres
        // turn is cheap, and the slots still busy keep sending while it runs: claim
        // again once a quarter of them are free.
        const refill = oneStatement ? Math.floor((target.concurrency * 3) / 4) : Math.floor(target.concurrency / 4);
        const lowWater = batch.length ? refill : inFlight.size - 1;
        // (Not Promise.race over the in-flight set: that adds a reaction to every
        // pending send on each wake-up.)
        while (inFlight.size > Math.max(0, lowWater)) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      await Promise.allSettled(inFlight);
      const outcomes = finished.splice(0);
      try {
        await completeTasks(this.#handle, outcomes, completeOptions);
        if (this.#stopped) this.#stopCounts.recorded += outcomes.length;
      } finally {
        // Without this their leases would hold them until they expire, and the next
        // worker would count an attempt that never went out.
        if (unsent.length) this.#stopCounts.released += await releaseTasks(this.#handle, unsent.splice(0), this.options.workerId);
      }
    }
  }

  /** Postgres: the one-round-trip claim's pool, opened on first use. */
  #postgresClaimPool(): pg.Pool | null {
    if (this.#handle.provider !== "postgres" || this.#stopped) return null;
    this.#claimPool ??= createClaimPool(this.#handle.url);
    return this.#claimPool;
  }

  /** A claim through claimTasks (SQLite; Postgres with a rate limit), then the batch's bodies. */
  async #claimGeneral(options: Parameters<typeof claimTasks>[1]) {
    const claimed = await claimTasks(this.#handle, options);
    const events = claimed.tasks.length ? await this.#loadEvents(claimed.tasks.map((t) => t.eventId)) : new Map<string, EventToSend>();
    return {
      target: claimed.target,
      batch: claimed.tasks.map((task) => ({ task, event: events.get(task.eventId) })),
      rateLimited: claimed.rateLimited ?? false,
    };
  }

  /**
   * The one place where a stored body becomes the bytes a send carries: every read of
   * `Delivery.rawBody` for dispatch (#loadEvents, and the Postgres claim, which reads
   * it in its own statement) ends here.
   */
  #eventToSend(id: string, svixId: string, stored: { rawBody: Uint8Array }): EventToSend {
    return { id, svixId, rawBody: Buffer.from(stored.rawBody.buffer, stored.rawBody.byteOffset, stored.rawBody.byteLength) };
  }

  /**
   * The claimed events' svix-ids and raw bodies, in one query (payloads only for this
   * batch). NOTE: the body is read as text, not bytes: Prisma's driver adapters hand
   * a BLOB/bytea back as an array of numbers (about 10 JS values per byte of garbage,
   * most of the worker's allocations in the benchmark). An event's body is verified
   * JSON, which ingest only accepts as valid UTF-8, so text round-trips byte for byte;
   * the byte length is checked anyway, and any mismatch is read as bytes instead.
   */
  async #loadEvents(ids: string[]): Promise<Map<string, EventToSend>> {
    const { db, provider } = this.#handle;
    const body = rawBodyAsText(provider);
    const bytes = rawBodyLength(provider);
    type Row = { id: string; svixId: string; body: string | null; bytes: number | bigint; firstDeliveryId: string };
    let rows: Row[];
    try {
      rows = await db.$queryRaw<Row[]>`
        SELECT e."id", e."svixId", e."firstDeliveryId", ${body} AS "body", ${bytes} AS "bytes"
        FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
        WHERE e."id" IN ${idList(provider, ids)}`;
    } catch (error) {
      // Postgres refuses to decode bytes that are not UTF-8; read this batch as bytes.
      logger.warn("dispatch: reading bodies as text failed; reading bytes", { error: String(error) });
      rows = (await db.event.findMany({ where: { id: { in: ids } }, select: { id: true, svixId: true, firstDeliveryId: true } })).map((e) => ({
        ...e,
        body: null,
        bytes: -1,
      }));
    }
    const result = new Map<string, EventToSend>();
    const odd: { id: string; svixId: string; firstDeliveryId: string }[] = [];
    for (const row of rows) {
      if (row.body === null) {
        odd.push(row);
        continue;
      }
      const rawBody = Buffer.from(row.body, "utf8");
      if (rawBody.length === Number(row.bytes)) result.set(row.id, this.#eventToSend(row.id, row.svixId, { rawBody }));
      else odd.push(row);
    }
    for (const row of odd) {
      const delivery = await db.delivery.findUnique({ where: { id: row.firstDeliveryId }, select: STORED_BODY });
      if (delivery) result.set(row.id, this.#eventToSend(row.id, row.svixId, { rawBody: bodyOf(delivery) }));
    }
    return result;
  }

  /**
   * The claim gave this send a slot under the rate limit; if the process fell behind
   * (a busy event loop, a slow claim), late sends must not go out in a burst to catch
   * up, so sends to a rate-limited target or job are also spaced out locally.
   */
  async #pace(target: ClaimTarget, task: ClaimedTask): Promise<void> {
    const keys: [string, number][] = [];
    if (target.maxPerSecond) keys.push([`t:${target.id}`, 1000 / target.maxPerSecond]);
    if (task.jobId && task.jobMaxPerSecond) keys.push([`j:${task.jobId}`, 1000 / task.jobMaxPerSecond]);
    if (!keys.length) return;
    const now = Date.now();
    const slot = Math.max(now, ...keys.map(([key]) => this.#localSlots.get(key) ?? 0));
    for (const [key, interval] of keys) this.#localSlots.set(key, slot + interval);
    if (slot > now) await this.#wait(slot - now);
  }

  /** Sleeps up to `ms`, waking early once stopping (a send waiting for its slot is then released). */
  async #wait(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.#stopped && Date.now() < until) await sleep(Math.min(50, until - Date.now()));
  }

  #signer(target: ClaimTarget) {
    const cached = this.#signers.get(target.id);
    if (cached && cached.sealed === target.secretEncrypted && cached.headersSealed === target.headers) return cached;
    const fresh = {
      sealed: target.secretEncrypted,
      headersSealed: target.headers,
      webhook: targetWebhook(target),
      headers: openHeaders(target),
    };
    this.#signers.set(target.id, fresh);
    return fresh;
  }

  /** Null when the worker began stopping before the request went out: the task is released, not sent. */
  async #send(target: ClaimTarget, task: ClaimedTask, event: EventToSend | undefined): Promise<TaskOutcome | null> {
    if (this.#stopped) return null;
    if (!event) return { kind: "missing", task, targetId: target.id };
    const wait = task.sendAt.getTime() - Date.now();
    if (wait > 0) await this.#wait(wait);
    await this.#pace(target, task);
    if (task.attempt > 1) {
      // A retry: if another job got this event to the target meanwhile, stop here.
      const delivered = await this.#handle.db.dispatchAttempt.findFirst({
        where: { eventId: task.eventId, targetId: target.id, ok: true, sentAt: { gt: task.createdAt }, NOT: { taskId: task.id } },
        select: { id: true },
      });
      if (delivered) return { kind: "superseded", task, targetId: target.id };
    }
    // The last moment to hold back: from here on the request goes out and is recorded.
    if (this.#stopped) return null;
    const signer = this.#signer(target);
    const svixId = task.svixId ?? event.svixId;
    const body = event.rawBody;
    const sentAt = new Date();
    this.#sending++;
    let result;
    try {
      result = await postToTarget({
        url: target.url,
        headers: { ...signer.headers, ...signForTarget(signer.webhook, svixId, body, sentAt) },
        body,
        timeoutMs: target.timeoutMs,
        allowlist: this.options.allowlist,
      });
    } finally {
      this.#sending--;
    }
    this.sends++;
    return { kind: "attempted", task, targetId: target.id, svixId, sentAt, result };
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The server's and `npx hookline worker`'s dispatcher: one per database handle.
const dispatchers = new WeakMap<DatabaseHandle, DispatchWorker>();

function dispatcherFor(handle: DatabaseHandle): DispatchWorker {
  let dispatcher = dispatchers.get(handle);
  if (!dispatcher) {
    dispatcher = new DispatchWorker(handle);
    dispatchers.set(handle, dispatcher);
  }
  return dispatcher;
}

/** For app/worker/tasks.server.ts: the dispatch tasks, bound to whichever handle the loop runs with. */
export function dispatchWorkerTasks(): WorkerTask[] {
  const names = ["dispatch-forward", "dispatch-plan", "dispatch-send"];
  return names.map((name, index) => {
    const intervalMs = [500, 500, 250][index]!;
    return {
      name,
      intervalMs,
      run: (handle: DatabaseHandle) => dispatcherFor(handle).workerTasks()[index]!.run(handle),
      // On shutdown: stop claiming, finish and record the sends in flight, release the rest.
      stop: name === "dispatch-send" ? async (handle: DatabaseHandle) => dispatchers.get(handle)?.stop() : undefined,
    };
  });
}
