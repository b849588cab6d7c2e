// The Clerk envelope: `{ data, object: "event", type, timestamp, instance_id }`.
import { z } from "zod";

const EnvelopeSchema = z
  .object({
    object: z.literal("event"),
    type: z.string().min(1).max(200),
    // NOTE: z.record() would copy every key of `data` on every delivery (about 4 % of
    // ingest's main thread at saturation); this checks the same thing without a copy.
    data: z.custom<Record<string, unknown>>((value) => value !== null && typeof value === "object" && !Array.isArray(value), {
      message: "Expected object",
    }),
    timestamp: z.number().finite().nonnegative().optional(),
    instance_id: z.string().optional(),
  })
  .passthrough();

export type ClerkEnvelope = z.infer<typeof EnvelopeSchema>;

export type EnvelopeResult =
  | {
      ok: true;
      envelope: ClerkEnvelope;
      /** The body as parsed, keys in their original order (the envelope is zod's copy). */
      json: unknown;
      timestampMs: number;
      timestampInSeconds: boolean;
    }
  | { ok: false; detail: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Clerk's payloads are a handful of levels deep. Anything past this is refused as
 * malformed, because every later step that walks a payload (search, diffs, the JSON
 * tree on the event page) would otherwise recurse that deep.
 */
export const MAX_JSON_DEPTH = 200;

/** The nesting depth of a parsed JSON value, without recursion, stopping past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") stack.push([child, level]);
    }
  }
  return deepest;
}

/**
 * NOTE: Clerk's docs give `timestamp` in milliseconds, but some official examples use
 * 10-digit seconds. A value below 10^12 is read as seconds; the original stays in
 * the raw body.
 */
export function normaliseTimestamp(value: number): { ms: number; inSeconds: boolean } {
  return value < 1e12 ? { ms: Math.round(value * 1000), inSeconds: true } : { ms: Math.round(value), inSeconds: false };
}

export function parseEnvelope(body: Uint8Array, fallbackTimestampMs: number): EnvelopeResult {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, detail: "Body is not valid UTF-8" };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, detail: `Body is not JSON: ${(error as Error).message.slice(0, 200)}` };
  }
  if (jsonDepth(json) > MAX_JSON_DEPTH) {
    return { ok: false, detail: `JSON is nested more than ${MAX_JSON_DEPTH} levels deep` };
  }
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "body";
    return { ok: false, detail: `Not a Clerk envelope: ${where}: ${issue.message}` };
  }
  const envelope = parsed.data;
  if (envelope.timestamp === undefined) {
    return { ok: true, envelope, json, timestampMs: fallbackTimestampMs, timestampInSeconds: false };
  }
  const { ms, inSeconds } = normaliseTimestamp(envelope.timestamp);
  return { ok: true, envelope, json, timestampMs: ms, timestampInSeconds: inSeconds };
}
