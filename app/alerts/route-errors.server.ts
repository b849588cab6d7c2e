// How the issue and channel use cases' errors answer the JSON API (forms use formAlertError).
import { json } from "@remix-run/node";

import { apiError, invalidParameter } from "~/api/responses.server";
import { DecryptionError } from "~/secrets/encryption.server";
import { IssueConflictError, IssueInputError, IssueNotFoundError } from "./issues.server";

export function apiAlertError(error: unknown): never {
  if (error instanceof Response) throw error;
  if (error instanceof IssueInputError) throw invalidParameter(error.field, error.message);
  if (error instanceof IssueNotFoundError) throw apiError(404, "not_found", error.message);
  if (error instanceof IssueConflictError || error instanceof DecryptionError) throw apiError(409, "conflict", error.message);
  throw error;
}

/** A known error as a form answer `{ error, field, intent }`; anything else is rethrown. */
export function formAlertError(error: unknown, intent?: string) {
  if (error instanceof Response) throw error;
  if (error instanceof IssueInputError) return json({ error: error.message, field: error.field, intent }, { status: 400 });
  if (error instanceof IssueNotFoundError) return json({ error: error.message, field: null, intent }, { status: 404 });
  if (error instanceof IssueConflictError || error instanceof DecryptionError) return json({ error: error.message, field: null, intent }, { status: 409 });
  throw error;
}
