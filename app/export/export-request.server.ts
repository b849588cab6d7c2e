// The export's URL, shared by `GET /api/v1/events/export` and the /events page's
// Export (`/events/export`): the event list's filters, `sort` and `dir`, plus
// `format=ndjson|csv` and `raw=1`. Validation happens before the answer starts, so a
// bad parameter is a 400, never a broken download.
import { z } from "zod";

import { parseEventListQuery, type ParseResult } from "~/events/event-filter";
import { EXPORT_FORMATS, type ExportFormat, type ExportQuery } from "./event-export.server";

export const EXPORT_PARAMETERS = ["type", "outcome", "source", "resource", "q", "from", "to", "sort", "dir", "format", "raw"] as const;

const Format = z.enum(EXPORT_FORMATS, { message: "must be ndjson or csv" }).default("ndjson");
const Raw = z
  .enum(["1", "0", "true", "false"], { message: "must be 1 or 0" })
  .optional()
  .transform((value) => value === "1" || value === "true");

export interface ExportRequest {
  query: ExportQuery;
  format: ExportFormat;
  raw: boolean;
}

export function parseExportRequest(params: URLSearchParams): ParseResult<ExportRequest> {
  const format = Format.safeParse(params.get("format") || undefined);
  if (!format.success) return { ok: false, parameter: "format", message: `Invalid \`format\`: ${format.error.issues[0]!.message}` };
  const raw = Raw.safeParse(params.get("raw") || undefined);
  if (!raw.success) return { ok: false, parameter: "raw", message: `Invalid \`raw\`: ${raw.error.issues[0]!.message}` };
  const listParams = new URLSearchParams(params);
  listParams.delete("format");
  listParams.delete("raw");
  listParams.delete("limit");
  listParams.delete("cursor");
  const parsed = parseEventListQuery(listParams);
  if (!parsed.ok) return parsed;
  const { filter, sort, dir } = parsed.value;
  return { ok: true, value: { query: { filter, sort, dir }, format: format.data, raw: raw.data } };
}
