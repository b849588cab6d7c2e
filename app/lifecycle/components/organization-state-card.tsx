// The organization page's "Current state": the profile as of the latest event, member
// counts (Clerk's and the one counted from stored events, marked inferred), the creator.
import { Link } from "@remix-run/react";

import { Card, EventLink, Field, Freshness, Inferred, InferredNotes, JsonValue, UtcTime } from "~/components/lifecycle-ui";
import type { OrganizationLifecycle } from "~/lifecycle/organization-lifecycle.server";

export function OrganizationStateCard({ state }: { state: OrganizationLifecycle["state"] }) {
  const profile = state.profile;
  return (
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
              <Link to={`/users/${encodeURIComponent(profile.createdBy)}`} className="break-all font-mono text-xs text-indigo-700 hover:underline">
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
  );
}
