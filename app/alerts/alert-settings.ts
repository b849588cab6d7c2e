// Per-source and per-target issue thresholds (issue 11: "defaults, settable per source
// or target"). Stored as JSON on the row; anything not set takes the default
// (issue-kinds.ts DEFAULT_THRESHOLDS). Browser-safe.
import { z } from "zod";

import type { Thresholds } from "./issue-kinds";

export const SourceAlertSettingsSchema = z
  .object({
    /** Failed deliveries within the window that open `verification_failures`. */
    verificationFailures: z.number().int().min(1).max(100_000).optional(),
    verificationWindowMinutes: z.number().int().min(1).max(24 * 60).optional(),
    /** `source_silent` after this many minutes without events; null switches it off for this source. */
    silenceMinutes: z.number().int().min(1).max(7 * 24 * 60).nullable().optional(),
  })
  .strict();
export type SourceAlertSettings = z.infer<typeof SourceAlertSettingsSchema>;

export const TargetAlertSettingsSchema = z
  .object({
    /** Failed attempts in a row that open `target_failing`. */
    consecutiveFailures: z.number().int().min(1).max(1000).optional(),
    /** `dispatch_backlog` once the oldest due send waited this long. */
    backlogMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  })
  .strict();
export type TargetAlertSettings = z.infer<typeof TargetAlertSettingsSchema>;

export function parseSourceSettings(text: string | null | undefined): SourceAlertSettings {
  if (!text) return {};
  try {
    return SourceAlertSettingsSchema.parse(JSON.parse(text));
  } catch {
    return {};
  }
}

export function parseTargetSettings(text: string | null | undefined): TargetAlertSettings {
  if (!text) return {};
  try {
    return TargetAlertSettingsSchema.parse(JSON.parse(text));
  } catch {
    return {};
  }
}

/** The thresholds for one source: its own settings over the round's defaults. */
export function sourceThresholds(base: Thresholds, settings: SourceAlertSettings) {
  return {
    verificationFailures: settings.verificationFailures ?? base.verificationFailures,
    verificationWindowMs: settings.verificationWindowMinutes ? settings.verificationWindowMinutes * 60_000 : base.verificationWindowMs,
    silenceMs: settings.silenceMinutes === null ? null : settings.silenceMinutes ? settings.silenceMinutes * 60_000 : base.silenceMs,
  };
}

export function targetThresholds(base: Thresholds, settings: TargetAlertSettings) {
  return {
    consecutiveFailures: settings.consecutiveFailures ?? base.targetConsecutiveFailures,
    backlogAgeMs: settings.backlogMinutes ? settings.backlogMinutes * 60_000 : base.backlogAgeMs,
  };
}
