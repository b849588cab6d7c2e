// Forwarding targets over the last 24 hours: success rate, attempts and backlog.
import { Link } from "@remix-run/react";

import type { TargetHealth } from "../overview.server";

export function TargetsHealth({ targets }: { targets: TargetHealth[] }) {
  if (targets.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No targets yet. <Link className="text-indigo-700 underline" to="/targets">Add one</Link> to forward or replay events to
        your consumer.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Forwarding targets, last 24 hours</caption>
        <thead className="text-left text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th className="py-1">Target</th>
            <th className="py-1">Success</th>
            <th className="py-1 text-right">Attempts</th>
            <th className="py-1 text-right">Backlog</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {targets.map((target) => (
            <tr key={target.id}>
              <td className="max-w-[12rem] truncate py-1.5">
                <Link className="font-medium text-indigo-700 hover:underline" to={`/targets/${target.id}`}>
                  {target.name}
                </Link>
                {!target.enabled ? <span className="ml-1 text-xs text-slate-600">(disabled)</span> : null}
              </td>
              <td className="py-1.5">
                {target.successRate === null ? (
                  <span className="text-slate-600">no attempts</span>
                ) : (
                  <div className="flex items-center gap-2">
                    <div className="h-2 w-24 overflow-hidden rounded bg-red-100" aria-hidden>
                      <div className="h-full bg-emerald-500" style={{ width: `${Math.round(target.successRate * 100)}%` }} />
                    </div>
                    <span className="tabular-nums">{(target.successRate * 100).toFixed(1)}%</span>
                  </div>
                )}
              </td>
              <td className="py-1.5 text-right tabular-nums">{target.attempts24h.toLocaleString("en")}</td>
              <td className={`py-1.5 text-right tabular-nums ${target.backlog > 0 ? "font-semibold text-amber-700" : ""}`}>{target.backlog.toLocaleString("en")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
