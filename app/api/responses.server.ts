// JSON answers for the `/api/v1` routes: one error shape for every failure, and a
// wrapper that turns whatever a handler throws into it. Clients get
// `{ error, message, ...extra }` with a 4xx naming the problem, never an HTML page
// or a stack trace.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { ZodError } from "zod";

import { isDatabaseUnavailable } from "~/db/database-errors";
import { logger } from "~/observability/logger.server";

export type ApiErrorCode =
  | "invalid_parameter"
  | "invalid_body"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "method_not_allowed"
  | "internal_error"
  | (string & {});

/** A JSON error response: `{ error: code, message, ...extra }`. Throw it or return it. */
export function apiError(status: number, code: ApiErrorCode, message: string, extra?: Record<string, unknown>): Response {
  return json({ error: code, message, ...extra }, { status, headers: { "Cache-Control": "no-store" } });
}

/** 400 naming the query parameter (or body field) that was wrong. */
export function invalidParameter(parameter: string, message: string): Response {
  return apiError(400, "invalid_parameter", message, { parameter });
}

/** The value of a `{ ok, value } | { ok: false, parameter, message }` parse, or a thrown 400 naming the parameter. */
export function valueOrInvalid<T>(result: { ok: true; value: T } | { ok: false; parameter: string; message: string }): T {
  if (!result.ok) throw invalidParameter(result.parameter, result.message);
  return result.value;
}

/** Refuses query parameters the endpoint does not know, so a typo (`typ=`) is not silently "no filter". */
export function rejectUnknownParameters(params: URLSearchParams, known: readonly string[]) {
  for (const name of params.keys()) {
    if (!known.includes(name)) {
      throw invalidParameter(name, `Unknown parameter \`${name}\`. This endpoint takes: ${known.join(", ")}.`);
    }
  }
}

export function notFound(message: string): Response {
  return apiError(404, "not_found", message);
}

/** A successful JSON answer; API reads are per-caller, so nothing is cached. */
export function apiJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return json(body, { status: init.status ?? 200, headers: { "Cache-Control": "no-store", ...init.headers } });
}

/** The first issue of a ZodError as a 400: the parameter is the issue's top-level path. */
export function zodErrorResponse(error: ZodError, code: "invalid_parameter" | "invalid_body" = "invalid_parameter"): Response {
  const issue = error.issues[0];
  const parameter = issue?.path.filter((p) => typeof p === "string").join(".") || "query";
  const message = `Invalid \`${parameter}\`: ${issue?.message ?? "invalid value"}`;
  return apiError(400, code, message, { parameter });
}

async function asJsonError(response: Response): Promise<Response> {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("application/json")) return response;
  // A plain-text Response (e.g. a 403 from a page helper) gets the API's JSON shape.
  const text = (await response.text().catch(() => "")).slice(0, 500);
  const code = response.status === 401 ? "unauthorized" : response.status === 403 ? "forbidden" : response.status === 404 ? "not_found" : "error";
  return apiError(response.status, code, text || response.statusText || `HTTP ${response.status}`);
}

type Handler<Args> = (args: Args) => Promise<Response> | Response;

/**
 * Wraps an API loader or action: thrown Responses (from requireApiToken, apiError...)
 * are answered as JSON, ZodErrors as 400 `invalid_parameter`, a busy or unreachable
 * database as 503 with Retry-After, anything else as a logged 500 carrying the
 * request id instead of a stack trace.
 */
export function withApi<Args extends Pick<LoaderFunctionArgs, "request"> = LoaderFunctionArgs>(handler: Handler<Args>) {
  return async (args: Args): Promise<Response> => {
    try {
      const response = await handler(args);
      return response.status >= 400 ? await asJsonError(response) : response;
    } catch (error) {
      if (error instanceof Response) return asJsonError(error);
      if (error instanceof ZodError) return zodErrorResponse(error);
      const requestId = args.request.headers.get("x-request-id");
      if (isDatabaseUnavailable(error)) {
        logger.warn("api: database busy or unavailable; answered 503", { path: new URL(args.request.url).pathname, requestId, error: String(error) });
        const busy = apiError(503, "database_unavailable", "The database is busy or unavailable; retry in a moment.", requestId ? { requestId } : undefined);
        busy.headers.set("Retry-After", "2");
        return busy;
      }
      logger.error("api: unhandled error", { path: new URL(args.request.url).pathname, requestId, error: String(error) });
      return apiError(500, "internal_error", "Something went wrong on the server.", requestId ? { requestId } : undefined);
    }
  };
}
