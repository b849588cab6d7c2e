// What a target may be set to, for the JSON API (`POST/PATCH /api/v1/targets`) and
// the /targets forms alike. Browser-safe: no server imports.
import { z } from "zod";

export const TARGET_LIMITS = {
  timeoutMs: { min: 100, max: 60_000, default: 10_000 },
  maxPerSecond: { min: 1, max: 1000 },
  concurrency: { min: 1, max: 100, default: 4 },
  headers: 20,
  eventTypes: 100,
} as const;

const TYPE_PATTERN = /^[A-Za-z][\w]*(\.[\w]+)*(\.\*)?$|^\*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

const eventTypes = z
  .array(z.string().trim().max(200).regex(TYPE_PATTERN, "must be event types like user.updated or groups like user.*"))
  .max(TARGET_LIMITS.eventTypes, `at most ${TARGET_LIMITS.eventTypes} types`);

const headers = z
  .record(
    z.string().regex(HEADER_NAME, "header names are letters, digits and - (like X-Api-Key)"),
    z.string().max(2000, "header values are at most 2000 characters").regex(/^[^\r\n\0]*$/, "header values must be one line"),
  )
  .refine((h) => Object.keys(h).length <= TARGET_LIMITS.headers, `at most ${TARGET_LIMITS.headers} extra headers`);

const url = z
  .string({ required_error: "is required" })
  .trim()
  .min(1, "is required")
  .max(2000, "is at most 2000 characters")
  .refine((value) => /^https?:\/\//i.test(value), "must be an http:// or https:// URL");

const int = (min: number, max: number) =>
  z.number({ invalid_type_error: "must be a number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const TargetCreateSchema = z
  .object({
    name: z.string({ required_error: "is required" }).trim().min(1, "is required").max(100, "is at most 100 characters"),
    url,
    secret: z.string().trim().max(200).optional(),
    eventTypes: eventTypes.default([]),
    autoForward: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
    enabled: z.boolean({ invalid_type_error: "must be true or false" }).default(true),
    timeoutMs: int(TARGET_LIMITS.timeoutMs.min, TARGET_LIMITS.timeoutMs.max).default(TARGET_LIMITS.timeoutMs.default),
    maxPerSecond: int(TARGET_LIMITS.maxPerSecond.min, TARGET_LIMITS.maxPerSecond.max).nullable().default(null),
    concurrency: int(TARGET_LIMITS.concurrency.min, TARGET_LIMITS.concurrency.max).default(TARGET_LIMITS.concurrency.default),
    headers: headers.default({}),
  })
  .strict();

export type TargetCreateInput = z.infer<typeof TargetCreateSchema>;

/** PATCH: every field optional; `secret` rotates the secret (the new one is shown once). */
export const TargetUpdateSchema = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(100, "is at most 100 characters"),
    url,
    secret: z.string().trim().max(200),
    eventTypes,
    autoForward: z.boolean({ invalid_type_error: "must be true or false" }),
    enabled: z.boolean({ invalid_type_error: "must be true or false" }),
    timeoutMs: int(TARGET_LIMITS.timeoutMs.min, TARGET_LIMITS.timeoutMs.max),
    maxPerSecond: int(TARGET_LIMITS.maxPerSecond.min, TARGET_LIMITS.maxPerSecond.max).nullable(),
    concurrency: int(TARGET_LIMITS.concurrency.min, TARGET_LIMITS.concurrency.max),
    headers,
  })
  .partial()
  .strict();

export type TargetUpdateInput = z.infer<typeof TargetUpdateSchema>;

/** "user.*, session.created" or one per line → ["user.*", "session.created"]. */
export function splitTypeList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((t) => t.trim()).filter(Boolean))];
}

/** "Authorization: Bearer x" lines → { Authorization: "Bearer x" }. Throws naming the bad line. */
export function parseHeaderLines(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`line ${index + 1} must look like "Name: value"`);
    result[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return result;
}
