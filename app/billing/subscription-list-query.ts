// The subscription list's URL parameters (`status`, `cursor`). Browser-safe, so the
// page's filter form offers exactly what the loader accepts.
import { z } from "zod";

import { SUBSCRIPTION_STATUSES } from "./billing-timeline";

/** "unknown": only items or payments of the subscription are stored, never the subscription. */
export const SUBSCRIPTION_FILTER_STATUSES = [...SUBSCRIPTION_STATUSES, "unknown"] as const;

/** With a status filter, one page looks at up to this many subscriptions (most recently active first). */
export const STATUS_SCAN_LIMIT = 1000;

export const SubscriptionListQuerySchema = z.object({
  status: z.enum(SUBSCRIPTION_FILTER_STATUSES, { message: `must be one of ${SUBSCRIPTION_FILTER_STATUSES.join(", ")}` }).optional(),
  cursor: z
    .string()
    .max(200, "is too long")
    .regex(/^[A-Za-z0-9_-]+$/, "must be the cursor of a previous page")
    .optional(),
});
export type SubscriptionListQuery = z.infer<typeof SubscriptionListQuerySchema>;
