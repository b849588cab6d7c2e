// `hookline send`: posts realistic, Svix-signed sample events to a Hookline (or any Clerk
// webhook consumer), so the whole pipeline can be exercised without a Clerk account.
import { isKnownEventType } from "~/catalog/event-catalog";
import { buildSamples, typesForSelector, type ClerkEnvelope } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";
import { env, EnvError } from "~/config/env.server";
import { CliError, parseOptions, type Command } from "./command";

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_CONCURRENCY = 64;

interface SendSettings {
  selector: string;
  url: string;
  /** No --url: the local server from PORT and HOST. */
  defaultUrl: boolean;
  secret: string;
  /** Where the secret came from, for the hint when the receiver refuses it. */
  secretOrigin: "flag" | "environment" | "generated";
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
  usage: [
    "send <type|all|prefix.*> [--url U] [--secret S] [--count N] [--user ID] [--seed N] [--concurrency N]",
    "",
    "Posts realistic, Svix-signed sample events (each a valid instance of Clerk's schema).",
    "",
    "  <type|all|prefix.*>  user.created, all (every catalog type), user.* ...",
    "  --url U              where to post; default http://localhost:$PORT/webhooks/clerk",
    "                       (PORT default 3000; HOST when it names one address)",
    "  --secret S           whsec_… to sign with; default the first of CLERK_WEBHOOK_SIGNING_SECRET,",
    "                       else (outside production) the development secret that `npm start`",
    "                       generates into data/secrets.json, so `npx hookline send all` just works",
    "  --count N            events per type (default 1)",
    "  --user ID            use this user id in user, session and billing samples",
    "  --seed N             repeat the same samples (default random)",
    "  --concurrency N      requests in flight (default 1: exact order; at most 64)",
    "",
    "Exits 1 when any delivery is refused or fails.",
  ].join("\n"),
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
    if (results.some((result) => !result.ok)) {
      process.exitCode = 1;
      const hint = failureHint(results, settings);
      if (hint) console.error(`hookline: ${hint}`);
    }
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
  if (positionals.length !== 1) throw new CliError(`Usage: hookline ${command.usage.split("\n")[0]}`);
  const selector = positionals[0].trim();
  if (typesForSelector(selector).length === 0) {
    throw new CliError(`No catalog event type matches "${selector}". Try "all", "user.*" or a type such as user.created.`);
  }
  if (!selector.includes("*") && !selector.includes(",") && selector !== "all" && !isKnownEventType(selector)) {
    // Clerk adds types over time and Hookline must show unknown ones, so sending one is a useful test.
    console.error(`hookline: note: "${selector}" is not in the catalog; sending a minimal payload.`);
  }

  const url = values.url ?? localServerUrl();
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new CliError(`--url "${url}" is not a URL.`);
  }
  if (parsedUrl.protocol !== "http:" && parsedUrl.protocol !== "https:") {
    throw new CliError(`--url must be http or https, not ${parsedUrl.protocol}`);
  }

  const { secret, origin } = readSecret(values.secret);
  return {
    selector,
    url,
    defaultUrl: values.url === undefined,
    secret,
    secretOrigin: origin,
    count: positiveInteger("--count", values.count, 1),
    seed: values.seed === undefined ? randomSeed() : integer("--seed", values.seed),
    userId: readUserId(values.user),
    concurrency: Math.min(positiveInteger("--concurrency", values.concurrency, 1), MAX_CONCURRENCY),
  };
}

/** The server `npm start` runs in this checkout: PORT, and HOST unless it means every interface. */
function localServerUrl(): string {
  const host = (process.env.HOST || "").trim();
  const any = host === "" || host === "0.0.0.0" || host === "::" || host === "[::]";
  const hostname = any ? "localhost" : host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `http://${hostname}:${process.env.PORT || 3000}/webhooks/clerk`;
}

function readSecret(flag: string | undefined): { secret: string; origin: SendSettings["secretOrigin"] } {
  // The environment may list several secrets for rotation; any one of them verifies.
  let origin: SendSettings["secretOrigin"] = flag !== undefined ? "flag" : "environment";
  let secret = (flag ?? process.env.CLERK_WEBHOOK_SIGNING_SECRET ?? "").split(/[\s,]+/).find(Boolean);
  if (!secret && flag === undefined) {
    secret = generatedSecret() ?? undefined;
    origin = "generated";
  }
  if (!secret) {
    throw new CliError(
      "No signing secret: pass --secret whsec_… or set CLERK_WEBHOOK_SIGNING_SECRET (with NODE_ENV=production none is generated).",
    );
  }
  try {
    signDelivery(secret, "");
  } catch {
    throw new CliError("The signing secret is not valid: expected whsec_ followed by base64.");
  }
  return { secret, origin };
}

/** The development secret the server accepts when CLERK_WEBHOOK_SIGNING_SECRET is unset (env.server.ts). */
function generatedSecret(): string | null {
  try {
    return env().generatedSigningSecret;
  } catch (error) {
    if (error instanceof EnvError) throw new CliError(error.message);
    throw error;
  }
}

function failureHint(results: DeliveryResult[], settings: SendSettings): string | null {
  if (settings.defaultUrl && results.every((result) => result.status === null)) {
    return `nothing answers at ${settings.url}. Start Hookline in another terminal (npm start), or pass --url; set PORT (and HOST) here as the server has them.`;
  }
  if (settings.secretOrigin === "generated" && results.some((result) => result.status === 401)) {
    return "the server refused the generated development secret (data/secrets.json). Is it running from this checkout, with CLERK_WEBHOOK_SIGNING_SECRET unset and no secret stored for the clerk source in Settings? Otherwise pass --secret.";
  }
  return null;
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
