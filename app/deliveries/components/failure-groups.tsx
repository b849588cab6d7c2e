// Failed deliveries grouped by source and outcome, above the list on /deliveries: how
// many, since when, how they spread over the window, and the action that fixes them.
import { Form, Link, useNavigation } from "@remix-run/react";

import { primaryButtonClass } from "~/components/form-styles";
import { OutcomeBadge, outcomeChartColor } from "~/components/outcome-badge";
import { RelativeTime, Timestamp } from "~/components/time";
import type { FailureGroup, FailureGroups } from "../failure-groups.server";
import type { BulkReverifySummary } from "../reverify.server";
import { BulkSummary } from "./bulk-reverify";

const linkClass = "font-medium text-indigo-700 hover:underline";

/** What the group means and what fixes it, in one sentence. */
function explanation(group: FailureGroup): string {
  switch (group.outcome) {
    case "invalid_signature":
      return "No configured secret produces their signature. Copy the endpoint's signing secret from the Clerk Dashboard into Settings → Sources, then re-verify.";
    case "timestamp_out_of_tolerance":
      return "Signed more than 5 minutes away from the time they arrived: check this server's clock (NTP). Re-verified, they become events flagged as outside the tolerance.";
    case "no_secret":
      return "The source has no signing secret. Add one in Settings → Sources, then re-verify.";
    case "unknown_source":
      return group.sourceExists
        ? "This source has been added since they arrived: re-verify them."
        : `Nothing is configured at /webhooks/${group.source}. Add the source in Settings → Sources (or fix the endpoint URL in Clerk), then re-verify.`;
    case "missing_headers":
      return "Sent without the Svix headers, so not by Svix: check what else posts to this URL. They cannot be re-verified.";
    case "malformed_payload":
      return "The signature is valid but the body is not a Clerk envelope. Nothing to fix on this side; open one to see what was sent.";
    case "body_too_large":
      return "Over the size limit (HOOKLINE_MAX_BODY_BYTES); only the first 64 KiB were kept, so they cannot be re-verified. Raise the limit for the next ones.";
    default:
      return "";
  }
}

/** Whether "Re-verify N" can do anything for this group now. */
function canReverifyGroup(group: FailureGroup): boolean {
  if (!group.reverifiable) return false;
  return group.outcome !== "unknown_source" || group.sourceExists;
}

function windowText(groups: FailureGroups): string {
  if (groups.window === "default") return "Received in the last 7 days";
  if (groups.window === "clipped") return "Received in the last 31 days of the range";
  return "Received in the selected range";
}

export function FailureGroupsPanel({
  failureGroups,
  canReverify,
  listParams,
  summary,
}: {
  failureGroups: FailureGroups;
  canReverify: boolean;
  /** The page's filters, for the "Show these" links. */
  listParams: URLSearchParams;
  summary: BulkReverifySummary | null;
}) {
  const { groups } = failureGroups;
  const stepText = formatStep(failureGroups.stepMs);
  return (
    <section className="mt-4 rounded-lg border border-slate-200 bg-white" aria-labelledby="failure-groups-heading" data-testid="failure-groups">
      <div className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <h2 id="failure-groups-heading" className="text-sm font-semibold text-slate-900">
          Failures by source and outcome
        </h2>
        <p className="text-xs text-slate-600">
          {windowText(failureGroups)}: <Timestamp iso={failureGroups.from} /> to <Timestamp iso={failureGroups.to} />
        </p>
      </div>
      {summary?.outcome ? (
        <div className="px-4 pt-3 text-sm">
          <BulkSummary summary={summary} />
        </div>
      ) : null}
      {groups.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-700" data-testid="failure-groups-empty">
          No delivery failed verification in this window{listParams.get("source") ? ` for ${listParams.get("source")}` : ""}.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {groups.map((group) => (
            <FailureGroupRow key={`${group.source}/${group.outcome}`} group={group} canReverify={canReverify} listParams={listParams} stepText={stepText} />
          ))}
        </ul>
      )}
      {failureGroups.more > 0 ? (
        <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-600">
          {failureGroups.more.toLocaleString("en")} smaller groups are not shown; filter by source to see them.
        </p>
      ) : null}
    </section>
  );
}

function FailureGroupRow({ group, canReverify, listParams, stepText }: { group: FailureGroup; canReverify: boolean; listParams: URLSearchParams; stepText: string }) {
  const navigation = useNavigation();
  const busy =
    navigation.state === "submitting" &&
    navigation.formData?.get("intent") === "reverify-group" &&
    navigation.formData.get("source") === group.source &&
    navigation.formData.get("outcome") === group.outcome;
  const show = new URLSearchParams(listParams);
  show.set("source", group.source);
  show.set("outcome", group.outcome);
  show.delete("cursor");
  const label = `${group.source} · ${group.outcome}`;
  return (
    <li className="grid gap-x-4 gap-y-2 px-4 py-3 md:grid-cols-[minmax(0,1fr)_7.5rem_20rem]" data-testid="failure-group" data-source={group.source} data-outcome={group.outcome}>
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          <span className="max-w-[16rem] truncate font-mono text-sm font-medium text-slate-900" title={group.source}>
            {group.source}
          </span>
          <OutcomeBadge outcome={group.outcome} />
          <span className="whitespace-nowrap text-sm text-slate-700">
            <span className="font-semibold tabular-nums text-slate-900" data-testid="failure-group-count">
              {group.count.toLocaleString("en")}
            </span>{" "}
            {group.count === 1 ? "delivery" : "deliveries"}
          </span>
        </div>
        <p className="mt-1 text-xs text-slate-600">
          First <RelativeTime ms={Date.parse(group.firstSeen)} /> · last <RelativeTime ms={Date.parse(group.lastSeen)} />
        </p>
        <p className="mt-1 max-w-3xl text-sm text-slate-700">{explanation(group)}</p>
      </div>
      <Sparkline values={group.sparkline} color={outcomeChartColor(group.outcome)} label={`${label}: ${group.count} failures, at most ${Math.max(...group.sparkline)} per ${stepText}`} />
      <div className="flex flex-wrap items-center gap-2 md:justify-end">
        {canReverify && canReverifyGroup(group) ? (
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="reverify-group" />
            <input type="hidden" name="source" value={group.source} />
            <input type="hidden" name="outcome" value={group.outcome} />
            <input type="hidden" name="since" value={group.firstSeen} />
            <input type="hidden" name="until" value={group.lastSeen} />
            <button type="submit" disabled={busy} className={primaryButtonClass}>
              {busy ? "Re-verifying…" : `Re-verify ${group.count.toLocaleString("en")}`}
            </button>
          </Form>
        ) : null}
        {["invalid_signature", "no_secret", "unknown_source"].includes(group.outcome) && !(group.outcome === "unknown_source" && group.sourceExists) ? (
          <Link to="/settings/sources" className={`text-sm ${linkClass}`}>
            {group.outcome === "unknown_source" ? "Add the source" : "Settings → Sources"}
          </Link>
        ) : null}
        <Link to={`/deliveries?${show}`} className={`text-sm ${linkClass}`} aria-label={`Show the ${group.count} deliveries of ${label}`}>
          Show these
        </Link>
      </div>
    </li>
  );
}

/** A small bar sparkline in the outcome's colour; the label carries what it shows. */
export function Sparkline({ values, color, label, width = 120, height = 28 }: { values: number[]; color: string; label: string; width?: number; height?: number }) {
  const max = Math.max(1, ...values);
  const step = width / values.length;
  return (
    <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="shrink-0 self-center" data-testid="sparkline">
      <title>{label}</title>
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} stroke="currentColor" className="text-slate-300" strokeWidth={1} />
      {values.map((value, index) =>
        value > 0 ? (
          <rect
            key={index}
            x={index * step + 0.5}
            width={Math.max(1, step - 1)}
            y={height - 1 - Math.max(2, (value / max) * (height - 2))}
            height={Math.max(2, (value / max) * (height - 2))}
            fill={color}
          />
        ) : null,
      )}
    </svg>
  );
}

function formatStep(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(ms / 3_600_000);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
