// What each channel type sends for a notification, and the one function that sends
// it. Webhook and Slack go through the targets' own outbound path (postToTarget:
// blocked private/metadata destinations per HOOKLINE_TARGET_ALLOWLIST, a hard
// deadline, capped responses, same-origin redirects only); e-mail goes through the
// operator's SMTP server with nodemailer, bounded by the same timeout.
import nodemailer from "nodemailer";
import { Webhook } from "svix";

import { postToTarget, type OutboundResult } from "~/dispatch/outbound.server";
import type { TargetAllowlist } from "~/dispatch/outbound-policy.server";
import { USER_AGENT } from "~/dispatch/signing.server";
import { KIND_INFO, type IssueKind } from "./issue-kinds";
import type { ApiIssue } from "./issues.server";
import { channelSecret, channelUrl, splitRecipients, type ChannelRow } from "./notification-channels.server";

/** One notification as stored (`payload`), or several `issue.opened` folded into one digest. */
export type Message =
  | { type: "issue.opened" | "issue.reopened" | "issue.resolved" | "test"; issue: ApiIssue }
  | { type: "issue.digest"; issues: ApiIssue[] };

export interface SendContext {
  allowlist: TargetAllowlist | null;
  smtp: { url: string | null; from: string | null };
  /** The message id (stable across retries, so a consumer can de-duplicate). */
  messageId: string;
}

const VERB: Record<string, string> = {
  "issue.opened": "opened",
  "issue.reopened": "reopened",
  "issue.resolved": "resolved",
  test: "test",
};

function headline(message: Message): string {
  if (message.type === "issue.digest") return `${message.issues.length} issues opened`;
  if (message.type === "test") return "Test notification from Hookline";
  return `Issue ${VERB[message.type]}: ${message.issue.title}`;
}

export async function sendMessage(channel: ChannelRow, message: Message, context: SendContext): Promise<OutboundResult> {
  if (channel.type === "email") return sendEmail(channel, message, context);
  const url = channelUrl(channel);
  if (!url) return failed("The channel has no URL.");
  const body = Buffer.from(JSON.stringify(channel.type === "slack" ? slackMessage(message) : message), "utf8");
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": USER_AGENT.replace("replay", "alerts") };
  if (channel.type === "webhook") {
    const secret = channelSecret(channel);
    if (!secret) return failed("The channel has no signing secret.");
    const now = new Date();
    // NOTE: Standard Webhooks (https://www.standardwebhooks.com/) names the headers
    // webhook-*; Svix's own consumers read svix-*. Same id, timestamp and signature.
    const signature = new Webhook(secret).sign(context.messageId, now, body);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    Object.assign(headers, {
      "webhook-id": context.messageId,
      "webhook-timestamp": timestamp,
      "webhook-signature": signature,
      "svix-id": context.messageId,
      "svix-timestamp": timestamp,
      "svix-signature": signature,
    });
  }
  return postToTarget({ url, headers, body, timeoutMs: channel.timeoutMs, allowlist: context.allowlist });
}

function failed(error: string): OutboundResult {
  return { status: null, ok: false, durationMs: 0, error, responseExcerpt: null, retryAfterMs: null, abort: false };
}

/** Slack mrkdwn: `&`, `<` and `>` are control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function issueLine(issue: ApiIssue): string {
  return `*<${issue.url}|${slackEscape(issue.title)}>*\n${KIND_INFO[issue.kind as IssueKind]?.label ?? issue.kind} · ${issue.status} · ×${issue.count} · last seen ${issue.lastSeenAt.slice(0, 16).replace("T", " ")} UTC`;
}

export function slackMessage(message: Message) {
  const text = headline(message);
  const issues = message.type === "issue.digest" ? message.issues : [message.issue];
  const link = message.type === "issue.digest" ? issues[0]?.url.replace(/\/issues\/[^/]+$/, "/issues") : issues[0]?.url;
  return {
    text: slackEscape(text),
    blocks: [
      { type: "header", text: { type: "plain_text", text: text.slice(0, 150), emoji: false } },
      ...issues.slice(0, 20).map((issue) => ({ type: "section", text: { type: "mrkdwn", text: issueLine(issue) } })),
      ...(link
        ? [{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: message.type === "issue.digest" ? "Open issues" : "Open the issue" }, url: link }] }]
        : []),
    ],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function emailMessage(message: Message) {
  const issues = message.type === "issue.digest" ? message.issues : [message.issue];
  const subject = `[Hookline] ${headline(message)}`.replace(/[\r\n]+/g, " ").slice(0, 200);
  const text = [
    headline(message),
    "",
    ...issues.flatMap((i) => [`${i.title}`, `  ${i.kind} · ${i.status} · ×${i.count} · first seen ${i.firstSeenAt} · last seen ${i.lastSeenAt}`, `  ${i.url}`, ""]),
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:sans-serif"><h2>${escapeHtml(headline(message))}</h2><ul>${issues
    .map((i) => `<li><a href="${escapeHtml(i.url)}">${escapeHtml(i.title)}</a><br><small>${escapeHtml(`${i.kind} · ${i.status} · ×${i.count} · last seen ${i.lastSeenAt}`)}</small></li>`)
    .join("")}</ul></body></html>`;
  return { subject, text, html };
}

async function sendEmail(channel: ChannelRow, message: Message, context: SendContext): Promise<OutboundResult> {
  if (!context.smtp.url) return failed("HOOKLINE_SMTP_URL is not set.");
  const started = performance.now();
  // STARTTLS is used when the server offers it (nodemailer's default for smtp://);
  // smtps:// is implicit TLS.
  const transport = nodemailer.createTransport({
    url: context.smtp.url,
    connectionTimeout: channel.timeoutMs,
    greetingTimeout: channel.timeoutMs,
    socketTimeout: channel.timeoutMs,
  } as never);
  try {
    const mail = emailMessage(message);
    const info = await transport.sendMail({
      from: context.smtp.from ?? "hookline@localhost",
      to: splitRecipients(channel.to ?? ""),
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${context.messageId}@hookline>`,
    });
    return { status: 250, ok: true, durationMs: Math.round(performance.now() - started), error: null, responseExcerpt: String(info.response ?? "").slice(0, 500), retryAfterMs: null, abort: false };
  } catch (error) {
    const e = error as { responseCode?: number; message?: string };
    return { status: e.responseCode ?? null, ok: false, durationMs: Math.round(performance.now() - started), error: `SMTP: ${e.message ?? String(error)}`.slice(0, 500), responseExcerpt: null, retryAfterMs: null, abort: false };
  } finally {
    transport.close();
  }
}
