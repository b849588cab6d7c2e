import { describe, expect, it } from "vitest";

import { emailMessage, slackMessage } from "./channel-messages.server";
import { issueTitle } from "./issue-kinds";
import type { ApiIssue } from "./issues.server";

const at = Date.UTC(2026, 10, 26, 9, 14);

describe("issue titles", () => {
  it("verification failures: outcome counts, most first, and the likely cause", () => {
    expect(issueTitle({ kind: "verification_failures", subjectLabel: "clerk", counts: { timestamp_out_of_tolerance: 1, invalid_signature: 12 }, facts: {}, openedAt: at })).toBe(
      "clerk: invalid_signature ×12, timestamp_out_of_tolerance ×1 since 09:14 UTC. Was the signing secret rotated in Clerk?",
    );
  });
  it("target failing: the last answer and since when, or the success rate", () => {
    expect(issueTitle({ kind: "target_failing", subjectLabel: "api", counts: {}, facts: { rule: "consecutive", consecutive: 3, lastError: "HTTP 500", failingSince: at }, openedAt: at })).toBe(
      "api: HTTP 500 since 09:14 UTC (3 failed attempts in a row)",
    );
    expect(issueTitle({ kind: "target_failing", subjectLabel: "api", counts: {}, facts: { rule: "rate", okCount: 6, window: 20, lastError: "Connection refused" }, openedAt: at })).toBe(
      "api: only 6 of the last 20 attempts succeeded; last Connection refused",
    );
  });
});

const issue: ApiIssue = {
  id: "iss_1",
  kind: "unknown_event_type",
  status: "open",
  title: "New event type <b>&evil</b>, not in the catalog",
  subject: { type: "eventType", id: "<b>&evil</b>" },
  count: 1,
  firstSeenAt: new Date(at).toISOString(),
  lastSeenAt: new Date(at).toISOString(),
  openedAt: new Date(at).toISOString(),
  reopenCount: 0,
  acknowledgedAt: null,
  mutedUntil: null,
  resolvedAt: null,
  url: "https://hookline.example/issues/iss_1",
};

describe("channel messages carry payload-derived text as text", () => {
  it("Slack: mrkdwn control characters are escaped, the link goes back to the issue", () => {
    const message = slackMessage({ type: "issue.opened", issue });
    // mrkdwn parses <…> as links and mentions; plain_text (the header) does not.
    const section = message.blocks.find((b) => b.type === "section") as { text: { type: string; text: string } };
    expect(section.text.type).toBe("mrkdwn");
    expect(section.text.text).not.toContain("<b>");
    expect(section.text.text).toContain("&lt;b&gt;&amp;evil&lt;/b&gt;");
    expect(section.text.text).toContain("<https://hookline.example/issues/iss_1|");
    expect(message.text).not.toContain("<b>");
    expect(message.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
  });
  it("e-mail: the HTML part escapes, the subject has no line breaks", () => {
    const mail = emailMessage({ type: "issue.opened", issue: { ...issue, title: "a\r\nBcc: x@evil.example <i>" } });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain("<i>");
    expect(mail.html).toContain("&lt;i&gt;");
  });
});
