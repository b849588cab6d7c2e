// The organization page's side cards: members (current, then former), invitations and
// verified domains, each from the latest stored event about it.
import { Link } from "@remix-run/react";

import { Card, Inferred, UtcTime } from "~/components/lifecycle-ui";
import type { OrganizationLifecycle } from "~/lifecycle/organization-lifecycle.server";

type State = OrganizationLifecycle["state"];

export function MembersCard({ state }: { state: Pick<State, "members" | "formerMembers"> }) {
  return (
    <Card title={`Members · ${state.members.length}`} id="members" testId="members">
      {state.members.length === 0 && state.formerMembers.length === 0 ? (
        <p className="text-sm text-slate-600">No membership events for this organization.</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {[...state.members, ...state.formerMembers].map((m) => (
            <li key={m.membershipId} className="flex items-start justify-between gap-2">
              <div className="min-w-0 break-words">
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
              <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs ${m.current ? "bg-emerald-50 font-medium text-emerald-800" : "bg-slate-100 text-slate-600"}`}>
                {m.current ? "member" : m.leftAt ? "left" : "org deleted"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function InvitationsCard({ invitations }: { invitations: State["invitations"] }) {
  return (
    <Card title={`Invitations · ${invitations.length}`} id="invitations" testId="invitations">
      {invitations.length === 0 ? (
        <p className="text-sm text-slate-600">No invitation events.</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {invitations.map((i) => (
            <li key={i.invitationId} className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <div className="break-all">{i.email ?? i.invitationId}</div>
                <div className="text-xs text-slate-500">
                  {i.role ?? "no role"} · sent <UtcTime ms={i.firstSeenAt} />
                  {i.acceptedBy ? (
                    <>
                      {" · "}
                      <Link to={`/users/${encodeURIComponent(i.acceptedBy)}`} className="break-all font-mono text-indigo-700 hover:underline">
                        {i.acceptedBy}
                      </Link>
                    </>
                  ) : null}
                </div>
              </div>
              <span className="shrink-0 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                {i.status}
                {i.statusInferred ? <Inferred why="Still pending in the latest event, but its expires_at has passed." /> : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function DomainsCard({ domains }: { domains: State["domains"] }) {
  if (!domains.length) return null;
  return (
    <Card title={`Domains · ${domains.length}`} id="domains" testId="domains">
      <ul className="space-y-2 text-sm">
        {domains.map((d) => (
          <li key={d.domainId} className="flex items-start justify-between gap-2">
            <div className="min-w-0 break-words">
              <div className={d.deleted ? "text-slate-500 line-through" : ""}>{d.name ?? d.domainId}</div>
              <div className="text-xs text-slate-500">
                {d.enrollmentMode ?? "—"} · verification {d.verification ?? "unknown"}
              </div>
            </div>
            {d.deleted ? <span className="shrink-0 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">removed</span> : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
