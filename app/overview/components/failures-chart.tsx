// Verification failures per hour by outcome: the chips and the bars take their colours
// from one palette (app/components/outcome-badge.tsx), so a colour means one outcome.
import { Link } from "@remix-run/react";

import { HourlyChart } from "~/components/hourly-chart";
import { OutcomeBadge, outcomeChartColor } from "~/components/outcome-badge";
import { isOutcome, OUTCOME_LABELS } from "~/ingest/outcomes";
import type { HourBucket } from "../overview.server";

const outcomeLabel = (key: string) => (isOutcome(key) ? OUTCOME_LABELS[key] : key);

export function FailuresChart({ outcomes, series, total }: { outcomes: string[]; series: HourBucket[]; total: number }) {
  if (total === 0) return <p className="text-sm text-slate-600">Every delivery in this window verified.</p>;
  return (
    <>
      <div className="mb-2 flex flex-wrap gap-2" data-testid="failure-outcomes">
        {outcomes.map((outcome) => (
          <Link key={outcome} to={`/deliveries?outcome=${outcome}`} aria-label={`Show the ${outcome} deliveries`}>
            <OutcomeBadge outcome={outcome} />
          </Link>
        ))}
      </div>
      <HourlyChart series={series} keys={outcomes} color={outcomeChartColor} nameFor={outcomeLabel} label="Verification failures per hour by outcome" height={180} />
    </>
  );
}
