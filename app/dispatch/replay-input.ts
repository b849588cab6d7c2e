// The body of `POST /api/v1/replays` (DESIGN.md: targetId, eventIds?, filter?, order?,
// maxPerSecond?) plus Hookline's extras. Browser-safe.
import { z } from "zod";

import { JOB_ORDERS } from "./dispatch-status";

/**
 * "all" sends every selected event; "latest" sends, for each resource the filter
 * selects, only its latest event (a `*.deleted` for a deleted one): rebuilding a
 * consumer that lost its database.
 */
export const REPLAY_MODES = ["all", "latest"] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

/** Explicit selections are planned in one go, so they are bounded; use a filter beyond this. */
export const MAX_EVENT_IDS = 10_000;

const isoDate = z
  .string()
  .trim()
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 date-time, e.g. 2026-11-23T02:10:00Z")
  .transform((value) => new Date(value));

export const ReplayRequestSchema = z
  .object({
    targetId: z.string({ required_error: "is required" }).trim().min(1, "is required").max(100),
    eventIds: z
      .array(z.string().trim().min(1).max(100), { invalid_type_error: "must be an array of event ids" })
      .min(1, "must name at least one event")
      .max(MAX_EVENT_IDS, `at most ${MAX_EVENT_IDS} ids; use a filter for more`)
      .optional(),
    /** The event list's filter names; validated by parseEventFilter. */
    filter: z.record(z.unknown(), { invalid_type_error: "must be an object like { \"type\": [\"user.*\"] }" }).optional(),
    /** "latest": only each selected resource's latest event (rebuild a consumer). */
    mode: z.enum(REPLAY_MODES, { message: `must be one of ${REPLAY_MODES.join(", ")}` }).default("all"),
    order: z.enum(JOB_ORDERS, { message: `must be one of ${JOB_ORDERS.join(", ")}` }).default("timestamp"),
    maxPerSecond: z
      .number({ invalid_type_error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(1000, "must be at most 1000")
      .nullable()
      .default(null),
    /** Send with fresh svix-ids instead of the originals (consumers will not dedupe them). */
    newSvixId: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
    /**
     * False: leave out the selected events whose type the target does not subscribe to
     * (its `eventTypes`), as /replays/new does by default. Absent or true: send them all.
     */
    includeOutsideTypes: z.boolean({ invalid_type_error: "must be true or false" }).optional(),
    /** Outage recovery: only events this target never received successfully... */
    onlyUndelivered: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
    /** ...including those never sent to it at all. */
    includeNeverSent: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
    /** "Retry all failed since T": events whose sends to the target failed since then. */
    retryFailedSince: isoDate.optional(),
  })
  .strict();

export type ReplayRequest = z.infer<typeof ReplayRequestSchema>;
