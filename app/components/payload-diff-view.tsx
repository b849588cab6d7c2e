// The changes between two states of one resource, unified or side by side, with noise
// fields (updated_at...) hidden unless asked for. Values are rendered as text.
import { Link } from "@remix-run/react";
import { useState } from "react";

import type { EventDiff, EventRef } from "~/events/event-detail.server";
import { formatDiffValue, NOISE_FIELDS, summarizeChanges, visibleChanges, type PayloadChange } from "~/events/payload-diff";
import { Timestamp } from "./time";

type View = "unified" | "split";

const KIND_STYLES: Record<PayloadChange["kind"], string> = {
  added: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  removed: "bg-red-50 text-red-800 ring-red-600/20",
  changed: "bg-amber-50 text-amber-900 ring-amber-600/20",
};

export function PayloadDiffView({ diff, currentId }: { diff: EventDiff; currentId: string }) {
  const [view, setView] = useState<View>("unified");
  const [showNoise, setShowNoise] = useState(false);
  const summary = summarizeChanges(diff.changes);
  const changes = visibleChanges(diff.changes, showNoise);
  const shown = summarizeChanges(changes);

  if (!diff.from) {
    return (
      <div role="status" className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700" data-testid="diff-unavailable">
        {diff.reason}
      </div>
    );
  }

  return (
    <div className="rounded-lg border border-slate-200 bg-white" data-testid="payload-diff">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-100 px-3 py-2 text-sm">
        <p className="text-slate-700">
          <ComparedWith diff={diff} currentId={currentId} />
        </p>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-1.5 text-xs text-slate-700" title={`Fields that change on almost every update: ${[...NOISE_FIELDS].join(", ")}`}>
            <input type="checkbox" checked={showNoise} onChange={(e) => setShowNoise(e.target.checked)} className="rounded border-slate-300" />
            Show noise fields{summary.noise > 0 ? ` (${summary.noise})` : ""}
          </label>
          <div role="group" aria-label="Diff layout" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs">
            {(["unified", "split"] as const).map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={view === option}
                onClick={() => setView(option)}
                className={`px-2.5 py-1 font-medium ${view === option ? "bg-slate-800 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}
              >
                {option === "unified" ? "Unified" : "Side by side"}
              </button>
            ))}
          </div>
        </div>
      </div>
      <p className="px-3 pt-2 text-xs text-slate-500">
        {shown.changed} changed · {shown.added} added · {shown.removed} removed
        {!showNoise && summary.noise > 0 ? ` · ${summary.noise} noise ${summary.noise === 1 ? "field" : "fields"} hidden` : ""}
      </p>
      {changes.length === 0 ? (
        <p className="p-3 text-sm text-slate-700">
          {diff.changes.length === 0
            ? "The data is identical in both events."
            : `Only noise fields changed (${[...NOISE_FIELDS].join(", ")}). Tick “Show noise fields” to see them.`}
        </p>
      ) : view === "unified" ? (
        <ul className="divide-y divide-slate-100 p-3 pt-2">
          {changes.map((change) => (
            <li key={change.path} className="py-2" data-testid="diff-change" data-path={change.path} data-kind={change.kind}>
              <div className="flex items-center gap-2">
                <KindBadge kind={change.kind} />
                <code className="break-all text-xs font-semibold text-slate-900">{change.path}</code>
                {change.noise ? <span className="text-[10px] uppercase tracking-wide text-slate-500">noise</span> : null}
              </div>
              <div className="mt-1 font-mono text-xs">
                {change.kind !== "added" ? (
                  <div className="whitespace-pre-wrap break-all rounded-sm bg-red-50 px-2 py-0.5 text-red-900" data-testid="diff-old">
                    <span aria-hidden className="select-none pr-2 text-red-400">−</span>
                    <span className="sr-only">old value: </span>
                    {formatDiffValue(change.oldValue)}
                  </div>
                ) : null}
                {change.kind !== "removed" ? (
                  <div className="whitespace-pre-wrap break-all rounded-sm bg-emerald-50 px-2 py-0.5 text-emerald-900" data-testid="diff-new">
                    <span aria-hidden className="select-none pr-2 text-emerald-500">+</span>
                    <span className="sr-only">new value: </span>
                    {formatDiffValue(change.newValue)}
                  </div>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <div className="overflow-x-auto p-3 pt-2">
          <table className="min-w-full table-fixed text-xs">
            <thead className="text-left font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="w-1/4 px-2 py-1">Path</th>
                <th scope="col" className="px-2 py-1">Before · {diff.from.type}</th>
                <th scope="col" className="px-2 py-1">After · {diff.to.type}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 font-mono">
              {changes.map((change) => (
                <tr key={change.path} data-testid="diff-change" data-path={change.path} data-kind={change.kind}>
                  <td className="break-all px-2 py-1.5 align-top font-semibold text-slate-900">
                    {change.path}
                    <div className="mt-1 font-sans">
                      <KindBadge kind={change.kind} />
                    </div>
                  </td>
                  <td className={`whitespace-pre-wrap break-all px-2 py-1.5 align-top ${change.kind === "added" ? "text-slate-500" : "bg-red-50 text-red-900"}`} data-testid="diff-old">
                    {change.kind === "added" ? "(absent)" : formatDiffValue(change.oldValue)}
                  </td>
                  <td className={`whitespace-pre-wrap break-all px-2 py-1.5 align-top ${change.kind === "removed" ? "text-slate-500" : "bg-emerald-50 text-emerald-900"}`} data-testid="diff-new">
                    {change.kind === "removed" ? "(absent)" : formatDiffValue(change.newValue)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function KindBadge({ kind }: { kind: PayloadChange["kind"] }) {
  return (
    <span className={`inline-flex rounded px-1.5 py-0.5 font-sans text-[11px] font-medium ring-1 ring-inset ${KIND_STYLES[kind]}`}>{kind}</span>
  );
}

function EventLink({ event, currentId }: { event: EventRef; currentId: string }) {
  if (event.id === currentId) return <span className="font-medium">this event</span>;
  return (
    <Link to={`/events/${event.id}`} className="font-medium text-indigo-700 hover:underline">
      {event.type} of <Timestamp iso={new Date(event.timestamp).toISOString()} />
    </Link>
  );
}

function ComparedWith({ diff, currentId }: { diff: EventDiff; currentId: string }) {
  if (!diff.from) return null;
  if (diff.mode === "previous") {
    return (
      <>
        Compared with the previous state: <EventLink event={diff.from} currentId={currentId} />
      </>
    );
  }
  return (
    <>
      From <EventLink event={diff.from} currentId={currentId} /> (earlier) to <EventLink event={diff.to} currentId={currentId} /> (later)
    </>
  );
}
