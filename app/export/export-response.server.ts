// The HTTP answer of an export: audit first when it is raw, then the stream, with the
// server's back-pressure hook and the request's abort signal (client disconnect).
import type { AppLoadContext } from "@remix-run/node";

import { recordAudit } from "~/audit/audit.server";
import type { DatabaseHandle } from "~/db/prisma.server";
import { eventFilterToSearchParams } from "~/events/event-filter";
import { logger } from "~/observability/logger.server";
import { contentTypeOf, exportFileName, exportStream } from "./event-export.server";
import type { ExportRequest } from "./export-request.server";

export async function exportResponse(
  handle: DatabaseHandle,
  input: ExportRequest,
  options: { request: Request; context: AppLoadContext; actor: string; audit: { via: "api" | "web"; tokenId?: string } },
): Promise<Response> {
  const filter = eventFilterToSearchParams(input.query.filter).toString();
  if (input.raw) {
    // NOTE: unmasked payloads and exact bytes, like a reveal: recorded before any leaves the server.
    await recordAudit(handle.db, {
      actor: options.actor,
      action: "events.export.raw",
      subject: null,
      detail: { filter, sort: input.query.sort, dir: input.query.dir, format: input.format, ...options.audit },
    });
  }
  const drained = typeof options.context.drained === "function" ? (options.context.drained as () => Promise<void>) : undefined;
  const gone = typeof options.context.responseGone === "function" ? (options.context.responseGone as () => boolean) : undefined;
  const started = performance.now();
  const body = exportStream(handle, input.query, {
    format: input.format,
    raw: input.raw,
    signal: options.request.signal,
    drained,
    gone,
    onEnd: ({ rows, aborted, error }) => {
      const fields = { rows, format: input.format, raw: input.raw, filter, ms: Math.round(performance.now() - started) };
      if (error) logger.error("export: failed", { ...fields, error: String(error) });
      else if (aborted) logger.info("export: client went away; stopped", fields);
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": contentTypeOf(input.format),
      "Content-Disposition": `attachment; filename="${exportFileName(input.format)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
