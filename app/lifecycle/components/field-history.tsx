// The user page's field history: one block per field (primary email, name, each
// metadata key...), its latest FIELD_HISTORY_SHOWN changes, and the rest behind "show
// all" (a <details>, so it works before scripts load and with none).
import { Link } from "@remix-run/react";

import { After, Before, Card, EventLink, UtcTime } from "~/components/lifecycle-ui";
import type { FieldChange } from "~/lifecycle/user-state";

export const FIELD_HISTORY_SHOWN = 5;

interface FieldGroup {
  field: string;
  label: string;
  /** Newest first. */
  changes: FieldChange[];
}

/** Changes grouped per field, newest first; the fields in the order of their latest change. */
export function groupFieldChanges(changes: FieldChange[]): FieldGroup[] {
  const groups = new Map<string, FieldGroup>();
  for (const change of [...changes].reverse()) {
    const group = groups.get(change.field) ?? { field: change.field, label: change.label, changes: [] };
    group.changes.push(change);
    groups.set(change.field, group);
  }
  return [...groups.values()];
}

function ChangeRow({ change }: { change: FieldChange }) {
  return (
    <li className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-0.5 py-1.5 text-xs sm:grid-cols-[9.5rem_minmax(0,1fr)_auto]" data-testid="field-change">
      <span className="text-slate-600">
        <UtcTime ms={change.event.timestamp} />
      </span>
      <span className="col-span-2 min-w-0 break-words sm:col-span-1 sm:row-start-1 sm:col-start-2">
        {change.key ? <span className="font-mono text-slate-700">{change.key}: </span> : null}
        {change.initial ? (
          <>
            <span className="text-slate-600">set at signup:</span> <After value={change.after} />
          </>
        ) : (
          <>
            <Before value={change.before} /> → <After value={change.after} />
          </>
        )}
      </span>
      <span className="col-start-2 row-start-1 text-right sm:col-start-3">
        <EventLink event={change.event} />
      </span>
    </li>
  );
}

export function FieldHistory({
  userId,
  changes,
  truncated,
  historyLimit,
}: {
  userId: string;
  changes: FieldChange[];
  truncated: boolean;
  historyLimit: number;
}) {
  const groups = groupFieldChanges(changes);
  return (
    <Card title="Field history" id="field-history" testId="field-history">
      {groups.length === 0 ? (
        <p className="text-sm text-slate-600">No change to the primary email, username, name, phone or a metadata key is stored.</p>
      ) : (
        <div className="grid gap-x-6 gap-y-4 xl:grid-cols-2">
          {groups.map((group) => {
            const shown = group.changes.slice(0, FIELD_HISTORY_SHOWN);
            const rest = group.changes.slice(FIELD_HISTORY_SHOWN);
            return (
              <section key={group.field} data-testid="field-group" data-field={group.field} aria-label={group.label}>
                <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-600">
                  {group.label} <span className="font-normal normal-case text-slate-600">· {group.changes.length === 1 ? "1 change" : `${group.changes.length} changes`}</span>
                </h3>
                <ol className="divide-y divide-slate-100">
                  {shown.map((change) => (
                    <ChangeRow key={`${change.event.id}-${change.field}`} change={change} />
                  ))}
                </ol>
                {rest.length ? (
                  <details className="group">
                    <summary className="cursor-pointer py-1 text-xs font-medium text-indigo-700 hover:underline" data-testid="field-show-all">
                      <span className="group-open:hidden">Show all {group.changes.length} changes</span>
                      <span className="hidden group-open:inline">Show the latest {FIELD_HISTORY_SHOWN} only</span>
                    </summary>
                    <ol className="divide-y divide-slate-100">
                      {rest.map((change) => (
                        <ChangeRow key={`${change.event.id}-${change.field}`} change={change} />
                      ))}
                    </ol>
                  </details>
                ) : null}
              </section>
            );
          })}
        </div>
      )}
      {truncated ? (
        <p className="mt-3 text-xs text-slate-600">
          Based on the latest {historyLimit} user events; older changes are in the{" "}
          <Link className="text-indigo-700 hover:underline" to={`/events?resource=${encodeURIComponent(userId)}&type=user.*`}>
            event list
          </Link>
          .
        </p>
      ) : null}
    </Card>
  );
}
