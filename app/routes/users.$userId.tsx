// A user's page for support: who they are in one line, then their timeline (search it,
// jump to a date), the current state beside it, and the field history last.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import { Card, CategoryFilter, EmailText, Inferred, Pagination, TimelineList, TimelineOrder, UtcTime } from "~/components/lifecycle-ui";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";
import { FieldHistory } from "~/lifecycle/components/field-history";
import { TimelineTools } from "~/lifecycle/components/timeline-tools";
import { BillingCard, OrganizationsCard, SessionsCard, UserStateCard } from "~/lifecycle/components/user-state-cards";
import { InvalidTimelineCursorError } from "~/lifecycle/lifecycle-query.server";
import { USER_CATEGORIES } from "~/lifecycle/timeline-categories";
import { parseTimelineQuery, ResourceIdSchema } from "~/lifecycle/timeline-query";
import { loadUserLifecycle } from "~/lifecycle/user-lifecycle.server";
import { USER_HISTORY_LIMIT } from "~/lifecycle/user-state";

const PAGE_SIZE = 100;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  const userId = ResourceIdSchema.safeParse(params.userId);
  if (!userId.success) throw new Response(`Invalid user id: ${userId.error.issues[0]!.message}.`, { status: 400 });
  const query = parseTimelineQuery(new URL(request.url).searchParams, { categories: USER_CATEGORIES, defaultDir: "desc", defaultLimit: PAGE_SIZE });
  if (!query.ok) throw new Response(query.message, { status: 400 });
  try {
    const lifecycle = await loadUserLifecycle(database(), userId.data, query.value);
    return { lifecycle, query: query.value };
  } catch (error) {
    if (error instanceof InvalidTimelineCursorError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

export default function UserPage() {
  const { lifecycle, query } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { state, timeline, fieldHistory, userId, createdOrganizations } = lifecycle;
  const profile = state.profile;
  const filtered = Boolean(query.q || query.at);

  if (timeline.total === 0 && !filtered && !query.cursor) {
    return (
      <div>
        <Header userId={userId} name={null} deleted={false} />
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
          <h2 className="text-base font-semibold">No events mention this user</h2>
          <p className="mt-2 max-w-2xl text-sm text-slate-700">
            Hookline has stored no <code>user.*</code>, session, membership, email, SMS or billing event for <code className="font-mono">{userId}</code>. Check
            the id (it starts with <code>user_</code>), or search by name or email address in the box at the top. Events older than the retention period are
            pruned.
          </p>
          <Link to={`/events?resource=${encodeURIComponent(userId)}`} className="mt-3 inline-block text-sm font-medium text-indigo-700 hover:underline">
            Look for the id in the event list →
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div>
      <Header userId={userId} name={profile?.name ?? profile?.primaryEmail ?? null} deleted={state.deleted} />
      {profile ? (
        <p className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700" data-testid="user-summary">
          <span>
            {profile.primaryEmail ? <EmailText value={profile.primaryEmail} /> : <span className="text-slate-600">no email stored</span>}
            {profile.primaryEmailInferred || (state.profileSource !== "user_event" && profile.primaryEmail) ? (
              <Inferred why={profile.primaryEmailInferred ? "The event names no primary_email_address_id; the first address is taken as primary." : state.inferred.join(" ")} />
            ) : null}
          </span>
          {profile.createdAt ? (
            <span>
              signed up <UtcTime ms={profile.createdAt} />
            </span>
          ) : null}
          {profile.lastSignInAt ? (
            <span>
              last sign-in <UtcTime ms={profile.lastSignInAt} />
            </span>
          ) : null}
        </p>
      ) : null}
      {navigation.state === "loading" ? (
        <p role="status" className="mt-1 text-sm text-slate-600">
          Loading…
        </p>
      ) : null}

      <div className="mt-4 grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
        <div className="min-w-0">
          <Card
            title={`Timeline · ${timeline.total.toLocaleString("en")} ${filtered && query.q ? "matching " : ""}event${timeline.total === 1 ? "" : "s"}`}
            id="timeline"
            testId="timeline-card"
            actions={<TimelineOrder dir={query.dir} sort={query.sort} />}
          >
            <TimelineTools q={query.q ?? null} at={query.at ?? null} dir={query.dir} />
            <div className="mt-3">
              <CategoryFilter categories={USER_CATEGORIES} counts={timeline.counts} total={timeline.total} active={query.category} />
            </div>
            <div className="mt-3">
              <TimelineList
                entries={timeline.events}
                emptyText={
                  filtered
                    ? `No event ${query.q ? `matches “${query.q}”` : ""}${query.q && query.at ? " " : ""}${query.at ? `${query.dir === "desc" ? "on or before" : "on or after"} ${query.at}` : ""}${query.category ? " in this category" : ""}.`
                    : "No events in this category."
                }
              />
            </div>
            <Pagination nextCursor={timeline.nextCursor} firstPage={!query.cursor} />
          </Card>
        </div>

        <div className="min-w-0 space-y-4">
          <UserStateCard state={state} />
          <OrganizationsCard state={state} createdOrganizations={createdOrganizations} />
          <SessionsCard state={state} />
          <BillingCard state={state} />
        </div>
      </div>

      <div className="mt-4">
        <FieldHistory userId={userId} changes={fieldHistory.changes} truncated={fieldHistory.truncated} historyLimit={USER_HISTORY_LIMIT} />
      </div>
    </div>
  );
}

function Header({ userId, name, deleted }: { userId: string; name: string | null; deleted: boolean }) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-3">
      <div className="min-w-0">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-600">User</p>
        <h1 className="flex flex-wrap items-center gap-2 break-words text-xl font-semibold">
          {name ? <EmailText value={name} /> : <span className="break-all font-mono">{userId}</span>}
          {deleted ? <span className="rounded-full bg-rose-100 px-2 py-0.5 text-xs font-semibold text-rose-800">Deleted</span> : null}
        </h1>
        {name ? <p className="break-all font-mono text-xs text-slate-600">{userId}</p> : null}
      </div>
      <Link to={`/events?resource=${encodeURIComponent(userId)}`} className="text-sm font-medium text-indigo-700 hover:underline">
        All events in the event list →
      </Link>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.lifecycle.state.profile?.name ?? data?.lifecycle.userId ?? "User"} · Hookline` },
];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
