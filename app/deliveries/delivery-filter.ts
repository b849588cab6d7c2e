// The delivery filter: one vocabulary for the /deliveries page URL and the JSON API
// (`GET /api/v1/deliveries`). Browser-safe, so forms use the same names.
import { z } from "zod";

import { ACCEPTED_OUTCOMES, OUTCOMES, type Outcome } from "~/ingest/outcomes";

export const MAX_DELIVERY_LIMIT = 500;
export const DEFAULT_DELIVERY_LIMIT = 50;

/** `failed`: every outcome that did not become (or join) an event. `all`: no outcome filter. */
export const OUTCOME_GROUPS = ["failed", "all"] as const;
export type OutcomeSelection = (typeof OUTCOME_GROUPS)[number] | Outcome;

export const FAILED_OUTCOMES: readonly Outcome[] = OUTCOMES.filter((outcome) => !ACCEPTED_OUTCOMES.includes(outcome));

/** Time-range presets of the page; the API takes `from`/`to` only. */
export const RANGE_PRESETS = { "1h": 60 * 60 * 1000, "24h": 24 * 60 * 60 * 1000, "7d": 7 * 24 * 60 * 60 * 1000 } as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
export const RANGE_LABELS: Record<RangePreset, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days" };

/**
 * A date-time without a zone is read as UTC, as every page shows UTC: `2026-11-23 02:10:00`
 * (what UtcDateTimeInput sends) or `2026-11-23T02:10` (older links, from datetime-local).
 */
export function withUtcDefault(value: string): string {
  return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
}

const isoDate = z
  .string()
  .trim()
  .transform(withUtcDefault)
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 date-time, e.g. 2026-11-23T02:10:00Z")
  .transform((value) => new Date(value));

const outcomeSelection = z.enum([...OUTCOME_GROUPS, ...OUTCOMES] as [string, ...string[]], {
  message: `must be one of ${[...OUTCOME_GROUPS, ...OUTCOMES].join(", ")}`,
});

export const DeliveryQuerySchema = z
  .object({
    outcome: outcomeSelection.transform((value) => value as OutcomeSelection),
    source: z.string().trim().max(200).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    limit: z.coerce
      .number({ message: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_DELIVERY_LIMIT, `must be at most ${MAX_DELIVERY_LIMIT}`)
      .default(DEFAULT_DELIVERY_LIMIT),
    cursor: z
      .string()
      .regex(/^[0-9A-Za-z_-]{1,100}$/, "use the nextCursor of a previous page")
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be after `to`", path: ["from"] });

export type DeliveryQuery = z.infer<typeof DeliveryQuerySchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; parameter: string; message: string };

const emptyToUndefined = (value: string | null) => (value === null || value.trim() === "" ? undefined : value);

/**
 * Reads the query from URL search params. The page defaults to the failed deliveries
 * (what an operator debugging a sync looks for); the API to every delivery.
 * `range` (page only) is a preset that sets `from` relative to `now`.
 */
export function parseDeliveryQuery(
  params: URLSearchParams,
  options: { defaultOutcome: "failed" | "all"; allowRange?: boolean; now?: number },
): ParseResult<DeliveryQuery & { range?: RangePreset }> {
  let from = emptyToUndefined(params.get("from"));
  let range: RangePreset | undefined;
  if (options.allowRange) {
    const preset = emptyToUndefined(params.get("range"));
    if (preset && preset !== "custom") {
      if (!Object.hasOwn(RANGE_PRESETS, preset)) {
        return { ok: false, parameter: "range", message: `Invalid \`range\`: must be one of ${Object.keys(RANGE_PRESETS).join(", ")} or custom` };
      }
      range = preset as RangePreset;
      from = new Date((options.now ?? Date.now()) - RANGE_PRESETS[range]).toISOString();
    }
  }
  const parsed = DeliveryQuerySchema.safeParse({
    outcome: emptyToUndefined(params.get("outcome")) ?? options.defaultOutcome,
    source: emptyToUndefined(params.get("source")),
    from,
    to: range ? undefined : emptyToUndefined(params.get("to")),
    limit: emptyToUndefined(params.get("limit")),
    cursor: emptyToUndefined(params.get("cursor")),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const parameter = (issue.path[0] as string | undefined) ?? "query";
    return { ok: false, parameter, message: `Invalid \`${parameter}\`: ${issue.message}` };
  }
  return { ok: true, value: { ...parsed.data, range } };
}

/** The outcomes a selection stands for; null means no condition. */
export function outcomesFor(selection: OutcomeSelection): readonly Outcome[] | null {
  if (selection === "all") return null;
  if (selection === "failed") return FAILED_OUTCOMES;
  return [selection];
}
