import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import {
  After,
  Before,
  Card,
  CategoryFilter,
  EventLink,
  Field,
  Freshness,
  Inferred,
  InferredNotes,
  JsonValue,
  Pagination,
  StatusBadge,
  TimelineList,
  TimelineOrder,
  UtcTime,
} from "~/components/lifecycle-ui";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";
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
  const { state, timeline, fieldHistory, userId } = lifecycle;
  const profile = state.profile;

  if (timeline.total === 0) {
    return (
      <div>
        <Header userId={userId} name={null} deleted={false} />
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
          <h2 className="text-base font-semibold">No events mention this user</h2>
          <p className="mt-2 max-w-2xl text-sm text-slate-700">
            Hookline has stored no <code>user.*</code>, session, membership, email, SMS or billing event for <code className="font-mono">{userId}</code>. Check
            the id (it starts with <code>user_</code>), or search by email address in the box at the top. Events older than the retention period are pruned.
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
      {navigation.state === "loading" ? (
        <p role="status" className="mt-1 text-sm text-slate-500">
          Loading…
        </p>
      ) : null}

      <div className="mt-4 grid gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <div className="space-y-4">
          <Card title="Current state" id="state" testId="user-state">
            {state.deleted ? (
              <div className="mb-3 rounded-md border border-rose-200 bg-rose-50 p-2.5 text-sm text-rose-900" data-testid="deleted-banner">
                <strong>Deleted</strong> by <EventLink event={state.deletedBy!} /> at <UtcTime ms={state.deletedBy!.timestamp} />
              </div>
            ) : null}
            {profile ? (
              <dl>
                <Field label="Name">{profile.name ?? <span className="text-slate-400">none</span>}</Field>
                <Field label="Primary email">
                  {profile.primaryEmail ?? <span className="text-slate-400">none</span>}
                  {state.profileSource !== "user_event" ? <Inferred why={state.inferred.join(" ")} /> : null}
                </Field>
                {profile.emails.length > 1 ? (
                  <Field label="Other emails">
                    {profile.emails
                      .filter((e) => !e.primary)
                      .map((e) => `${e.address}${e.verified ? "" : " (unverified)"}`)
                      .join(", ")}
                  </Field>
                ) : null}
                <Field label="Phone">{profile.primaryPhone ?? <span className="text-slate-400">none</span>}</Field>
                <Field label="Username">{profile.username ?? <span className="text-slate-400">none</span>}</Field>
                <Field label="Image">
                  {profile.imageUrl ? (
                    <span className="break-all font-mono text-xs text-slate-700" title={profile.imageUrl}>
                      {profile.imageUrl.length > 60 ? `${profile.imageUrl.slice(0, 60)}…` : profile.imageUrl}
                    </span>
                  ) : (
                    <span className="text-slate-400">none</span>
                  )}
                  {profile.hasImage === false ? <span className="ml-1 text-xs text-slate-500">(default avatar)</span> : null}
                </Field>
                <Field label="Two-factor">
                  {profile.twoFactorEnabled === null ? (
                    <span className="text-slate-400">not stated</span>
                  ) : profile.twoFactorEnabled ? (
                    <span>
                      On{[profile.totpEnabled && "TOTP", profile.backupCodeEnabled && "backup codes"].filter(Boolean).length ? ` (${[profile.totpEnabled && "TOTP", profile.backupCodeEnabled && "backup codes"].filter(Boolean).join(", ")})` : ""}
                    </span>
                  ) : (
                    "Off"
                  )}
                </Field>
                <Field label="Last sign-in">
                  <UtcTime ms={profile.lastSignInAt} />
                </Field>
                <Field label="Signed up">
                  <UtcTime ms={profile.createdAt} />
                </Field>
                {profile.banned || profile.locked ? <Field label="Access">{[profile.banned && "Banned", profile.locked && "Locked"].filter(Boolean).join(", ")}</Field> : null}
                {profile.externalId ? <Field label="External id">{profile.externalId}</Field> : null}
                <Field label="Public metadata">
                  <JsonValue value={profile.publicMetadata} />
                </Field>
                <Field label="Unsafe metadata">
                  <JsonValue value={profile.unsafeMetadata} />
                </Field>
              </dl>
            ) : (
              <p className="text-sm text-slate-600">No event carries this user's profile.</p>
            )}
            <div className="mt-3 border-t border-slate-100 pt-2">
              <Freshness asOf={state.asOf} />
            </div>
            <InferredNotes notes={state.inferred} />
          </Card>

          <Card title="Organizations" id="memberships" testId="memberships">
            {state.memberships.length === 0 ? (
              <p className="text-sm text-slate-600">No membership events for this user.</p>
            ) : (
              <ul className="space-y-2 text-sm">
                {state.memberships.map((m) => (
                  <li key={m.membershipId} className="flex items-start justify-between gap-2">
                    <div className="min-w-0">
                      {m.organizationId ? (
                        <Link to={`/organizations/${encodeURIComponent(m.organizationId)}`} className="font-medium text-indigo-700 hover:underline">
                          {m.organizationName ?? m.organizationId}
                        </Link>
                      ) : (
                        <span className="font-medium">{m.organizationName ?? "Unknown organization"}</span>
                      )}
                      <div className="text-xs text-slate-500">
                        {m.roleName ?? m.role ?? "no role"} · joined <UtcTime ms={m.firstSeenAt} />
                        {m.joinInferred ? <Inferred why="The first stored event of this membership is not organizationMembership.created; it may have started earlier." /> : null}
                      </div>
                    </div>
                    {m.current ? (
                      <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">member</span>
                    ) : (
                      <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600" title={m.leftAt ? `Left at ${new Date(m.leftAt).toISOString()}` : "The organization was deleted"}>
                        {m.leftAt ? "left" : "org deleted"}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Card>

          <Card title="Active sessions" id="sessions" testId="sessions">
            {state.activeSessions.length === 0 ? (
              <p className="text-sm text-slate-600">No open session: every session's latest event ended it{state.deleted ? ", or the account was deleted" : ""}.</p>
            ) : (
              <ul className="space-y-2 text-sm">
                {state.activeSessions.map((s) => (
                  <li key={s.sessionId}>
                    <div className="flex items-center gap-2">
                      <span className="font-mono text-xs">{s.sessionId}</span>
                      <span className="rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800">{s.status}</span>
                    </div>
                    <div className="text-xs text-slate-500">
                      {s.device ?? "unknown device"} · since <UtcTime ms={s.createdAt} /> · expires <UtcTime ms={s.expireAt} />
                    </div>
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-2 text-xs text-slate-500">Derived from each session's latest event; a session past its expire_at counts as expired.</p>
          </Card>

          {state.subscriptions.length ? (
            <Card title="Billing" id="billing" testId="user-billing">
              <ul className="space-y-2 text-sm">
                {state.subscriptions.map((s) => (
                  <li key={s.subscriptionId} className="flex items-center justify-between gap-2">
                    <Link to={`/billing/subscriptions/${encodeURIComponent(s.subscriptionId)}`} className="truncate font-mono text-xs text-indigo-700 hover:underline">
                      {s.subscriptionId}
                    </Link>
                    <StatusBadge status={s.status} />
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>

        <div className="min-w-0 space-y-4">
          <Card title="Field history" id="field-history" testId="field-history">
            {fieldHistory.changes.length === 0 ? (
              <p className="text-sm text-slate-600">No change to the primary email, username, name, phone or public metadata is stored.</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="min-w-full text-sm">
                  <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                    <tr>
                      <th scope="col" className="py-1 pr-3">When</th>
                      <th scope="col" className="py-1 pr-3">Field</th>
                      <th scope="col" className="py-1 pr-3">Before → after</th>
                      <th scope="col" className="py-1">Event</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {[...fieldHistory.changes].reverse().map((change) => (
                      <tr key={`${change.event.id}-${change.field}`} data-testid="field-change">
                        <td className="py-1.5 pr-3 align-top text-xs text-slate-600">
                          <UtcTime ms={change.event.timestamp} />
                        </td>
                        <td className="py-1.5 pr-3 align-top font-medium">{change.label}</td>
                        <td className="py-1.5 pr-3 align-top text-xs">
                          {change.initial ? (
                            <span>
                              <span className="text-slate-500">set at signup:</span> <After value={change.after} />
                            </span>
                          ) : (
                            <span>
                              <Before value={change.before} /> → <After value={change.after} />
                            </span>
                          )}
                        </td>
                        <td className="py-1.5 align-top">
                          <EventLink event={change.event} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {fieldHistory.truncated ? (
              <p className="mt-2 text-xs text-slate-500">
                Based on the latest {USER_HISTORY_LIMIT} user events; older changes are in the{" "}
                <Link className="text-indigo-700 hover:underline" to={`/events?resource=${encodeURIComponent(userId)}&type=user.*`}>
                  event list
                </Link>
                .
              </p>
            ) : null}
          </Card>

          <Card title={`Timeline · ${timeline.total.toLocaleString("en")} events`} id="timeline" testId="timeline-card" actions={<TimelineOrder dir={query.dir} sort={query.sort} />}>
            <CategoryFilter categories={USER_CATEGORIES} counts={timeline.counts} total={timeline.total} active={query.category} />
            <div className="mt-3">
              <TimelineList entries={timeline.events} emptyText="No events in this category." />
            </div>
            <Pagination nextCursor={timeline.nextCursor} firstPage={!query.cursor} />
          </Card>
        </div>
      </div>
    </div>
  );
}

function Header({ userId, name, deleted }: { userId: string; name: string | null; deleted: boolean }) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-3">
      <div>
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">User</p>
        <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">
          {name ?? <span className="font-mono">{userId}</span>}
          {deleted ? <span className="rounded-full bg-rose-100 px-2 py-0.5 text-xs font-semibold text-rose-800">Deleted</span> : null}
        </h1>
        {name ? <p className="font-mono text-xs text-slate-600">{userId}</p> : null}
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
