// The top of /issues/:id: breadcrumb, title and status, then what it is about and when.
import { Link } from "@remix-run/react";

import { Timestamp } from "~/components/time";
import type { ApiIssue } from "../issues.server";
import { IssueStatusBadge, kindLabel } from "./issue-badges";

type IssueFacts = Pick<ApiIssue, "kind" | "title" | "status" | "subject" | "count" | "firstSeenAt" | "lastSeenAt" | "mutedUntil" | "resolvedAt">;

export function IssueHeader({ issue }: { issue: IssueFacts }) {
  return (
    <>
      <nav className="text-sm text-slate-500" aria-label="Breadcrumb">
        <Link to="/issues" className="hover:underline">
          Issues
        </Link>{" "}
        / {kindLabel(issue.kind)}
      </nav>
      <div className="mt-2 flex flex-wrap items-start gap-3">
        <h1 className="min-w-0 break-words text-xl font-semibold" data-testid="issue-title">
          {issue.title}
        </h1>
        <span data-testid="issue-status">
          <IssueStatusBadge status={issue.status} />
        </span>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <Fact label="Subject">
          <span className="break-all font-mono text-xs">
            {issue.subject.type} {issue.subject.id}
          </span>
        </Fact>
        <Fact label="Count">
          <span className="tabular-nums">{issue.count}</span>
        </Fact>
        <Fact label="First seen">
          <Timestamp iso={issue.firstSeenAt} />
        </Fact>
        <Fact label="Last seen">
          <Timestamp iso={issue.lastSeenAt} />
        </Fact>
        {issue.mutedUntil ? (
          <Fact label="Muted until">
            <Timestamp iso={issue.mutedUntil} />
          </Fact>
        ) : null}
        {issue.resolvedAt ? (
          <Fact label="Resolved">
            <Timestamp iso={issue.resolvedAt} />
          </Fact>
        ) : null}
      </dl>
    </>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-slate-500">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
