// Use cases for notification channels (admins): create, update, delete, list. A
// webhook channel's `whsec_` secret is generated or pasted, sealed bound to the
// channel's row, and answered once; a Slack incoming-webhook URL is itself a
// credential, so it is sealed too and shown only as its host.
import crypto from "node:crypto";

import { z } from "zod";

import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { urlProblem, type TargetAllowlist } from "~/dispatch/outbound-policy.server";
import { generateTargetSecret, targetSecretProblem } from "~/dispatch/signing.server";
import { decryptSecret, encryptSecret } from "~/secrets/encryption.server";
import { ISSUE_KINDS, type IssueKind } from "./issue-kinds";
import { IssueInputError, IssueNotFoundError } from "./issues.server";

export const CHANNEL_TYPES = ["webhook", "slack", "email"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const EMAIL = z.string().trim().email();

export const ChannelCreateSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100),
    type: z.enum(CHANNEL_TYPES),
    url: z.string().trim().max(2000).optional(),
    to: z.string().trim().max(2000).optional(),
    secret: z.string().trim().optional(),
    kinds: z.array(z.enum(ISSUE_KINDS)).default([]),
    enabled: z.boolean().default(true),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .strict();
export type ChannelCreateInput = z.infer<typeof ChannelCreateSchema>;

export const ChannelUpdateSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100).optional(),
    url: z.string().trim().max(2000).optional(),
    to: z.string().trim().max(2000).optional(),
    secret: z.string().trim().optional(),
    kinds: z.array(z.enum(ISSUE_KINDS)).optional(),
    enabled: z.boolean().optional(),
    timeoutMs: z.number().int().min(100).max(30_000).optional(),
  })
  .strict();
export type ChannelUpdateInput = z.infer<typeof ChannelUpdateSchema>;

export type ChannelRow = Awaited<ReturnType<Db["notificationChannel"]["findUniqueOrThrow"]>>;

export interface ApiChannel {
  id: string;
  name: string;
  type: ChannelType;
  /** webhook: the URL; slack: only its origin (the full URL is a credential). */
  url: string | null;
  to: string[] | null;
  kinds: IssueKind[];
  enabled: boolean;
  timeoutMs: number;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toApiChannel(row: ChannelRow): ApiChannel {
  return {
    id: row.id,
    name: row.name,
    type: row.type as ChannelType,
    url: row.url,
    to: row.to ? splitRecipients(row.to) : null,
    kinds: JSON.parse(row.kinds) as IssueKind[],
    enabled: row.enabled,
    timeoutMs: row.timeoutMs,
    hasSecret: Boolean(row.secretEncrypted),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function splitRecipients(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

const binding = (id: string, field: string) => ({ table: "NotificationChannel" as const, id, field });

export function channelSecret(row: ChannelRow): string | null {
  return row.secretEncrypted ? decryptSecret(row.secretEncrypted, binding(row.id, "secret")) : null;
}

/** Where to POST: the webhook URL, or the unsealed Slack URL. */
export function channelUrl(row: ChannelRow): string | null {
  if (row.type === "slack") return row.urlEncrypted ? decryptSecret(row.urlEncrypted, binding(row.id, "url")) : null;
  return row.url;
}

function checkUrl(url: string | undefined, allowlist: TargetAllowlist | null) {
  if (!url) throw new IssueInputError("url", "Invalid `url`: is required for webhook and Slack channels.");
  const problem = urlProblem(url, allowlist);
  if (problem) throw new IssueInputError("url", `Invalid \`url\`: ${problem}.`);
}

function checkRecipients(to: string | undefined): string {
  const list = splitRecipients(to ?? "");
  if (!list.length) throw new IssueInputError("to", "Invalid `to`: give at least one e-mail address.");
  for (const address of list) if (!EMAIL.safeParse(address).success) throw new IssueInputError("to", `Invalid \`to\`: ${address} is not an e-mail address.`);
  return list.join(", ");
}

function urlFields(id: string, type: string, url: string) {
  return type === "slack" ? { url: new URL(url).origin, urlEncrypted: encryptSecret(url, binding(id, "url")) } : { url, urlEncrypted: null };
}

export async function createChannel(db: Db, input: ChannelCreateInput, context: { actor: string; allowlist: TargetAllowlist | null }) {
  const id = `nch_${crypto.randomBytes(10).toString("hex")}`;
  let secret: string | null = null;
  let recipients: string | null = null;
  if (input.type === "email") recipients = checkRecipients(input.to);
  else checkUrl(input.url, context.allowlist);
  if (input.type === "webhook") {
    if (input.secret) {
      const problem = targetSecretProblem(input.secret);
      if (problem) throw new IssueInputError("secret", `Invalid \`secret\`: it ${problem}.`);
    }
    secret = input.secret || generateTargetSecret();
  }
  const row = await db.notificationChannel.create({
    data: {
      id,
      name: input.name,
      type: input.type,
      ...(input.type === "email" ? { to: recipients } : urlFields(id, input.type, input.url!)),
      kinds: JSON.stringify(input.kinds),
      secretEncrypted: secret ? encryptSecret(secret, binding(id, "secret")) : null,
      enabled: input.enabled,
      timeoutMs: input.timeoutMs,
    },
  });
  await recordAudit(db, {
    actor: context.actor,
    action: "notification_channel.create",
    subject: id,
    detail: { name: row.name, type: row.type, kinds: input.kinds, ...(secret ? { secret: input.secret ? "pasted" : "generated" } : {}) },
  });
  return { channel: toApiChannel(row), secret };
}

export async function requireChannel(db: Db, id: string): Promise<ChannelRow> {
  const row = await db.notificationChannel.findUnique({ where: { id } });
  if (!row) throw new IssueNotFoundError(`No notification channel ${id}.`);
  return row;
}

export async function updateChannel(db: Db, id: string, input: ChannelUpdateInput, context: { actor: string; allowlist: TargetAllowlist | null }) {
  const row = await requireChannel(db, id);
  const data: Record<string, unknown> = {};
  let secret: string | null = null;
  if (input.name !== undefined) data.name = input.name;
  if (input.kinds !== undefined) data.kinds = JSON.stringify(input.kinds);
  if (input.enabled !== undefined) data.enabled = input.enabled;
  if (input.timeoutMs !== undefined) data.timeoutMs = input.timeoutMs;
  if (input.url !== undefined) {
    if (row.type === "email") throw new IssueInputError("url", "Invalid `url`: an e-mail channel has recipients (`to`), not a URL.");
    checkUrl(input.url, context.allowlist);
    Object.assign(data, urlFields(id, row.type, input.url));
  }
  if (input.to !== undefined) {
    if (row.type !== "email") throw new IssueInputError("to", "Invalid `to`: only e-mail channels have recipients.");
    data.to = checkRecipients(input.to);
  }
  if (input.secret !== undefined) {
    if (row.type !== "webhook") throw new IssueInputError("secret", "Invalid `secret`: only webhook channels are signed.");
    if (input.secret) {
      const problem = targetSecretProblem(input.secret);
      if (problem) throw new IssueInputError("secret", `Invalid \`secret\`: it ${problem}.`);
    }
    secret = input.secret || generateTargetSecret();
    data.secretEncrypted = encryptSecret(secret, binding(id, "secret"));
  }
  const updated = await db.notificationChannel.update({ where: { id }, data });
  await recordAudit(db, {
    actor: context.actor,
    action: "notification_channel.update",
    subject: id,
    detail: { changed: Object.keys(input), ...(secret ? { secret: input.secret ? "pasted" : "generated" } : {}) },
  });
  return { channel: toApiChannel(updated), secret };
}

export async function deleteChannel(db: Db, id: string, context: { actor: string }) {
  const row = await requireChannel(db, id);
  await db.notificationChannel.delete({ where: { id } });
  await recordAudit(db, { actor: context.actor, action: "notification_channel.delete", subject: id, detail: { name: row.name, type: row.type } });
}

export async function listChannels(db: Db): Promise<ChannelRow[]> {
  return db.notificationChannel.findMany({ orderBy: { createdAt: "asc" } });
}

/** The channel's delivery log, newest first. */
export async function channelLog(db: Db, channelId: string, limit = 50) {
  const rows = await db.issueNotification.findMany({ where: { channelId }, orderBy: { createdAt: "desc" }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    issueId: r.issueId,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.lastStatus,
    lastError: r.lastError,
    digestOf: r.digestOf,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
    nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
  }));
}
