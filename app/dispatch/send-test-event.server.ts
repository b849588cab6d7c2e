// Use case: "send test event". A realistic sample `user.created` (or the first type
// the target subscribes to), signed with the target's secret and sent right away;
// the answer is shown to the operator. Nothing is queued or stored as an event.
import crypto from "node:crypto";

import { recordAudit } from "~/audit/audit.server";
import { buildSamples, typesForSelector } from "~/catalog/samples";
import { newMessageId } from "~/catalog/sign";
import type { Db } from "~/db/prisma.server";
import type { TargetAllowlist } from "./outbound-policy.server";
import { postToTarget, type OutboundResult } from "./outbound.server";
import { signForTarget } from "./signing.server";
import { openHeaders, parseEventTypes, requireTarget, targetWebhook } from "./target.server";

export interface TestSendResult extends OutboundResult {
  type: string;
  svixId: string;
  sentAt: string;
}

export async function sendTestEvent(
  db: Db,
  id: string,
  context: { actor: string; allowlist: TargetAllowlist | null },
): Promise<TestSendResult> {
  const target = await requireTarget(db, id);
  const subscribed = parseEventTypes(target.eventTypes);
  const type = subscribed.length ? (typesForSelector(subscribed.join(","))[0] ?? "user.created") : "user.created";
  const [envelope] = buildSamples(type, { seed: crypto.randomInt(1, 1_000_000) });
  const body = Buffer.from(JSON.stringify(envelope));
  const svixId = newMessageId();
  const sentAt = new Date();
  const result = await postToTarget({
    url: target.url,
    headers: { ...openHeaders(target), ...signForTarget(targetWebhook(target), svixId, body, sentAt) },
    body,
    timeoutMs: target.timeoutMs,
    allowlist: context.allowlist,
  });
  await recordAudit(db, {
    actor: context.actor,
    action: "target.test",
    subject: id,
    detail: { type, svixId, status: result.status, ok: result.ok },
  });
  return { ...result, type: envelope?.type ?? type, svixId, sentAt: sentAt.toISOString() };
}
