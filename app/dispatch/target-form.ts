// Reads the /targets forms (FormData) into the same input the JSON API takes, so
// both go through TargetCreateSchema / TargetUpdateSchema. Browser-safe.
import type { z } from "zod";

import { parseHeaderLines, splitTypeList, TargetCreateSchema, TargetUpdateSchema } from "./target-input";

export type FormResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? "form");
  return { field, message: `${LABELS[field] ?? field}: ${issue.message}` };
}

export const LABELS: Record<string, string> = {
  name: "Name",
  url: "URL",
  secret: "Signing secret",
  eventTypes: "Event types",
  autoForward: "Auto-forward",
  enabled: "Enabled",
  timeoutMs: "Timeout",
  maxPerSecond: "Max sends per second",
  concurrency: "Concurrency",
  headers: "Extra headers",
};

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};
const number = (form: FormData, name: string) => {
  const value = text(form, name).trim();
  return value === "" ? undefined : Number(value);
};

function headersFrom(form: FormData): FormResult<Record<string, string> | undefined> {
  if (form.get("clearHeaders") === "on") return { ok: true, value: {} };
  const raw = text(form, "headers");
  if (!raw.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: parseHeaderLines(raw) };
  } catch (error) {
    return { ok: false, field: "headers", message: `Extra headers: ${(error as Error).message}` };
  }
}

export function targetCreateFromForm(form: FormData): FormResult<z.infer<typeof TargetCreateSchema>> {
  const headers = headersFrom(form);
  if (!headers.ok) return headers;
  const parsed = TargetCreateSchema.safeParse({
    name: text(form, "name"),
    url: text(form, "url"),
    secret: text(form, "secret").trim() || undefined,
    eventTypes: splitTypeList(text(form, "eventTypes")),
    autoForward: form.get("autoForward") === "on",
    enabled: true,
    timeoutMs: number(form, "timeoutMs"),
    maxPerSecond: number(form, "maxPerSecond") ?? null,
    concurrency: number(form, "concurrency"),
    headers: headers.value ?? {},
  });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, ...firstIssue(parsed.error) };
}

/** The edit form sends every field; empty headers mean "keep the current ones". */
export function targetUpdateFromForm(form: FormData): FormResult<z.infer<typeof TargetUpdateSchema>> {
  const headers = headersFrom(form);
  if (!headers.ok) return headers;
  const parsed = TargetUpdateSchema.safeParse({
    name: text(form, "name"),
    url: text(form, "url"),
    eventTypes: splitTypeList(text(form, "eventTypes")),
    autoForward: form.get("autoForward") === "on",
    timeoutMs: number(form, "timeoutMs"),
    maxPerSecond: number(form, "maxPerSecond") ?? null,
    concurrency: number(form, "concurrency"),
    ...(headers.value !== undefined ? { headers: headers.value } : {}),
  });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, ...firstIssue(parsed.error) };
}
