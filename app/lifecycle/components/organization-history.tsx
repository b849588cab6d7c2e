// The organization page's main column above the timeline: who joined, left or changed
// role over time, and what each organization.updated changed, field by field.
import { Link } from "@remix-run/react";

import { After, Before, Card, EventLink, UtcTime } from "~/components/lifecycle-ui";
import type { OrganizationLifecycle } from "~/lifecycle/organization-lifecycle.server";
import type { MemberChange } from "~/lifecycle/organization-state";

const CHANGE_WORDS: Record<MemberChange["change"], string> = {
  joined: "joined",
  role_changed: "role changed",
  updated: "updated",
  left: "left",
};

export function MemberHistoryCard({ memberHistory }: { memberHistory: OrganizationLifecycle["memberHistory"] }) {
  return (
    <Card title="Members over time" id="member-history" testId="member-history">
      {memberHistory.changes.length === 0 ? (
        <p className="text-sm text-slate-600">No membership events.</p>
      ) : (
        // On a phone each change is a small block (when, who, what, which event) instead of
        // a row whose last columns sit off-screen.
        <div className="overflow-x-auto">
          <table className="block min-w-full text-sm sm:table">
            <thead className="hidden text-left text-xs font-semibold uppercase tracking-wide text-slate-500 sm:table-header-group">
              <tr>
                <th scope="col" className="py-1 pr-3">
                  When
                </th>
                <th scope="col" className="py-1 pr-3">
                  Member
                </th>
                <th scope="col" className="py-1 pr-3">
                  Change
                </th>
                <th scope="col" className="py-1">
                  Event
                </th>
              </tr>
            </thead>
            <tbody className="block divide-y divide-slate-100 sm:table-row-group">
              {memberHistory.changes.map((c) => (
                <tr key={c.event.id} data-testid="member-change" data-change={c.change} className="block py-1.5 sm:table-row sm:py-0">
                  <td className="block align-top text-xs text-slate-600 sm:table-cell sm:py-1.5 sm:pr-3">
                    <UtcTime ms={c.event.timestamp} />
                  </td>
                  <td className="block break-words align-top sm:table-cell sm:py-1.5 sm:pr-3">
                    {c.userId ? (
                      <Link to={`/users/${encodeURIComponent(c.userId)}`} className="text-indigo-700 hover:underline">
                        {c.member ?? c.userId}
                      </Link>
                    ) : (
                      (c.member ?? "—")
                    )}
                  </td>
                  <td className="block align-top text-xs sm:table-cell sm:py-1.5 sm:pr-3">
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
                  <td className="block align-top sm:table-cell sm:py-1.5">
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
  );
}

export function OrganizationUpdatesCard({ updates }: { updates: OrganizationLifecycle["updates"] }) {
  if (!updates.length) return null;
  return (
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
              <ul className="mt-1 space-y-0.5 break-words font-mono text-xs">
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
  );
}
