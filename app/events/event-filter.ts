// The event filter: one vocabulary for the event list URL, the JSON API
// (`GET /api/v1/events`) and bulk replays (`POST /api/v1/replays` `filter`).
// Browser-safe (no server imports), so forms can use the same names.
import { z } from "zod";

export const EVENT_SORTS = ["timestamp", "received"] as const;
export const SORT_DIRECTIONS = ["desc", "asc"] as const;
/** Events exist only for verified deliveries; `duplicate` narrows to those delivered more than once. */
export const EVENT_OUTCOMES = ["verified", "duplicate"] as const;
export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 50;

const TYPE_PATTERN = /^[A-Za-z][\w]*(\.[\w]+)*(\.\*)?$|^\*$/;

const isoDate = z
  .string()
  .trim()
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 date-time, e.g. 2026-11-23T02:10:00Z")
  .transform((value) => new Date(value));

/** Filter fields, shared by the list and bulk replays. */
export const EventFilterSchema = z
  .object({
    type: z
      .array(z.string().trim().max(200).regex(TYPE_PATTERN, "must be an event type like user.updated or a group like user.*"))
      .max(100)
      .default([]),
    outcome: z.enum(EVENT_OUTCOMES, { message: `must be one of ${EVENT_OUTCOMES.join(", ")} (other outcomes are deliveries: see /api/v1/deliveries)` }).optional(),
    source: z.string().trim().max(100).optional(),
    resource: z.string().trim().min(1).max(300).optional(),
    q: z.string().trim().min(1).max(500).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "must not be after `to`", path: ["from"] });

export type EventFilter = z.infer<typeof EventFilterSchema>;

export const EventListQuerySchema = z.object({
  filter: EventFilterSchema,
  sort: z.enum(EVENT_SORTS, { message: "must be timestamp or received" }).default("timestamp"),
  dir: z.enum(SORT_DIRECTIONS, { message: "must be desc or asc" }).default("desc"),
  limit: z.coerce
    .number({ message: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT),
  cursor: z.string().max(500).optional(),
});

export type EventListQuery = z.infer<typeof EventListQuerySchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; parameter: string; message: string };

function firstIssue(error: z.ZodError): { parameter: string; message: string } {
  const issue = error.issues[0]!;
  const path = issue.path.filter((p) => p !== "filter" && typeof p === "string");
  const parameter = (path[0] as string | undefined) ?? "query";
  return { parameter, message: `Invalid \`${parameter}\`: ${issue.message}` };
}

const emptyToUndefined = (value: string | null) => (value === null || value.trim() === "" ? undefined : value);

/** Reads the filter from URL search params (`type` may repeat). Empty values count as absent. */
export function filterInputFromSearchParams(params: URLSearchParams) {
  return {
    type: params.getAll("type").flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean),
    outcome: emptyToUndefined(params.get("outcome")),
    source: emptyToUndefined(params.get("source")),
    resource: emptyToUndefined(params.get("resource")),
    q: emptyToUndefined(params.get("q")),
    from: emptyToUndefined(params.get("from")),
    to: emptyToUndefined(params.get("to")),
  };
}

export function parseEventListQuery(params: URLSearchParams): ParseResult<EventListQuery> {
  const parsed = EventListQuerySchema.safeParse({
    filter: filterInputFromSearchParams(params),
    sort: emptyToUndefined(params.get("sort")),
    dir: emptyToUndefined(params.get("dir")),
    limit: emptyToUndefined(params.get("limit")),
    cursor: emptyToUndefined(params.get("cursor")),
  });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, ...firstIssue(parsed.error) };
}

/** For JSON bodies (`filter` of a replay): the same names, `type` as an array. */
export function parseEventFilter(input: unknown): ParseResult<EventFilter> {
  const parsed = EventFilterSchema.safeParse(input ?? {});
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, ...firstIssue(parsed.error) };
}

/** Back to URL search params (for links and forms), omitting defaults. */
export function eventFilterToSearchParams(filter: Partial<EventFilter>): URLSearchParams {
  const params = new URLSearchParams();
  for (const type of filter.type ?? []) params.append("type", type);
  if (filter.outcome) params.set("outcome", filter.outcome);
  if (filter.source) params.set("source", filter.source);
  if (filter.resource) params.set("resource", filter.resource);
  if (filter.q) params.set("q", filter.q);
  if (filter.from) params.set("from", filter.from.toISOString());
  if (filter.to) params.set("to", filter.to.toISOString());
  return params;
}
