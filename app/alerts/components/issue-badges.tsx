// Small pieces shared by the issue pages, the overview and the banners.
import { Link } from "@remix-run/react";

import { KIND_INFO, type IssueKind } from "../issue-kinds";

const STATUS_CLASS: Record<string, string> = {
  open: "bg-rose-100 text-rose-800",
  acknowledged: "bg-amber-100 text-amber-800",
  muted: "bg-slate-200 text-slate-700",
  resolved: "bg-emerald-100 text-emerald-800",
};

export function IssueStatusBadge({ status }: { status: string }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_CLASS[status] ?? "bg-slate-100 text-slate-700"}`}>{status}</span>;
}

export function kindLabel(kind: string): string {
  return KIND_INFO[kind as IssueKind]?.label ?? kind;
}

/** "This target has an open issue": shown on the subject's own page. Titles are text, never HTML. */
export function IssueBanner({ issues }: { issues: { id: string; title: string; status: string; kind: string }[] }) {
  if (!issues.length) return null;
  return (
    <div role="status" className="mb-4 rounded-lg border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900" data-testid="issue-banner">
      {issues.map((issue) => (
        <p key={issue.id}>
          <span className="font-semibold">{kindLabel(issue.kind)}</span> ({issue.status}):{" "}
          <Link to={`/issues/${issue.id}`} className="underline">
            {issue.title}
          </Link>
        </p>
      ))}
    </div>
  );
}
