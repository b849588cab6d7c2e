// The timeline's URL parameters, shared by the pages and the JSON API: `category`,
// `sort` (timestamp | received), `dir`, `limit`, `cursor`, `q` (text in the payload or a
// type prefix) and `at` (a UTC day to jump to). Browser-safe.
import { z } from "zod";

import { categoryKeys, type TimelineCategory } from "./timeline-categories";

export const TIMELINE_MAX_LIMIT = 500;

export interface TimelineQuery {
  category: string | null;
  sort: "timestamp" | "received";
  dir: "asc" | "desc";
  limit: number;
  cursor?: string;
  /** Only events whose payload has this text (the event list's `q`), or whose type starts with it. */
  q?: string;
  /** Jump to a UTC day (YYYY-MM-DD): newest first, start at its end; oldest first, at its start. */
  at?: string;
}

export type TimelineQueryResult = { ok: true; value: TimelineQuery } | { ok: false; parameter: string; message: string };

const blank = (value: string | null) => (value === null || value.trim() === "" ? undefined : value.trim());

export function parseTimelineQuery(
  params: URLSearchParams,
  options: { categories: readonly TimelineCategory[]; defaultDir: "asc" | "desc"; defaultLimit: number },
): TimelineQueryResult {
  const keys = categoryKeys(options.categories);
  const schema = z.object({
    category: z.enum(keys as [string, ...string[]], { message: `must be one of ${keys.join(", ")}` }).optional(),
    sort: z.enum(["timestamp", "received"], { message: "must be timestamp or received" }).default("timestamp"),
    dir: z.enum(["asc", "desc"], { message: "must be asc or desc" }).default(options.defaultDir),
    limit: z.coerce
      .number({ message: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(TIMELINE_MAX_LIMIT, `must be at most ${TIMELINE_MAX_LIMIT}`)
      .default(options.defaultLimit),
    cursor: z.string().max(500, "is too long").optional(),
    q: z.string().max(200, "is too long (at most 200 characters)").optional(),
    at: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD")
      .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "is not a real date")
      .optional(),
  });
  const parsed = schema.safeParse({
    category: blank(params.get("category")),
    sort: blank(params.get("sort")),
    dir: blank(params.get("dir")),
    limit: blank(params.get("limit")),
    cursor: blank(params.get("cursor")),
    q: blank(params.get("q")),
    at: blank(params.get("at")),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const parameter = String(issue.path[0] ?? "query");
    return { ok: false, parameter, message: `Invalid \`${parameter}\`: ${issue.message}` };
  }
  const { q, at, ...rest } = parsed.data;
  return { ok: true, value: { ...rest, category: rest.category ?? null, ...(q ? { q } : {}), ...(at ? { at } : {}) } };
}

/** Clerk ids are short ASCII tokens; anything else in a path segment is a typo or a probe. */
export const ResourceIdSchema = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(200, "is too long")
  .regex(/^[A-Za-z0-9_\-.:]+$/, "must be a Clerk id such as user_2abc… (letters, digits, _ - . :)");
