// /issues: grouped problems (app/alerts), active ones first; filter by kind and status
// in the URL (a GET form, so a view can be bookmarked).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";

import { IssueStatusBadge, kindLabel } from "~/alerts/components/issue-badges";
import { ISSUE_KINDS, ISSUE_STATUSES } from "~/alerts/issue-kinds";
import { listIssues, toApiIssue } from "~/alerts/issues.server";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";

const Query = z.object({
  status: z.enum([...ISSUE_STATUSES, "active", ""]).optional().catch(undefined),
  kind: z.enum([...ISSUE_KINDS, ""]).optional().catch(undefined),
  cursor: z.string().max(100).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listIssues(db(), { status: query.status || undefined, kind: query.kind || undefined, cursor: query.cursor, limit: 50 });
  return { issues: page.issues.map(toApiIssue), nextCursor: page.nextCursor, filter: { status: query.status ?? "", kind: query.kind ?? "" } };
}

const selectClass = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm";

export default function Issues() {
  const { issues, nextCursor, filter } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1 className="text-xl font-semibold">Issues</h1>
      <p className="mt-1 text-sm text-slate-600">
        Failures grouped by what they are about: one issue per kind and source, target, subscription or event type. They open and resolve by
        themselves; notification channels are in <Link to="/settings/notifications" className="text-indigo-700 underline">Settings</Link>.
      </p>
      <Form method="get" className="mt-4 flex flex-wrap items-end gap-3 text-sm">
        <label>
          Status
          <select name="status" defaultValue={filter.status} className={selectClass}>
            <option value="">All (active first)</option>
            <option value="active">Not resolved</option>
            {ISSUE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select name="kind" defaultValue={filter.kind} className={selectClass}>
            <option value="">Every kind</option>
            {ISSUE_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium">
          Filter
        </button>
      </Form>
      {issues.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
          No issues{filter.status || filter.kind ? " match this filter" : ""}. Hookline checks every few seconds for failed verification,
          failing targets, backlogs, silent sources, billing anomalies and new event types.
        </p>
      ) : (
        // Phones keep three columns (status, issue, count); the kind and last-seen move
        // under the title instead of pushing the table off-screen.
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3">
                  Status
                </th>
                <th scope="col" className="hidden py-2 pr-3 sm:table-cell">
                  Kind
                </th>
                <th scope="col" className="py-2 pr-3">
                  Issue
                </th>
                <th scope="col" className="py-2 pr-3 text-right">
                  Count
                </th>
                <th scope="col" className="hidden py-2 pr-3 sm:table-cell">
                  Last seen
                </th>
              </tr>
            </thead>
            <tbody>
              {issues.map((issue) => (
                <tr key={issue.id} className="border-b border-slate-100 align-top" data-testid="issue-row">
                  <td className="py-2 pr-3">
                    <IssueStatusBadge status={issue.status} />
                  </td>
                  <td className="hidden whitespace-nowrap py-2 pr-3 text-slate-600 sm:table-cell">{kindLabel(issue.kind)}</td>
                  <td className="min-w-0 break-words py-2 pr-3">
                    <Link to={`/issues/${issue.id}`} className="font-medium text-indigo-700 hover:underline">
                      {issue.title}
                    </Link>
                    <div className="mt-0.5 text-xs text-slate-600 sm:hidden">
                      {kindLabel(issue.kind)} · last seen <Timestamp iso={issue.lastSeenAt} />
                    </div>
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">{issue.count}</td>
                  <td className="hidden py-2 pr-3 text-slate-600 sm:table-cell">
                    <Timestamp iso={issue.lastSeenAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <Link
          to={`?${new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), ...(filter.kind ? { kind: filter.kind } : {}), cursor: nextCursor })}`}
          className="mt-4 inline-block text-sm text-indigo-700 underline"
        >
          Next page
        </Link>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Issues · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/issues" backLabel="Back to issues" />;
}
