// The top of /targets/:id: breadcrumb, name with its state badges, URL and settings line.
import { Link } from "@remix-run/react";

import { IssueBanner } from "~/alerts/components/issue-badges";
import type { ApiTarget } from "../target.server";

export function TargetHeader({
  target,
  issues,
  loading,
}: {
  target: ApiTarget;
  issues: React.ComponentProps<typeof IssueBanner>["issues"];
  loading: boolean;
}) {
  return (
    <>
      <nav className="text-sm text-slate-500" aria-label="Breadcrumb">
        <Link to="/targets" className="hover:underline">
          Targets
        </Link>{" "}
        / <span className="break-words text-slate-700">{target.name}</span>
      </nav>
      <IssueBanner issues={issues} />
      <div className="mt-1 flex flex-wrap items-baseline gap-3">
        <h1 className="min-w-0 break-words text-xl font-semibold">{target.name}</h1>
        {!target.enabled ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">disabled</span> : null}
        {target.autoForward ? <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-700">auto-forward</span> : null}
        {loading ? <span className="text-sm text-slate-500">Loading…</span> : null}
      </div>
      <p className="mt-1 break-all font-mono text-sm text-slate-600">{target.url}</p>
      <p className="mt-1 text-xs text-slate-500">
        {target.eventTypes.length ? `Types: ${target.eventTypes.join(", ")}` : "All event types"} · timeout {target.timeoutMs} ms ·{" "}
        {target.maxPerSecond ? `at most ${target.maxPerSecond}/s` : "no rate limit"} · concurrency {target.concurrency}
        {target.headerNames.length ? ` · extra headers: ${target.headerNames.join(", ")}` : ""}
      </p>
    </>
  );
}
