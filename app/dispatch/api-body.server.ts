// Reading JSON bodies for the dispatch API: a 400 naming the field for anything that
// does not fit, never a 500.
import type { z } from "zod";

import { apiError, zodErrorResponse } from "~/api/responses.server";
import type { ApiPrincipal } from "~/auth/tokens.server";

export async function readJsonBody<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw apiError(400, "invalid_body", "The body is not valid JSON (send Content-Type: application/json).");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // `.strict()` reports unknown keys without a path; name them.
    if (issue?.code === "unrecognized_keys") {
      throw apiError(400, "invalid_body", `Unknown field \`${issue.keys[0]}\`.`, { parameter: issue.keys[0] });
    }
    throw zodErrorResponse(parsed.error, "invalid_body");
  }
  return parsed.data;
}

/** Who an API call acts as, in the audit log and on jobs. */
export function apiActor(principal: ApiPrincipal): string {
  return `token:${principal.name}`;
}
