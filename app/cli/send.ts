// `hookline send`: posts realistic, Svix-signed sample events to a Hookline (or any Clerk
// webhook consumer), so the whole pipeline can be exercised without a Clerk account.
import { isKnownEventType } from "~/catalog/event-catalog";
import { buildSamples, typesForSelector, type ClerkEnvelope } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";
import { CliError, parseOptions, type Command } from "./command";

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_CONCURRENCY = 64;

interface SendSettings {
  selector: string;
  url: string;
  secret: string;
  count: number;
  seed: number;
  userId?: string;
  concurrency: number;
}

interface DeliveryResult {
  /** The HTTP status, or null when no response arrived. */
  status: number | null;
  ok: boolean;
}

const command: Command = {
  usage:
    "send <type|all|prefix.*> [--url U] [--secret S] [--count N] [--user ID] [--seed N] [--concurrency N]",
  async run(argv) {
    const settings = readSettings(argv);
    const samples = buildSamples(settings.selector, {
      seed: settings.seed,
      now: Date.now(),
      userId: settings.userId,
      count: settings.count,
    });
    if (samples.length === 0) throw new CliError(`No catalog event type matches "${settings.selector}".`);

    const results = await sendAll(samples, settings);
    console.log(summarize(results, settings));
    if (results.some((result) => !result.ok)) process.exitCode = 1;
  },
};
export default command;

function readSettings(argv: string[]): SendSettings {
  const { values, positionals } = parseOptions(argv, {
    url: { type: "string" },
    secret: { type: "string" },
    count: { type: "string" },
    user: { type: "string" },
    seed: { type: "string" },
    concurrency: { type: "string" },
  });
  if (positionals.length !== 1) throw new CliError(`Usage: hookline ${command.usage}`);
  const selector = positionals[0].trim();
  if (typesForSelector(selector).length === 0) {
    throw new CliError(`No catalog event type matches "${selector}". Try "all", "user.*" or a type such as user.created.`);
  }
  if (!selector.includes("*") && !selector.includes(",") && selector !== "all" && !isKnownEventType(selector)) {
    // Clerk adds types over time and Hookline must show unknown ones, so sending one is a useful test.
    console.error(`hookline: note: "${selector}" is not in the catalog; sending a minimal payload.`);
  }

  const url = values.url ?? `http://localhost:${process.env.PORT || 3000}/webhooks/clerk`;
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new CliError(`--url "${url}" is not a URL.`);
  }
  if (parsedUrl.protocol !== "http:" && parsedUrl.protocol !== "https:") {
    throw new CliError(`--url must be http or https, not ${parsedUrl.protocol}`);
  }

  return {
    selector,
    url,
    secret: readSecret(values.secret),
    count: positiveInteger("--count", values.count, 1),
    seed: values.seed === undefined ? randomSeed() : integer("--seed", values.seed),
    userId: readUserId(values.user),
    concurrency: Math.min(positiveInteger("--concurrency", values.concurrency, 1), MAX_CONCURRENCY),
  };
}

function readSecret(flag: string | undefined): string {
  // The environment may list several secrets for rotation; any one of them verifies.
  const secret = (flag ?? process.env.CLERK_WEBHOOK_SIGNING_SECRET ?? "").split(/[\s,]+/).find(Boolean);
  if (!secret) {
    throw new CliError("No signing secret: pass --secret whsec_… or set CLERK_WEBHOOK_SIGNING_SECRET.");
  }
  try {
    signDelivery(secret, "");
  } catch {
    throw new CliError("The signing secret is not valid: expected whsec_ followed by base64.");
  }
  return secret;
}

function readUserId(flag: string | undefined): string | undefined {
  if (flag === undefined) return undefined;
  const userId = flag.trim();
  if (!userId || /\s/.test(userId)) throw new CliError("--user must be a user id such as user_2abc….");
  return userId;
}

function integer(name: string, raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new CliError(`${name} must be a whole number, not "${raw}".`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new CliError(`${name} is too large.`);
  return value;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = integer(name, raw);
  if (value < 1) throw new CliError(`${name} must be at least 1.`);
  return value;
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] & 0x7fffffff;
}

/** Sends in order with `concurrency` requests in flight; with 1 (the default) the order is exact. */
async function sendAll(samples: ClerkEnvelope[], settings: SendSettings): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = new Array(samples.length);
  let next = 0;
  async function worker() {
    while (next < samples.length) {
      const index = next++;
      results[index] = await sendOne(samples[index], settings);
    }
  }
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, samples.length) }, worker));
  return results;
}

async function sendOne(envelope: ClerkEnvelope, settings: SendSettings): Promise<DeliveryResult> {
  const body = JSON.stringify(envelope);
  // Signed just before sending: a long run must not drift out of Svix's 5-minute tolerance.
  const { msgId, headers } = signDelivery(settings.secret, body);
  try {
    const response = await fetch(settings.url, {
      method: "POST",
      headers: { ...headers, "user-agent": "hookline-send" },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const outcome = outcomeOf(await response.text());
    console.log(`${response.status} ${outcome} ${envelope.type} ${msgId}`);
    return { status: response.status, ok: response.ok };
  } catch (error) {
    console.log(`ERR ${describeFailure(error)} ${envelope.type} ${msgId}`);
    return { status: null, ok: false };
  }
}

/** Hookline answers `{ outcome, ... }`; other receivers may answer anything. */
function outcomeOf(responseText: string): string {
  try {
    const parsed: unknown = JSON.parse(responseText);
    if (typeof parsed === "object" && parsed !== null && "outcome" in parsed && typeof parsed.outcome === "string") {
      return parsed.outcome;
    }
  } catch {
    // Not JSON: fall through.
  }
  return "-";
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return `timeout after ${REQUEST_TIMEOUT_MS} ms`;
    // fetch hides the useful part ("ECONNREFUSED ...") in `cause`.
    const cause = error.cause instanceof Error ? error.cause.message : null;
    return (cause ?? error.message).replace(/\s+/g, " ");
  }
  return String(error);
}

function summarize(results: DeliveryResult[], settings: SendSettings): string {
  const byStatus = new Map<string, number>();
  for (const result of results) {
    const key = result.status === null ? "ERR" : String(result.status);
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
  }
  const counts = [...byStatus.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}×${count}`)
    .join(", ");
  const failed = results.filter((result) => !result.ok).length;
  return `sent ${results.length} to ${settings.url}: ${counts}; ${failed} failed (seed ${settings.seed})`;
}
