// Dispatch settings from the environment, validated when the worker starts:
//   HOOKLINE_RETRY_SCHEDULE            e.g. "5s,5m,30m,2h,5h,10h,10h" (the default), "100ms,200ms" in tests, "none"
//   HOOKLINE_TARGET_ALLOWLIST          hosts, *.domains, IPs or CIDRs targets are limited to (unset: any host)
//   HOOKLINE_DISPATCH_LEASE_MARGIN_MS  how long past its timeout a claimed send is held before another worker retakes it
import { parseAllowlist, type TargetAllowlist } from "./outbound-policy.server";
import { parseRetrySchedule } from "./retry-schedule";

export interface DispatchConfig {
  retrySchedule: number[];
  allowlist: TargetAllowlist | null;
  leaseMarginMs: number;
}

export class DispatchConfigError extends Error {}

export function dispatchConfig(source: NodeJS.ProcessEnv = process.env): DispatchConfig {
  const read = <T>(name: string, parse: (value: string | undefined) => T): T => {
    try {
      return parse(source[name]?.trim() || undefined);
    } catch (error) {
      throw new DispatchConfigError(`${name}: ${(error as Error).message.replace(/^HOOKLINE_TARGET_ALLOWLIST: /, "")}`);
    }
  };
  return {
    retrySchedule: read("HOOKLINE_RETRY_SCHEDULE", parseRetrySchedule),
    allowlist: read("HOOKLINE_TARGET_ALLOWLIST", parseAllowlist),
    leaseMarginMs: read("HOOKLINE_DISPATCH_LEASE_MARGIN_MS", (value) => {
      if (value === undefined) return 10_000;
      const ms = Number(value);
      if (!Number.isInteger(ms) || ms < 10 || ms > 600_000) throw new Error("must be a whole number of milliseconds, 10 to 600000");
      return ms;
    }),
  };
}

/** The allowlist for checking target URLs in routes; a broken setting refuses every URL rather than none. */
export function currentAllowlist(): TargetAllowlist | null {
  return dispatchConfig().allowlist;
}
