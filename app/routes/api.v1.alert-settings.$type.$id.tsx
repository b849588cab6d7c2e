// Issue thresholds of one source or target, over the defaults (README "Alerts").
// GET /api/v1/alert-settings/sources/:slug (viewer), PUT (admin): { verificationFailures?,
//   verificationWindowMinutes?, silenceMinutes? (null: no source_silent for it) }.
// GET /api/v1/alert-settings/targets/:id (viewer), PUT (operator): { consecutiveFailures?, backlogMinutes? }.
// PUT replaces what was set; {} goes back to the defaults. Audited.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { apiError, apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { SourceAlertSettingsSchema, TargetAlertSettingsSchema } from "~/alerts/alert-settings";
import { DEFAULT_THRESHOLDS } from "~/alerts/issue-kinds";
import { apiAlertError } from "~/alerts/route-errors.server";
import { getSourceAlertSettings, getTargetAlertSettings, setSourceAlertSettings, setTargetAlertSettings } from "~/alerts/set-alert-settings.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";
import { apiActor, readJsonBody } from "~/dispatch/api-body.server";

const defaults = {
  sources: {
    verificationFailures: DEFAULT_THRESHOLDS.verificationFailures,
    verificationWindowMinutes: DEFAULT_THRESHOLDS.verificationWindowMs / 60_000,
    silenceMinutes: DEFAULT_THRESHOLDS.silenceMs / 60_000,
  },
  targets: { consecutiveFailures: DEFAULT_THRESHOLDS.targetConsecutiveFailures, backlogMinutes: DEFAULT_THRESHOLDS.backlogAgeMs / 60_000 },
};

function kindOf(type: string | undefined): "sources" | "targets" {
  if (type === "sources" || type === "targets") return type;
  throw apiError(404, "not_found", "Use /api/v1/alert-settings/sources/:slug or /api/v1/alert-settings/targets/:id.");
}

export const loader = withApi(async ({ request, params }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  rejectUnknownParameters(new URL(request.url).searchParams, []);
  const type = kindOf(params.type);
  try {
    const settings = type === "sources" ? await getSourceAlertSettings(db(), String(params.id)) : await getTargetAlertSettings(db(), String(params.id));
    return apiJson({ settings, defaults: defaults[type] });
  } catch (error) {
    apiAlertError(error);
  }
});

export const action = withApi(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "PUT") throw apiError(405, "method_not_allowed", "Use GET or PUT.");
  const type = kindOf(params.type);
  const principal = await requireApiToken(request, type === "sources" ? "admin" : "operator");
  try {
    if (type === "sources") {
      const input = await readJsonBody(request, SourceAlertSettingsSchema);
      return apiJson({ settings: await setSourceAlertSettings(db(), String(params.id), input, apiActor(principal)), defaults: defaults.sources });
    }
    const input = await readJsonBody(request, TargetAlertSettingsSchema);
    return apiJson({ settings: await setTargetAlertSettings(db(), String(params.id), input, apiActor(principal)), defaults: defaults.targets });
  } catch (error) {
    apiAlertError(error);
  }
});
