// The other issue kinds (dispatch backlog, silent source, billing anomaly), Slack and
// e-mail as received by a Slack-format receiver and a real local SMTP server, a channel
// that hangs not holding up another, and two instances on one database sending one
// notification per change.
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { startDispatch } from "../../tests/support/dispatch";
import { ingestSigned } from "../../tests/support/ingest";
import { subscriptionSequence } from "../../tests/support/lifecycle-sequences";
import { startReceiver, type Receiver } from "../../tests/support/receiver";
import { envelope, newSecret } from "../../tests/support/svix";
import { AlertWorker, type AlertWorkerOptions } from "./alerts-worker.server";
import { createChannel, ChannelCreateSchema } from "./notification-channels.server";
import { setSourceAlertSettings, setTargetAlertSettings } from "./set-alert-settings.server";
import { createDatabase, type DatabaseHandle } from "~/db/prisma.server";
import { forwardNewEvents } from "~/dispatch/auto-forward.server";
import { createTarget } from "~/dispatch/create-target.server";
import { TargetCreateSchema } from "~/dispatch/target-input";
import type { IngestDependencies } from "~/ingest/ingest.server";
import { ensureDefaultSource, SourceResolver } from "~/sources/sources.server";

const SECRET = newSecret();

interface Mail {
  to: string[];
  raw: string;
}

async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A mail's text with header folding and quoted-printable soft breaks undone. */
function readable(raw: string): string {
  return raw.replace(/\r\n[ \t]/g, " ").replace(/=\r\n/g, "").replace(/=3D/g, "=");
}

function options(smtpPort: number | null, extra: Partial<AlertWorkerOptions> = {}): AlertWorkerOptions {
  return {
    evalMs: 50,
    resolveAfterMs: 60_000,
    sender: { retrySchedule: [50, 100], allowlist: null, smtp: { url: smtpPort ? `smtp://127.0.0.1:${smtpPort}` : null, from: "hookline@test.example" } },
    ...extra,
  };
}

describe.each(PROVIDERS)("issue kinds, Slack and e-mail (%s)", (provider) => {
  let database: TestDatabase;
  let deps: IngestDependencies;
  let slack: Receiver;
  let hanging: Receiver;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let alerts: AlertWorker;

  const round = async (evaluate: Parameters<AlertWorker["evaluate"]> = []) => {
    const result = await alerts.evaluate(...evaluate);
    await alerts.sender.sendDue();
    await alerts.sender.idle();
    return result;
  };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
    deps = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    slack = await startReceiver(newSecret());
    hanging = await startReceiver(newSecret(), () => "hang");
    smtp = await startSmtp();
    alerts = new AlertWorker(database, options(smtp.port));
    const make = (input: Record<string, unknown>) => createChannel(database.db, ChannelCreateSchema.parse(input), { actor: "test", allowlist: null });
    await make({ name: "slack", type: "slack", url: slack.url, kinds: ["source_silent", "billing_anomaly", "dispatch_backlog"] });
    await make({ name: "mail", type: "email", to: "ops@test.example, oncall@test.example", kinds: ["source_silent"] });
    // Times out on every send: it must not delay the others.
    await make({ name: "down", type: "webhook", url: hanging.url, timeoutMs: 1_000, kinds: ["source_silent"] });
  });
  afterAll(async () => {
    await alerts.sender.idle();
    await slack.close();
    await hanging.close();
    await smtp.close();
    await database.drop();
  });

  it("source_silent: opens when a source that had events goes quiet; Slack and e-mail receive it, a hanging channel delays neither", async () => {
    await ingestSigned(deps, SECRET, envelope("user.created", { id: "user_quiet", object: "user" }));
    // A 200 ms silence window instead of 60 minutes.
    const silent = { kinds: ["source_silent"] as const, thresholds: { silenceMs: 200 } };
    await new Promise((resolve) => setTimeout(resolve, 250));
    const opened = await alerts.evaluate(undefined, silent);
    expect(opened).toMatchObject({ opened: [expect.any(String)], failedKinds: [] });
    await alerts.sender.sendDue();
    await slack.waitFor(1);
    await waitFor(() => smtp.mails.length >= 1);
    // The hanging channel's request is open (it answers nothing) while the others are done.
    await hanging.waitFor(1);

    const message = JSON.parse(slack.requests[0]!.body.toString()) as { text: string; blocks: { type: string; text?: { text: string }; elements?: { url: string }[] }[] };
    expect(message.text).toMatch(/^Issue opened: clerk: no events since/);
    expect(message.blocks[0]!.type).toBe("header");
    expect(message.blocks[1]!.text!.text).toContain("Source silent");
    const button = message.blocks.find((b) => b.type === "actions")!.elements![0]!;
    expect(button.url).toMatch(/\/issues\/[a-z0-9]+$/);

    const mail = smtp.mails[0]!;
    expect(mail.to.sort()).toEqual(["oncall@test.example", "ops@test.example"]);
    const text = readable(mail.raw);
    expect(text).toContain("Subject: [Hookline] Issue opened: clerk: no events since");
    expect(text).toContain("From: hookline@test.example");
    expect(text).toMatch(/Content-Type: text\/plain/);
    expect(text).toMatch(/Content-Type: text\/html/);
    expect(text).toContain(button.url);

    await ingestSigned(deps, SECRET, envelope("user.updated", { id: "user_quiet", object: "user" }));
    expect((await alerts.evaluate(undefined, { ...silent, resolveAfterMs: 0 })).resolved).toHaveLength(1);
    await alerts.sender.sendDue();
    await slack.waitFor(2);
    expect(JSON.parse(slack.requests[1]!.body.toString()).text).toMatch(/^Issue resolved/);
  });

  it("billing_anomaly: past due with no later successful payment opens; the payment resolves it", async () => {
    const sequence = subscriptionSequence("alerts");
    for (const e of sequence.envelopes.slice(0, 6)) await ingestSigned(deps, SECRET, e);
    const opened = await round();
    expect(opened.opened).toHaveLength(1);
    const issue = await database.db.issue.findFirstOrThrow({ where: { kind: "billing_anomaly" } });
    expect(issue.subjectId).toBe(sequence.subscriptionId);
    expect(issue.title).toContain("past due");
    expect(issue.title).toContain("alerts@acme.example");
    for (const e of sequence.envelopes.slice(6, 8)) await ingestSigned(deps, SECRET, e);
    expect((await round([undefined, { resolveAfterMs: 0 }])).resolved).toEqual([issue.id]);
  });

  it("thresholds set per source and per target replace the defaults", async () => {
    const wrong = newSecret();
    for (let i = 0; i < 3; i++) await ingestSigned(deps, wrong, envelope("user.created", { id: `user_th${i}`, object: "user" })).catch(() => null);
    await setSourceAlertSettings(database.db, "clerk", { verificationFailures: 4, silenceMinutes: null }, "test");
    expect((await alerts.evaluate(undefined, { kinds: ["verification_failures"] })).opened).toEqual([]);
    await ingestSigned(deps, wrong, envelope("user.created", { id: "user_th3", object: "user" })).catch(() => null);
    expect((await alerts.evaluate(undefined, { kinds: ["verification_failures"] })).opened).toHaveLength(1);
    // Silence is off for this source, even with a 200 ms window.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await alerts.evaluate(undefined, { kinds: ["source_silent"], thresholds: { silenceMs: 200 } })).opened).toEqual([]);
    await setSourceAlertSettings(database.db, "clerk", {}, "test");

    const receiver = await startReceiver(newSecret(), () => ({ status: 500 }));
    const { target } = await createTarget(database.db, TargetCreateSchema.parse({ name: "lenient", url: receiver.url, secret: receiver.secret, autoForward: true }), { actor: "test", allowlist: null });
    await setTargetAlertSettings(database.db, target.id, { consecutiveFailures: 5 }, "test");
    const dispatch = startDispatch(database, { retrySchedule: [] });
    for (let i = 0; i < 3; i++) await ingestSigned(deps, SECRET, envelope("user.updated", { id: `user_len${i}`, object: "user" }));
    await receiver.waitFor(3);
    await dispatch.stop();
    expect((await alerts.evaluate(undefined, { kinds: ["target_failing"] })).opened).toEqual([]);
    await setTargetAlertSettings(database.db, target.id, { consecutiveFailures: 3 }, "test");
    expect((await alerts.evaluate(undefined, { kinds: ["target_failing"] })).opened).toHaveLength(1);
    await database.db.target.update({ where: { id: target.id }, data: { enabled: false } });
    await receiver.close();
    const audit = await database.db.auditEntry.findMany({ where: { action: { endsWith: ".alert_settings" } } });
    expect(audit).toHaveLength(4);
  });

  it("dispatch_backlog: a target whose oldest due send waits too long; sending it resolves", async () => {
    const receiver = await startReceiver(newSecret());
    const { target } = await createTarget(database.db, TargetCreateSchema.parse({ name: "slowpoke", url: receiver.url, secret: receiver.secret, autoForward: true }), { actor: "test", allowlist: null });
    await ingestSigned(deps, SECRET, envelope("user.created", { id: "user_backlog", object: "user" }));
    await forwardNewEvents(database);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const opened = await round([undefined, { kinds: ["dispatch_backlog"], thresholds: { backlogAgeMs: 200 } }]);
    expect(opened.opened).toHaveLength(1);
    const issue = await database.db.issue.findFirstOrThrow({ where: { kind: "dispatch_backlog" } });
    expect(issue).toMatchObject({ subjectType: "target", subjectId: target.id });
    expect(issue.title).toBe("slowpoke: 1 send waiting, the oldest due 0 min ago");
    const dispatch = startDispatch(database);
    await receiver.waitFor(1);
    await dispatch.stop();
    expect((await round([undefined, { kinds: ["dispatch_backlog"], thresholds: { backlogAgeMs: 200 }, resolveAfterMs: 0 }])).resolved).toEqual([issue.id]);
    await receiver.close();
  });
});

describe("two instances on one Postgres", () => {
  let database: TestDatabase;
  let second: DatabaseHandle;
  let receiver: Receiver;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await ensureDefaultSource(database.db);
    second = createDatabase(database.url);
    receiver = await startReceiver(newSecret());
    const { secret } = await createChannel(database.db, ChannelCreateSchema.parse({ name: "ops", type: "webhook", url: receiver.url }), { actor: "test", allowlist: null });
    receiver.useSecret(secret!);
  });
  afterAll(async () => {
    await receiver.close();
    await second.db.$disconnect();
    await database.drop();
  });

  it("send one notification per change, however often both evaluate", async () => {
    const deps = { db: database.db, sources: new SourceResolver(database.db, () => [SECRET]), maxBodyBytes: 1 << 20 };
    for (let i = 0; i < 5; i++) await ingestSigned(deps, newSecret(), envelope("user.created", { id: `user_two${i}`, object: "user" }));
    const a = new AlertWorker(database, options(null));
    const b = new AlertWorker(second, options(null));
    const both = async (...args: Parameters<AlertWorker["evaluate"]>) => {
      const results = await Promise.all([a.evaluate(...args), b.evaluate(...args)]);
      await Promise.all([a.sender.sendDue(), b.sender.sendDue()]);
      await Promise.all([a.sender.idle(), b.sender.idle()]);
      return results;
    };
    for (let i = 0; i < 5; i++) await both();
    // Later: the failures have left the 5-minute window, and it resolves.
    for (let i = 0; i < 5; i++) await both(Date.now() + 10 * 60_000, { resolveAfterMs: 0 });
    const types = receiver.requests.map((r) => JSON.parse(r.body.toString()).type);
    expect(types).toEqual(["issue.opened", "issue.resolved"]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    const issue = await database.db.issue.findFirstOrThrow();
    expect(issue.count).toBe(5);
    const changes = await database.db.issueChange.findMany({ where: { issueId: issue.id } });
    expect(changes.map((c) => c.change).sort()).toEqual(["opened", "resolved"]);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
