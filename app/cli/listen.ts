// `hookline listen`: Clerk webhooks on a laptop without a tunnel. Follows a Hookline's
// event stream (GET /api/v1/events/stream) and forwards each event to a local app with
// its original bytes and svix-id, signed with a local secret (app/stream/listen-session.ts).
// Needs no database and no server environment.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { generateTargetSecret, targetSecretProblem } from "~/dispatch/signing.server";
import { listen, ListenRefusedError, type ForwardResult, type StreamedEvent } from "~/stream/listen-session";
import { CliError, parseOptions, type Command } from "./command";

const USAGE = `listen --url URL --token TOKEN [--forward-to URL] [--secret whsec_…]
              [--types user.*,session.*] [--source S] [--since 1h] [--print-json]

Streams new events from a Hookline and forwards each one to a local app, as Clerk
would: the original bytes, the original svix-id, a fresh svix-timestamp and a
svix-signature made with --secret. Reconnects by itself and resumes after the last
event it forwarded, so nothing is missed and nothing comes twice. Ctrl-C prints a summary.

  --url URL          the Hookline, e.g. https://hookline.example.com
  --token TOKEN      an API token (HOOKLINE_TOKEN); forwarding needs operator or admin
  --forward-to URL   where to POST each event, e.g. http://localhost:3000/api/webhooks/clerk
                     (without it, listen only prints)
  --secret whsec_…   the local app's signing secret; without it one is generated once,
                     printed, and kept in $XDG_CONFIG_HOME/hookline (~/.config/hookline)
  --types LIST       event types, comma-separated; user.* selects a group
  --source S         only events of this source (its slug)
  --since WHEN       first send stored events from then: 10m, 2h, 1d, an ISO time or an event id
  --print-json       print each event's payload too`;

const command: Command = {
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      url: { type: "string" },
      token: { type: "string" },
      "forward-to": { type: "string" },
      secret: { type: "string" },
      types: { type: "string", multiple: true },
      source: { type: "string" },
      since: { type: "string" },
      "print-json": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(`Usage: npx hookline ${USAGE}`);
      return;
    }
    if (positionals.length) throw new CliError(`Unexpected argument "${positionals[0]}".\n\nUsage: npx hookline ${USAGE}`);
    const url = httpUrl("--url", values.url);
    const token = values.token ?? process.env.HOOKLINE_TOKEN;
    if (!token) throw new CliError("Pass --token (or set HOOKLINE_TOKEN): create one with `npx hookline token create --name laptop --role operator`.");
    const forwardTo = values["forward-to"] === undefined ? undefined : httpUrl("--forward-to", values["forward-to"]);
    const types = (values.types ?? []).flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
    const secret = forwardTo ? signingSecret(values.secret) : undefined;
    const printJson = Boolean(values["print-json"]);

    const stop = new AbortController();
    let firstSignalAt = 0;
    const onSignal = () => {
      // Ctrl-C reaches both bin/hookline.js and this process: a repeat within a second is the same one.
      if (stop.signal.aborted) {
        if (Date.now() - firstSignalAt > 1_000) process.exit(130);
        return;
      }
      firstSignalAt = Date.now();
      stop.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const filters = [types.length ? types.join(",") : "all events", values.source ? `source ${values.source}` : null].filter(Boolean).join(", ");
    console.log(`Listening to ${url} (${filters})${forwardTo ? `, forwarding to ${forwardTo}` : ", printing only"}. Ctrl-C to stop.`);
    let summary;
    try {
      summary = await listen({
        url,
        token,
        forwardTo,
        secret,
        types,
        source: values.source,
        since: values.since,
        client: `${os.hostname()} -> ${forwardTo ?? "printing only"}`,
        signal: stop.signal,
        onEvent(event, result) {
          console.log(eventLine(event, result));
          if (printJson) console.log(JSON.stringify(payloadOf(event), null, 2));
        },
        onStatus(status) {
          if (status.kind === "connected") {
            console.error(status.resumedAfter ? `Reconnected; resuming after ${status.resumedAfter}.` : "Connected.");
          } else if (status.kind === "disconnected") {
            console.error(`Connection lost (${status.reason}); reconnecting in ${formatDelay(status.retryInMs)}.`);
          } else {
            console.error(`Not forwarded ${status.id}: ${status.reason}.`);
          }
        },
      });
    } catch (error) {
      if (error instanceof ListenRefusedError) throw new CliError(`the server refused the stream (${error.status}): ${error.message}`);
      throw error;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    const parts = [`${summary.events} event${summary.events === 1 ? "" : "s"}`];
    if (forwardTo) parts.push(`${summary.forwarded} forwarded`, `${summary.failed} failed`);
    if (summary.reconnects) parts.push(`${summary.reconnects} reconnect${summary.reconnects === 1 ? "" : "s"}`);
    console.log(`\nStopped: ${parts.join(", ")}.${summary.lastEventId ? ` Last event ${summary.lastEventId} (resume with --since ${summary.lastEventId}).` : ""}`);
  },
};
export default command;

function httpUrl(name: string, value: string | undefined): string {
  if (!value?.trim()) throw new CliError(`${name} is required.\n\nUsage: npx hookline ${USAGE}`);
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new CliError(`${name} "${value}" is not a URL.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new CliError(`${name} must be http or https.`);
  return parsed.toString();
}

/** The config folder: $XDG_CONFIG_HOME/hookline, or ~/.config/hookline. */
export function configDir(): string {
  const base = process.env.XDG_CONFIG_HOME?.trim() || path.join(os.homedir(), ".config");
  return path.join(base, "hookline");
}

/**
 * --secret, or the one kept from an earlier run, or a new one (printed once and kept),
 * so that the local app's .env stays valid from one run to the next.
 */
function signingSecret(flag: string | undefined): string {
  if (flag !== undefined) {
    const problem = targetSecretProblem(flag.trim());
    if (problem) throw new CliError(`--secret ${problem}.`);
    return flag.trim();
  }
  const file = path.join(configDir(), "listen-secret");
  try {
    const kept = fs.readFileSync(file, "utf8").trim();
    if (!targetSecretProblem(kept)) {
      console.log(`Signing with the secret kept in ${file}.`);
      return kept;
    }
  } catch {
    // none yet
  }
  const secret = generateTargetSecret();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  console.log(`New signing secret (kept in ${file}); put it in your app's .env:`);
  console.log(`  CLERK_WEBHOOK_SIGNING_SECRET=${secret}`);
  return secret;
}

function clock(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function shorten(id: string | null): string {
  if (!id) return "-";
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/** `12:03:04  user.updated  user_2ab…  → 200 in 34 ms` */
export function eventLine(event: StreamedEvent, result: ForwardResult | null): string {
  const head = `${clock(event.receivedAt)}  ${event.type}  ${shorten(event.userId ?? event.resourceId)}${event.replay ? "  (replay)" : ""}`;
  if (!result) return `${head}  ${event.id}`;
  if (result.status === null) return `${head}  → ${result.error}`;
  if (result.ok) return `${head}  → ${result.status} in ${result.durationMs} ms`;
  return `${head}  → ${result.status} ${result.statusText}${result.bodyLine ? `: ${result.bodyLine}` : ""}`;
}

function payloadOf(event: StreamedEvent): unknown {
  if (event.rawBody !== undefined) {
    const text = Buffer.from(event.rawBody, "base64").toString("utf8");
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return event.payload ?? null;
}

function formatDelay(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1_000)} s`;
}
