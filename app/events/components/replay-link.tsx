import { Link } from "@remix-run/react";

import { secondaryButtonClass } from "~/components/form-styles";
import { useSettled } from "./use-settled";

/**
 * "Replay these N events": only under a filter (replaying everything is a deliberate
 * act on /replays/new), and counting the rows live mode has added since the page loaded.
 */
export function ReplayLink({ count, filterSearch, liveCount }: { count: Promise<number> | null; filterSearch: string; liveCount: number }) {
  const settled = useSettled(count);
  if (!filterSearch || settled === undefined) return null;
  const n = settled + liveCount;
  if (n === 0) return null;
  return (
    <Link to={`/replays/new?${filterSearch}`} className={secondaryButtonClass} data-testid="replay-link">
      Replay these {n.toLocaleString("en")} events
    </Link>
  );
}
