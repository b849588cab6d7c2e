// The user page's side column: the current state, organizations (joined and created),
// open sessions and billing. Values Hookline worked out rather than read are marked
// *inferred*, with the reason on hover and in the notes under the state.
import { Link } from "@remix-run/react";

import { Card, EmailText, EventLink, Field, Freshness, Inferred, InferredNotes, JsonValue, StatusBadge, UtcTime } from "~/components/lifecycle-ui";
import type { UserLifecycle } from "~/lifecycle/user-lifecycle.server";

type Lifecycle = Pick<UserLifecycle, "state" | "createdOrganizations">;

const none = <span className="text-slate-600">none</span>;

export function UserStateCard({ state }: { state: Lifecycle["state"] }) {
  const profile = state.profile;
  const copied = state.profileSource !== null && state.profileSource !== "user_event";
  return (
    <Card title="Current state" id="state" testId="user-state">
      {state.deleted ? (
        <div className="mb-3 rounded-md border border-rose-200 bg-rose-50 p-2.5 text-sm text-rose-900" data-testid="deleted-banner">
          <strong>Deleted</strong> by <EventLink event={state.deletedBy!} /> at <UtcTime ms={state.deletedBy!.timestamp} />
        </div>
      ) : null}
      {profile ? (
        <dl>
          <Field label="Name">
            {profile.name ?? none}
            {copied && profile.name ? <Inferred why={state.inferred.join(" ")} /> : null}
          </Field>
          <Field label="Primary email">
            <span data-testid="primary-email">{profile.primaryEmail ? <EmailText value={profile.primaryEmail} /> : none}</span>
            {profile.primaryEmail && (copied || profile.primaryEmailInferred) ? (
              <Inferred
                why={
                  profile.primaryEmailInferred
                    ? "The event names no primary_email_address_id; the first address is taken as primary."
                    : state.inferred.join(" ")
                }
              />
            ) : null}
          </Field>
          {profile.emails.length > 1 ? (
            <Field label="Other emails">
              <ul>
                {profile.emails
                  .filter((e) => !e.primary)
                  .map((e) => (
                    <li key={e.address}>
                      <EmailText value={e.address} />
                      {e.verified ? "" : <span className="text-slate-600"> (unverified)</span>}
                    </li>
                  ))}
              </ul>
            </Field>
          ) : null}
          <Field label="Phone">
            {profile.primaryPhone ?? none}
            {profile.primaryPhoneInferred ? <Inferred why="The event names no primary_phone_number_id; the first number is taken as primary." /> : null}
          </Field>
          <Field label="Username">{profile.username ?? none}</Field>
          <Field label="Image">
            {profile.imageUrl ? (
              <span className="break-all font-mono text-xs text-slate-700" title={profile.imageUrl}>
                {profile.imageUrl.length > 60 ? `${profile.imageUrl.slice(0, 60)}…` : profile.imageUrl}
              </span>
            ) : (
              none
            )}
            {profile.hasImage === false ? <span className="ml-1 text-xs text-slate-600">(default avatar)</span> : null}
          </Field>
          <Field label="Two-factor">
            {profile.twoFactorEnabled === null ? (
              <span className="text-slate-600">not stated</span>
            ) : profile.twoFactorEnabled ? (
              <span>
                On
                {[profile.totpEnabled && "TOTP", profile.backupCodeEnabled && "backup codes"].filter(Boolean).length
                  ? ` (${[profile.totpEnabled && "TOTP", profile.backupCodeEnabled && "backup codes"].filter(Boolean).join(", ")})`
                  : ""}
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
        <p className="text-sm text-slate-600">No event carries this user&apos;s profile.</p>
      )}
      <div className="mt-3 border-t border-slate-100 pt-2">
        <Freshness asOf={state.asOf} />
      </div>
      <InferredNotes notes={state.inferred} />
    </Card>
  );
}

export function OrganizationsCard({ state, createdOrganizations }: Lifecycle) {
  const memberOf = new Set(state.memberships.map((m) => m.organizationId));
  const createdOnly = createdOrganizations.filter((c) => !memberOf.has(c.organizationId));
  const created = new Set(createdOrganizations.map((c) => c.organizationId));
  return (
    <Card title="Organizations" id="memberships" testId="memberships">
      {state.memberships.length === 0 && createdOnly.length === 0 ? (
        <p className="text-sm text-slate-600">No membership events for this user, and no organization names them as its creator.</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {state.memberships.map((m) => (
            <li key={m.membershipId} className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                {m.organizationId ? (
                  <Link to={`/organizations/${encodeURIComponent(m.organizationId)}`} className="break-words font-medium text-indigo-700 hover:underline">
                    {m.organizationName ?? m.organizationId}
                  </Link>
                ) : (
                  <span className="font-medium">{m.organizationName ?? "Unknown organization"}</span>
                )}
                <div className="text-xs text-slate-600">
                  {m.roleName ?? m.role ?? "no role"} · joined <UtcTime ms={m.firstSeenAt} />
                  {m.joinInferred ? <Inferred why="The first stored event of this membership is not organizationMembership.created; it may have started earlier." /> : null}
                  {m.organizationId && created.has(m.organizationId) ? " · created it" : null}
                </div>
              </div>
              {m.current ? (
                <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">member</span>
              ) : (
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700" title={m.leftAt ? `Left at ${new Date(m.leftAt).toISOString()}` : "The organization was deleted"}>
                  {m.leftAt ? "left" : "org deleted"}
                </span>
              )}
            </li>
          ))}
          {createdOnly.map((c) => (
            <li key={c.event.id} className="flex items-start justify-between gap-2" data-testid="created-organization">
              <div className="min-w-0">
                <Link to={`/organizations/${encodeURIComponent(c.organizationId)}`} className="break-words font-medium text-indigo-700 hover:underline">
                  {c.name ?? c.organizationId}
                </Link>
                <div className="text-xs text-slate-600">
                  created <UtcTime ms={c.event.timestamp} /> · no membership event stored
                </div>
              </div>
              <span className="rounded-full bg-violet-50 px-2 py-0.5 text-xs font-medium text-violet-800">creator</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function SessionsCard({ state }: { state: Lifecycle["state"] }) {
  return (
    <Card title="Active sessions" id="sessions" testId="sessions">
      {state.activeSessions.length === 0 ? (
        <p className="text-sm text-slate-600">No open session: every session&apos;s latest event ended it{state.deleted ? ", or the account was deleted" : ""}.</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {state.activeSessions.map((s) => (
            <li key={s.sessionId}>
              <div className="flex flex-wrap items-center gap-2">
                <span className="break-all font-mono text-xs">{s.sessionId}</span>
                <span className="rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800">{s.status}</span>
              </div>
              <div className="text-xs text-slate-600">
                {s.device ?? "unknown device"} · since <UtcTime ms={s.createdAt} /> · expires <UtcTime ms={s.expireAt} />
              </div>
            </li>
          ))}
        </ul>
      )}
      <p className="mt-2 text-xs text-slate-600">Derived from each session&apos;s latest event; a session past its expire_at counts as expired.</p>
    </Card>
  );
}

export function BillingCard({ state }: { state: Lifecycle["state"] }) {
  if (!state.subscriptions.length) return null;
  return (
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
  );
}
