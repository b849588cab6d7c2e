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
  TimelineList,
  TimelineOrder,
  UtcTime,
} from "~/components/lifecycle-ui";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";
import { InvalidTimelineCursorError } from "~/lifecycle/lifecycle-query.server";
import { loadOrganizationLifecycle } from "~/lifecycle/organization-lifecycle.server";
import type { MemberChange } from "~/lifecycle/organization-state";
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

const CHANGE_WORDS: Record<MemberChange["change"], string> = {
  joined: "joined",
  role_changed: "role changed",
  updated: "updated",
  left: "left",
};

export default function OrganizationPage() {
  const { lifecycle, query } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { state, timeline, organizationId, memberHistory, updates } = lifecycle;
  const profile = state.profile;

  return (
    <div>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Organization</p>
          <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">
            {profile?.name ?? <span className="font-mono">{organizationId}</span>}
            {state.deleted ? <span className="rounded-full bg-rose-100 px-2 py-0.5 text-xs font-semibold text-rose-800">Deleted</span> : null}
          </h1>
          {profile?.name ? <p className="font-mono text-xs text-slate-600">{organizationId}</p> : null}
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
          <div className="space-y-4">
            <Card title="Current state" id="state" testId="organization-state">
              {state.deleted ? (
                <div className="mb-3 rounded-md border border-rose-200 bg-rose-50 p-2.5 text-sm text-rose-900">
                  <strong>Deleted</strong> by <EventLink event={state.deletedBy!} /> at <UtcTime ms={state.deletedBy!.timestamp} />
                </div>
              ) : null}
              {profile ? (
                <dl>
                  <Field label="Name">{profile.name ?? "—"}</Field>
                  <Field label="Slug">{profile.slug ?? "—"}</Field>
                  <Field label="Members">
                    {state.reportedMembersCount ? (
                      <span title={`members_count in ${state.reportedMembersCount.event.type}`}>{state.reportedMembersCount.count} (reported by Clerk)</span>
                    ) : (
                      "—"
                    )}
                    <div className="text-xs text-slate-500">
                      {state.members.length} current membership{state.members.length === 1 ? "" : "s"} in stored events
                      <Inferred why="Counted from each membership's latest event; memberships whose events were never received are missing." />
                    </div>
                  </Field>
                  <Field label="Pending invitations">{profile.pendingInvitationsCount ?? "—"}</Field>
                  <Field label="Created by">
                    {profile.createdBy ? (
                      <Link to={`/users/${encodeURIComponent(profile.createdBy)}`} className="font-mono text-xs text-indigo-700 hover:underline">
                        {profile.createdBy}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </Field>
                  <Field label="Created">
                    <UtcTime ms={profile.createdAt} />
                  </Field>
                  <Field label="Public metadata">
                    <JsonValue value={profile.publicMetadata} />
                  </Field>
                </dl>
              ) : (
                <p className="text-sm text-slate-600">No event carries this organization's details.</p>
              )}
              <div className="mt-3 border-t border-slate-100 pt-2">
                <Freshness asOf={state.asOf} />
              </div>
              <InferredNotes notes={state.inferred} />
            </Card>

            <Card title={`Members · ${state.members.length}`} id="members" testId="members">
              {state.members.length === 0 && state.formerMembers.length === 0 ? (
                <p className="text-sm text-slate-600">No membership events for this organization.</p>
              ) : (
                <ul className="space-y-2 text-sm">
                  {[...state.members, ...state.formerMembers].map((m) => (
                    <li key={m.membershipId} className="flex items-start justify-between gap-2">
                      <div className="min-w-0">
                        {m.userId ? (
                          <Link to={`/users/${encodeURIComponent(m.userId)}`} className="font-medium text-indigo-700 hover:underline">
                            {m.memberName ?? m.memberIdentifier ?? m.userId}
                          </Link>
                        ) : (
                          <span className="font-medium">{m.memberName ?? "Unknown member"}</span>
                        )}
                        <div className="text-xs text-slate-500">
                          {m.roleName ?? m.role ?? "no role"} · joined <UtcTime ms={m.firstSeenAt} />
                        </div>
                      </div>
                      <span className={`rounded-full px-2 py-0.5 text-xs ${m.current ? "bg-emerald-50 font-medium text-emerald-800" : "bg-slate-100 text-slate-600"}`}>
                        {m.current ? "member" : m.leftAt ? "left" : "org deleted"}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>

            <Card title={`Invitations · ${state.invitations.length}`} id="invitations" testId="invitations">
              {state.invitations.length === 0 ? (
                <p className="text-sm text-slate-600">No invitation events.</p>
              ) : (
                <ul className="space-y-2 text-sm">
                  {state.invitations.map((i) => (
                    <li key={i.invitationId} className="flex items-start justify-between gap-2">
                      <div className="min-w-0">
                        <div className="break-all">{i.email ?? i.invitationId}</div>
                        <div className="text-xs text-slate-500">
                          {i.role ?? "no role"} · sent <UtcTime ms={i.firstSeenAt} />
                          {i.acceptedBy ? (
                            <>
                              {" · "}
                              <Link to={`/users/${encodeURIComponent(i.acceptedBy)}`} className="font-mono text-indigo-700 hover:underline">
                                {i.acceptedBy}
                              </Link>
                            </>
                          ) : null}
                        </div>
                      </div>
                      <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                        {i.status}
                        {i.statusInferred ? <Inferred why="Still pending in the latest event, but its expires_at has passed." /> : null}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>

            {state.domains.length ? (
              <Card title={`Domains · ${state.domains.length}`} id="domains" testId="domains">
                <ul className="space-y-2 text-sm">
                  {state.domains.map((d) => (
                    <li key={d.domainId} className="flex items-start justify-between gap-2">
                      <div>
                        <div className={d.deleted ? "text-slate-500 line-through" : ""}>{d.name ?? d.domainId}</div>
                        <div className="text-xs text-slate-500">
                          {d.enrollmentMode ?? "—"} · verification {d.verification ?? "unknown"}
                        </div>
                      </div>
                      {d.deleted ? <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">removed</span> : null}
                    </li>
                  ))}
                </ul>
              </Card>
            ) : null}
          </div>

          <div className="min-w-0 space-y-4">
            <Card title="Members over time" id="member-history" testId="member-history">
              {memberHistory.changes.length === 0 ? (
                <p className="text-sm text-slate-600">No membership events.</p>
              ) : (
                <div className="overflow-x-auto">
                <table className="min-w-full text-sm">
                  <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                    <tr>
                      <th scope="col" className="py-1 pr-3">When</th>
                      <th scope="col" className="py-1 pr-3">Member</th>
                      <th scope="col" className="py-1 pr-3">Change</th>
                      <th scope="col" className="py-1">Event</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {memberHistory.changes.map((c) => (
                      <tr key={c.event.id} data-testid="member-change" data-change={c.change}>
                        <td className="py-1.5 pr-3 align-top text-xs text-slate-600">
                          <UtcTime ms={c.event.timestamp} />
                        </td>
                        <td className="py-1.5 pr-3 align-top">
                          {c.userId ? (
                            <Link to={`/users/${encodeURIComponent(c.userId)}`} className="text-indigo-700 hover:underline">
                              {c.member ?? c.userId}
                            </Link>
                          ) : (
                            (c.member ?? "—")
                          )}
                        </td>
                        <td className="py-1.5 pr-3 align-top text-xs">
                          <span className="font-medium">{CHANGE_WORDS[c.change]}</span>{" "}
                          {c.change === "role_changed" ? (
                            c.beforeUnknown ? (
                              <span>
                                to <After value={c.role} /> <span className="text-slate-500">(before: not in the loaded history)</span>
                              </span>
                            ) : (
                              <span>
                                <Before value={c.roleBefore} /> → <After value={c.role} />
                              </span>
                            )
                          ) : c.role ? (
                            <span className="text-slate-500">as {c.role}</span>
                          ) : null}
                        </td>
                        <td className="py-1.5 align-top">
                          <EventLink event={c.event} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                </div>
              )}
              {memberHistory.truncated ? <p className="mt-2 text-xs text-slate-500">The latest 200 membership events; the timeline has the rest.</p> : null}
            </Card>

            {updates.length ? (
              <Card title="Organization updates" id="updates" testId="organization-updates">
                <ul className="space-y-3">
                  {updates.map((update) => (
                    <li key={update.event.id} className="text-sm">
                      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
                        <UtcTime ms={update.event.timestamp} /> <EventLink event={update.event}>full diff</EventLink>
                      </div>
                      {update.comparedWith === null ? (
                        <p className="text-xs text-slate-500">No earlier state of this organization is stored, so there is nothing to compare with.</p>
                      ) : update.changes.length === 0 ? (
                        <p className="text-xs text-slate-500">Only noise fields (updated_at) changed.</p>
                      ) : (
                        <ul className="mt-1 space-y-0.5 font-mono text-xs">
                          {update.changes.slice(0, 12).map((change) => (
                            <li key={change.path}>
                              <span className="text-slate-700">{change.path}</span>: <Before value={change.before} /> → <After value={change.after} />
                            </li>
                          ))}
                          {update.changes.length > 12 ? <li className="text-slate-500">and {update.changes.length - 12} more</li> : null}
                        </ul>
                      )}
                    </li>
                  ))}
                </ul>
              </Card>
            ) : null}

            <Card title={`Timeline · ${timeline.total.toLocaleString("en")} events`} id="timeline" testId="timeline-card" actions={<TimelineOrder dir={query.dir} sort={query.sort} />}>
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
