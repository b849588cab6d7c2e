// How the dispatch use cases' errors answer: forms get `{ error, field }` with a 4xx
// (the page shows the message beside the form), the API gets its JSON error shape.
import { json } from "@remix-run/node";

import { apiError, invalidParameter } from "~/api/responses.server";
import { DecryptionError } from "~/secrets/encryption.server";
import { DispatchConflictError, DispatchInputError, DispatchNotFoundError } from "./dispatch-errors";

export interface FormFailure {
  error: string;
  field: string | null;
  intent?: string;
}

export function formFailure(message: string, field: string | null, status = 400, intent?: string) {
  return json<FormFailure>({ error: message, field, intent }, { status });
}

/** A known dispatch error as a form answer; anything else is rethrown (a real 500). */
export function formError(error: unknown, intent?: string) {
  if (error instanceof DispatchInputError) return formFailure(error.message, error.field, 400, intent);
  if (error instanceof DispatchConflictError) return formFailure(error.message, null, 409, intent);
  if (error instanceof DispatchNotFoundError) return formFailure(error.message, null, 404, intent);
  if (error instanceof DecryptionError) return formFailure(error.message, null, 409, intent);
  throw error;
}

/** A known dispatch error as an API answer; anything else is rethrown (withApi logs it as a 500). */
export function apiDispatchError(error: unknown): never {
  if (error instanceof DispatchInputError) throw invalidParameter(error.field, error.message);
  if (error instanceof DispatchConflictError) throw apiError(409, "conflict", error.message);
  if (error instanceof DispatchNotFoundError) throw apiError(404, "not_found", error.message);
  if (error instanceof DecryptionError) throw apiError(409, "conflict", error.message);
  throw error;
}
