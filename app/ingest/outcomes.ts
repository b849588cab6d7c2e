// The verification outcomes and the HTTP status each answers (DESIGN.md contract).
export const OUTCOME_STATUS = {
  verified: 200,
  duplicate: 200,
  missing_headers: 400,
  invalid_signature: 401,
  timestamp_out_of_tolerance: 401,
  malformed_payload: 400,
  no_secret: 503,
  unknown_source: 404,
  body_too_large: 413,
} as const;

export type Outcome = keyof typeof OUTCOME_STATUS;

export const OUTCOMES = Object.keys(OUTCOME_STATUS) as Outcome[];

/** Outcomes whose delivery became (or joined) an event. */
export const ACCEPTED_OUTCOMES: readonly Outcome[] = ["verified", "duplicate"];

export function isOutcome(value: string): value is Outcome {
  return Object.hasOwn(OUTCOME_STATUS, value);
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  verified: "Verified",
  duplicate: "Duplicate",
  missing_headers: "Missing headers",
  invalid_signature: "Invalid signature",
  timestamp_out_of_tolerance: "Timestamp out of tolerance",
  malformed_payload: "Malformed payload",
  no_secret: "No secret configured",
  unknown_source: "Unknown source",
  body_too_large: "Body too large",
};
