// Sends the notification outbox (IssueNotification rows written with each state
// change). Claims are leases, as for dispatch tasks: a conditional UPDATE from
// `pending` with this turn's token, so two instances never send one row. Each
// channel's batch is sent on its own promise, not awaited by the worker loop, so a
// channel that hangs until its timeout delays neither detection nor other channels.
// Failures follow the targets' retry schedule (HOOKLINE_RETRY_SCHEDULE) and Retry-After.
import crypto from "node:crypto";

import type { DatabaseHandle } from "~/db/prisma.server";
import type { TargetAllowlist } from "~/dispatch/outbound-policy.server";
import type { OutboundResult } from "~/dispatch/outbound.server";
import { nextRetryDelay } from "~/dispatch/retry-schedule";
import { logger } from "~/observability/logger.server";
import { sendMessage, type Message } from "./channel-messages.server";
import { DIGEST_THRESHOLD } from "./issue-kinds";
import type { ApiIssue } from "./issues.server";
import type { ChannelRow } from "./notification-channels.server";

export interface SenderOptions {
  workerId: string;
  retrySchedule: readonly number[];
  allowlist: TargetAllowlist | null;
  smtp: { url: string | null; from: string | null };
  /** How long past the channel's timeout a claim is held before another instance retakes it. */
  leaseMarginMs: number;
}

const CLAIM_BATCH = 100;
const EXCERPT = 1000;

type NotificationRow = Awaited<ReturnType<DatabaseHandle["db"]["issueNotification"]["findMany"]>>[number];

export class NotificationSender {
  readonly #handle: DatabaseHandle;
  readonly options: SenderOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #turn = 0;

  constructor(handle: DatabaseHandle, options: Partial<SenderOptions> & Pick<SenderOptions, "retrySchedule" | "allowlist" | "smtp">) {
    this.#handle = handle;
    this.options = { workerId: `${process.pid}-${crypto.randomBytes(4).toString("hex")}`, leaseMarginMs: 10_000, ...options };
  }

  /** Claims due notifications and starts sending them; returns how many were claimed. */
  async sendDue(now = Date.now()): Promise<number> {
    const db = this.#handle.db;
    // A crashed instance's claims come back once their lease is over.
    await db.issueNotification.updateMany({ where: { status: "sending", lockedUntil: { lt: new Date(now) } }, data: { status: "pending", lockedBy: null } });
    const due = await db.issueNotification.findMany({
      where: { status: "pending", nextAttemptAt: { lte: new Date(now) } },
      orderBy: { createdAt: "asc" },
      take: CLAIM_BATCH,
      select: { id: true },
    });
    if (!due.length) return 0;
    const token = `${this.options.workerId}:${++this.#turn}`;
    await db.issueNotification.updateMany({
      where: { id: { in: due.map((d) => d.id) }, status: "pending" },
      // 30 s is the longest channel timeout.
      data: { status: "sending", lockedBy: token, lockedUntil: new Date(now + 30_000 + this.options.leaseMarginMs), attempts: { increment: 1 } },
    });
    const claimed = await db.issueNotification.findMany({ where: { lockedBy: token, status: "sending" }, orderBy: { createdAt: "asc" } });
    const byChannel = new Map<string, NotificationRow[]>();
    for (const row of claimed) byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);
    for (const [channelId, rows] of byChannel) {
      const work = this.#sendChannel(channelId, rows, token).catch((error) =>
        logger.error("notification send failed", { channelId, error: String(error) }),
      );
      this.#inFlight.add(work);
      void work.finally(() => this.#inFlight.delete(work));
    }
    return claimed.length;
  }

  /** Resolves when every send started so far is finished and recorded. */
  async idle(): Promise<void> {
    while (this.#inFlight.size) await Promise.all([...this.#inFlight]);
  }

  async #sendChannel(channelId: string, rows: NotificationRow[], token: string) {
    const db = this.#handle.db;
    const channel = await db.notificationChannel.findUnique({ where: { id: channelId } });
    if (!channel || !channel.enabled) {
      await db.issueNotification.updateMany({ where: { id: { in: rows.map((r) => r.id) }, lockedBy: token }, data: { status: "failed", lastError: "The channel was disabled or deleted.", lockedBy: null } });
      return;
    }
    // NOTE: "more than 10 issues opening within a minute go out as one digest" (issue
    // 11): counted per channel, with the openings it already sent in the last minute.
    const opened = rows.filter((r) => r.type === "issue.opened");
    const recent = opened.length
      ? await db.issueNotification.count({ where: { channelId, type: "issue.opened", status: "sent", sentAt: { gte: new Date(Date.now() - 60_000) } } })
      : 0;
    const digest = opened.length > 1 && opened.length + recent > DIGEST_THRESHOLD ? opened : [];
    const singles = rows.filter((r) => !digest.includes(r));
    if (digest.length) {
      const message: Message = { type: "issue.digest", issues: digest.map((r) => (JSON.parse(r.payload) as { issue: ApiIssue }).issue) };
      const result = await this.#send(channel, message, `msg_${digest[0]!.id}`);
      await this.#record(digest, token, result, digest[0]!.id);
    }
    for (const row of singles) {
      const result = await this.#send(channel, JSON.parse(row.payload) as Message, `msg_${row.id}`);
      await this.#record([row], token, result, null);
    }
  }

  async #send(channel: ChannelRow, message: Message, messageId: string): Promise<OutboundResult> {
    try {
      return await sendMessage(channel, message, { allowlist: this.options.allowlist, smtp: this.options.smtp, messageId });
    } catch (error) {
      return { status: null, ok: false, durationMs: 0, error: String((error as Error)?.message ?? error).slice(0, 500), responseExcerpt: null, retryAfterMs: null, abort: false };
    }
  }

  async #record(rows: NotificationRow[], token: string, result: OutboundResult, digestOf: string | null) {
    const db = this.#handle.db;
    const common = {
      lastStatus: result.status,
      lastError: result.error,
      responseExcerpt: result.responseExcerpt?.slice(0, EXCERPT) ?? null,
      durationMs: result.durationMs,
      lockedBy: null,
      lockedUntil: null,
      digestOf,
    };
    for (const row of rows) {
      const attempts = row.attempts; // already counts this one (incremented by the claim)
      const delay = result.ok || result.abort ? null : nextRetryDelay(this.options.retrySchedule, attempts, result.retryAfterMs);
      const data = result.ok
        ? { ...common, status: "sent", sentAt: new Date() }
        : delay === null
          ? { ...common, status: "failed" }
          : { ...common, status: "pending", nextAttemptAt: new Date(Date.now() + delay) };
      // Fenced on the claim: an instance whose lease ran out does not overwrite the next one's result.
      await db.issueNotification.updateMany({ where: { id: row.id, lockedBy: token }, data });
    }
  }
}
