// The subscription list's URL parameters (`status`, `page`). Browser-safe, so the page's
// filter form offers exactly what the loader accepts.
import { z } from "zod";

import { SUBSCRIPTION_STATUSES } from "./billing-timeline";

/** "unknown": only items or payments of the subscription are stored, never the subscription. */
export const SUBSCRIPTION_FILTER_STATUSES = [...SUBSCRIPTION_STATUSES, "unknown"] as const;

/** With a status filter, the list looks at this many of the most recently active subscriptions. */
export const STATUS_SCAN_LIMIT = 5000;

export const SubscriptionListQuerySchema = z.object({
  status: z.enum(SUBSCRIPTION_FILTER_STATUSES, { message: `must be one of ${SUBSCRIPTION_FILTER_STATUSES.join(", ")}` }).optional(),
  page: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(10_000, "must be at most 10000").default(1),
});
export type SubscriptionListQuery = z.infer<typeof SubscriptionListQuerySchema>;
