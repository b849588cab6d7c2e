// Building blocks shared by the user, organization and billing pages: cards, status
// badges, the "inferred" marker, freshness lines and the day-grouped timeline with its
// category filter. Everything from payloads is rendered as text (React escapes it).
import { Link, useSearchParams } from "@remix-run/react";

import { statusColor } from "~/billing/status-colors";
import { groupByDay, type TimelineEntry } from "~/lifecycle/timeline";
import type { TimelineCategory } from "~/lifecycle/timeline-categories";
import type { EventRef } from "~/lifecycle/user-state";

export function formatUtc(ms: number | null | undefined, withSeconds = false): string {
  if (ms === null || ms === undefined) return "—";
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)} UTC`;
}

export function UtcTime({ ms, withSeconds = false, className }: { ms: number | null | undefined; withSeconds?: boolean; className?: string }) {
  if (ms === null || ms === undefined) return <span className="text-slate-500">—</span>;
  const iso = new Date(ms).toISOString();
  return (
    <time dateTime={iso} title={iso} className={`whitespace-nowrap tabular-nums ${className ?? ""}`}>
      {formatUtc(ms, withSeconds)}
    </time>
  );
}

export function Card({ title, children, actions, id, testId }: { title: string; children: React.ReactNode; actions?: React.ReactNode; id?: string; testId?: string }) {
  return (
    <section id={id} data-testid={testId} className="min-w-0 rounded-lg border border-slate-200 bg-white" aria-labelledby={id ? `${id}-title` : undefined}>
      <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-2.5">
        <h2 id={id ? `${id}-title` : undefined} className="text-sm font-semibold text-slate-900">
          {title}
        </h2>
        {actions}
      </div>
      <div className="p-4">{children}</div>
    </section>
  );
}

export function StatusBadge({ status, inferred }: { status: string | null; inferred?: boolean }) {
  const color = statusColor(status);
  return (
    <span
      data-status={status ?? "unknown"}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${color.badge}`}
    >
      {color.label}
      {inferred ? <span className="font-normal opacity-80">(inferred)</span> : null}
    </span>
  );
}

/** Marks a value Hookline worked out rather than read from an event. */
/**
 * An email address that wraps only after the `@` and before a `.` (a narrow column
 * breaks `jane.mensah@acme-co.example` as `jane` / `.mensah@` / `acme-co` / `.example`,
 * never mid-word nor at a hyphen). Rendered as text: addresses come from payloads.
 */
export function EmailText({ value, className }: { value: string; className?: string }) {
  const parts = value.split(/(?<=@)|(?=\.)/);
  return (
    <span className={className} data-email="">
      {parts.map((part, i) => (
        <span key={i} className="whitespace-nowrap">
          {i > 0 ? <wbr /> : null}
          {part}
        </span>
      ))}
    </span>
  );
}

export function Inferred({ why }: { why: string }) {
  return (
    <span title={why} className="ml-1 inline-flex cursor-help items-center rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20">
      inferred
    </span>
  );
}

export function EventLink({ event, children }: { event: Pick<EventRef, "id" | "type">; children?: React.ReactNode }) {
  return (
    <Link to={`/events/${event.id}`} className="font-mono text-xs text-indigo-700 [overflow-wrap:anywhere] hover:underline">
      {children ?? event.type}
    </Link>
  );
}

/** "As of user.updated at 2026-10-01 19:11 UTC (received …)": how fresh a derived state is. */
export function Freshness({ asOf, label = "As of" }: { asOf: EventRef | null; label?: string }) {
  if (!asOf) return <p className="text-xs text-slate-500">No event states this yet.</p>;
  return (
    <p className="text-xs text-slate-600" data-testid="freshness">
      {label} <EventLink event={asOf} /> at <UtcTime ms={asOf.timestamp} withSeconds /> · received{" "}
      <UtcTime ms={Date.parse(asOf.receivedAt)} withSeconds />
    </p>
  );
}

export function InferredNotes({ notes }: { notes: string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className="mt-3 space-y-1 rounded-md border border-amber-200 bg-amber-50 p-2.5 text-xs text-amber-900" aria-label="Inferred state">
      {notes.map((note) => (
        <li key={note}>
          <strong className="font-semibold">Inferred:</strong> {note}
        </li>
      ))}
    </ul>
  );
}

export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[8.5rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

export function JsonValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-slate-500">none</span>;
  const text = JSON.stringify(value, null, 2);
  if (text === "{}") return <span className="text-slate-500">{"{}"}</span>;
  return <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs text-slate-800">{text}</pre>;
}

const CATEGORY_STYLES: Record<string, string> = {
  profile: "bg-indigo-50 text-indigo-800",
  organization: "bg-indigo-50 text-indigo-800",
  sessions: "bg-sky-50 text-sky-800",
  organizations: "bg-violet-50 text-violet-800",
  members: "bg-violet-50 text-violet-800",
  invitations: "bg-fuchsia-50 text-fuchsia-800",
  domains: "bg-teal-50 text-teal-800",
  messages: "bg-amber-50 text-amber-800",
  billing: "bg-emerald-50 text-emerald-800",
  other: "bg-slate-100 text-slate-700",
};

/** Category pills: links that keep the rest of the URL, so filtered views can be shared. */
export function CategoryFilter({
  categories,
  counts,
  total,
  active,
}: {
  categories: readonly TimelineCategory[];
  counts: Record<string, number>;
  total: number;
  active: string | null;
}) {
  const [params] = useSearchParams();
  const hrefFor = (key: string | null) => {
    const next = new URLSearchParams(params);
    next.delete("cursor");
    if (key) next.set("category", key);
    else next.delete("category");
    const search = next.toString();
    return search ? `?${search}` : "?";
  };
  const pills = [
    { key: null as string | null, label: "All", count: total },
    ...categories.map((c) => ({ key: c.key as string | null, label: c.label, count: counts[c.key] ?? 0 })),
    ...((counts.other ?? 0) > 0 ? [{ key: "other" as string | null, label: "Other", count: counts.other ?? 0 }] : []),
  ];
  return (
    <nav aria-label="Filter by category" className="flex flex-wrap gap-1.5">
      {pills.map((pill) => {
        const selected = pill.key === active;
        return (
          <Link
            key={pill.key ?? "all"}
            to={hrefFor(pill.key)}
            aria-current={selected ? "page" : undefined}
            preventScrollReset
            className={`rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${
              selected ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"
            } ${pill.count === 0 && !selected ? "border-dashed text-slate-500 ring-slate-200" : ""}`}
          >
            {pill.label} <span className={selected ? "text-indigo-100" : "text-slate-500"}>{pill.count.toLocaleString("en")}</span>
          </Link>
        );
      })}
    </nav>
  );
}

/** Newest first / oldest first, and envelope time / arrival order. */
export function TimelineOrder({ dir, sort }: { dir: "asc" | "desc"; sort: "timestamp" | "received" }) {
  const [params] = useSearchParams();
  const link = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    next.delete("cursor");
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    return `?${next}`;
  };
  const option = (selected: boolean, to: string, label: string) => (
    <Link
      to={to}
      preventScrollReset
      aria-current={selected ? "true" : undefined}
      className={`px-2 py-1 ${selected ? "bg-slate-100 font-semibold text-slate-900" : "text-slate-600 hover:text-slate-900"}`}
    >
      {label}
    </Link>
  );
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      <span className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white">
        {option(dir === "desc", link({ dir: "desc" }), "Newest first")}
        {option(dir === "asc", link({ dir: "asc" }), "Oldest first")}
      </span>
      <span className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white">
        {option(sort === "timestamp", link({ sort: "timestamp" }), "Envelope time")}
        {option(sort === "received", link({ sort: "received" }), "Arrival order")}
      </span>
    </div>
  );
}

export function TimelineList({ entries, emptyText }: { entries: TimelineEntry[]; emptyText: string }) {
  if (entries.length === 0) {
    return <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">{emptyText}</p>;
  }
  return (
    <ol className="space-y-4" data-testid="timeline">
      {groupByDay(entries).map((group) => (
        <li key={group.day}>
          <h3 className="sticky top-0 z-10 bg-white/95 py-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
            <time dateTime={group.day}>{new Date(`${group.day}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })}</time>
          </h3>
          <ol className="mt-1 divide-y divide-slate-100 rounded-md border border-slate-200">
            {group.entries.map((entry) => (
              <TimelineRow key={entry.id} entry={entry} />
            ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}

function TimelineRow({ entry }: { entry: TimelineEntry }) {
  return (
    <li
      data-testid="timeline-entry"
      data-type={entry.type}
      className={`grid grid-cols-[4.5rem_1fr] gap-3 px-3 py-2 text-sm ${entry.afterDeletion ? "bg-rose-50/40" : ""}`}
    >
      <time dateTime={new Date(entry.timestamp).toISOString()} title={new Date(entry.timestamp).toISOString()} className="pt-0.5 font-mono text-xs tabular-nums text-slate-500">
        {new Date(entry.timestamp).toISOString().slice(11, 19)}
      </time>
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-1.5">
          <span className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${CATEGORY_STYLES[entry.category] ?? CATEGORY_STYLES.other}`}>{entry.category}</span>
          <Link to={`/events/${entry.id}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline" title="Open the event, its payload and diff">
            {entry.type}
          </Link>
          {entry.knownType ? null : <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-600">not in catalog</span>}
          {entry.outOfOrder ? (
            <span title="It arrived after a later event of the same resource; it is shown in envelope-time order." className="rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20">
              arrived late
            </span>
          ) : null}
          {entry.deliveryCount > 1 ? (
            <span title="Svix delivered it more than once; it counts once." className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-600">
              delivered ×{entry.deliveryCount}
            </span>
          ) : null}
          {entry.afterDeletion ? (
            <span
              title={`Dated after ${entry.afterDeletion.type} at ${new Date(entry.afterDeletion.timestamp).toISOString()}`}
              className="rounded bg-rose-50 px-1.5 py-0.5 text-[11px] font-medium text-rose-800 ring-1 ring-inset ring-rose-600/20"
            >
              after {entry.afterDeletion.type}
            </span>
          ) : null}
        </div>
        <p className="mt-0.5 break-words text-slate-800">
          <TextWithEmails text={entry.summary} />
        </p>
        {entry.changes?.length ? (
          <ul className="mt-1 space-y-0.5 text-xs text-slate-600">
            {entry.changes.map((change) => (
              <li key={change.label}>
                {change.label}: <Before value={change.before} /> → <After value={change.after} />
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </li>
  );
}

const EMAIL_IN_TEXT = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}/g;

/** Text whose email addresses wrap at `@` and `.` only (see EmailText). */
export function TextWithEmails({ text }: { text: string }) {
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(EMAIL_IN_TEXT)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(<EmailText key={match.index} value={match[0]} />);
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return <>{text}</>;
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

export function Before({ value }: { value: string | null }) {
  return value === null ? (
    <span className="italic text-slate-600">none</span>
  ) : (
    <del className="break-words text-rose-700 decoration-rose-300">
      <TextWithEmails text={value} />
    </del>
  );
}

export function After({ value }: { value: string | null }) {
  return value === null ? (
    <span className="italic text-slate-600">none</span>
  ) : (
    <ins className="break-words text-emerald-800 no-underline">
      <TextWithEmails text={value} />
    </ins>
  );
}

export function Pagination({ nextCursor, firstPage }: { nextCursor: string | null; firstPage: boolean }) {
  const [params] = useSearchParams();
  if (!nextCursor && firstPage) return null;
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  const first = new URLSearchParams(params);
  first.delete("cursor");
  return (
    <nav className="mt-4 flex gap-3 text-sm" aria-label="Timeline pages">
      {!firstPage ? (
        <Link to={`?${first}`} preventScrollReset className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          First page
        </Link>
      ) : null}
      {nextCursor ? (
        <Link to={`?${next}`} preventScrollReset className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          Next page →
        </Link>
      ) : null}
    </nav>
  );
}
