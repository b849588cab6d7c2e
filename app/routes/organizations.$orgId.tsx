// /organizations/:orgId: what is known about one organization from its events: the
// current state, members, invitations and domains, membership changes over time,
// field-by-field updates, and the timeline of every event that names it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import { Card, CategoryFilter, Pagination, TimelineList, TimelineOrder } from "~/components/lifecycle-ui";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";
import { MemberHistoryCard, OrganizationUpdatesCard } from "~/lifecycle/components/organization-history";
import { DomainsCard, InvitationsCard, MembersCard } from "~/lifecycle/components/organization-people";
import { OrganizationStateCard } from "~/lifecycle/components/organization-state-card";
import { InvalidTimelineCursorError } from "~/lifecycle/lifecycle-query.server";
import { loadOrganizationLifecycle } from "~/lifecycle/organization-lifecycle.server";
import { ORGANIZATION_CATEGORIES } from "~/lifecycle/timeline-categories";
import { parseTimelineQuery, ResourceIdSchema } from "~/lifecycle/timeline-query";

const PAGE_SIZE = 100;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  const orgId = ResourceIdSchema.safeParse(params.orgId);
  if (!orgId.success) throw new Response(`Invalid organization id: ${orgId.error.issues[0]!.message}.`, { status: 400 });
  const query = parseTimelineQuery(new URL(request.url).searchParams, { categories: ORGANIZATION_CATEGORIES, defaultDir: "desc", defaultLimit: PAGE_SIZE });
  if (!query.ok) throw new Response(query.message, { status: 400 });
  try {
    return { lifecycle: await loadOrganizationLifecycle(database(), orgId.data, query.value), query: query.value };
  } catch (error) {
    if (error instanceof InvalidTimelineCursorError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

export default function OrganizationPage() {
  const { lifecycle, query } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { state, timeline, organizationId, memberHistory, updates } = lifecycle;
  const profile = state.profile;

  return (
    <div>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <div className="min-w-0">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Organization</p>
          <h1 className="flex flex-wrap items-center gap-2 break-words text-xl font-semibold">
            {profile?.name ?? <span className="break-all font-mono">{organizationId}</span>}
            {state.deleted ? <span className="rounded-full bg-rose-100 px-2 py-0.5 text-xs font-semibold text-rose-800">Deleted</span> : null}
          </h1>
          {profile?.name ? <p className="break-all font-mono text-xs text-slate-600">{organizationId}</p> : null}
        </div>
        <div className="flex items-center gap-3">
          {navigation.state === "loading" ? <span className="text-sm text-slate-500">Loading…</span> : null}
          <Link to={`/events?resource=${encodeURIComponent(organizationId)}`} className="text-sm font-medium text-indigo-700 hover:underline">
            All events in the event list →
          </Link>
        </div>
      </div>

      {timeline.total === 0 ? (
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
          <h2 className="text-base font-semibold">No events mention this organization</h2>
          <p className="mt-2 max-w-2xl text-sm text-slate-700">
            Check the id (it starts with <code>org_</code>). Organization, membership, invitation and domain events name it once Clerk sends them.
          </p>
        </div>
      ) : (
        <div className="mt-4 grid gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
          <div className="min-w-0 space-y-4">
            <OrganizationStateCard state={state} />
            <MembersCard state={state} />
            <InvitationsCard invitations={state.invitations} />
            <DomainsCard domains={state.domains} />
          </div>

          <div className="min-w-0 space-y-4">
            <MemberHistoryCard memberHistory={memberHistory} />
            <OrganizationUpdatesCard updates={updates} />
            <Card
              title={`Timeline · ${timeline.total.toLocaleString("en")} events`}
              id="timeline"
              testId="timeline-card"
              actions={<TimelineOrder dir={query.dir} sort={query.sort} />}
            >
              <CategoryFilter categories={ORGANIZATION_CATEGORIES} counts={timeline.counts} total={timeline.total} active={query.category} />
              <div className="mt-3">
                <TimelineList entries={timeline.events} emptyText="No events in this category." />
              </div>
              <Pagination nextCursor={timeline.nextCursor} firstPage={!query.cursor} />
            </Card>
          </div>
        </div>
      )}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.lifecycle.state.profile?.name ?? data?.lifecycle.organizationId ?? "Organization"} · Hookline` },
];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
