// Use case: "Send test" on a channel. Sent at once (not through the outbox), with
// the answer seen returned to the admin and kept in the channel's delivery log.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import type { TargetAllowlist } from "~/dispatch/outbound-policy.server";
import { sendMessage, type Message } from "./channel-messages.server";
import { publicBaseUrl, type ApiIssue } from "./issues.server";
import { requireChannel, toApiChannel } from "./notification-channels.server";

export async function sendTestNotification(
  db: Db,
  channelId: string,
  context: { actor: string; allowlist: TargetAllowlist | null; smtp: { url: string | null; from: string | null } },
) {
  const channel = await requireChannel(db, channelId);
  const now = new Date().toISOString();
  const issue: ApiIssue = {
    id: "test",
    kind: "verification_failures",
    status: "open",
    title: `Test notification for channel ${channel.name}`,
    subject: { type: "source", id: "clerk" },
    count: 0,
    firstSeenAt: now,
    lastSeenAt: now,
    openedAt: now,
    reopenCount: 0,
    acknowledgedAt: null,
    mutedUntil: null,
    resolvedAt: null,
    url: `${publicBaseUrl()}/issues`,
  };
  const message: Message = { type: "test", issue };
  const log = await db.issueNotification.create({ data: { channelId, type: "test", payload: JSON.stringify(message), status: "sending", attempts: 1 } });
  const result = await sendMessage(channel, message, { allowlist: context.allowlist, smtp: context.smtp, messageId: `msg_${log.id}` });
  await db.issueNotification.update({
    where: { id: log.id },
    data: {
      status: result.ok ? "sent" : "failed",
      sentAt: result.ok ? new Date() : null,
      lastStatus: result.status,
      lastError: result.error,
      responseExcerpt: result.responseExcerpt?.slice(0, 1000) ?? null,
      durationMs: result.durationMs,
    },
  });
  await recordAudit(db, { actor: context.actor, action: "notification_channel.test", subject: channelId, detail: { ok: result.ok, status: result.status } });
  return {
    channel: toApiChannel(channel),
    ok: result.ok,
    status: result.status,
    error: result.error,
    durationMs: result.durationMs,
    response: result.responseExcerpt?.slice(0, 1000) ?? null,
  };
}
