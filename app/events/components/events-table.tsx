// The event list's table. Each row says what happened (Summary), when (relative, exact
// on hover), and flags only what is unusual: a type not in the catalog, more than one
// delivery, arrival out of order. Clicking a summary, or j/k, previews the event.
import { Link, useSearchParams } from "@remix-run/react";
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useEffect, useMemo, useRef, useState } from "react";

import { CopyButton } from "~/components/copy-button";
import { OutcomeBadge } from "~/components/outcome-badge";
import { RelativeTime } from "~/components/time";
import { withParams } from "~/events/event-list-params";
import type { ApiEvent } from "~/events/event-query.server";
import { summarizeEvent } from "~/lifecycle/event-summary";
import { useColumnVisibility } from "./column-menu";

function IdCell({ id }: { id: string | null }) {
  if (!id) return <span className="text-slate-500">—</span>;
  return (
    // The copy button lies over the end of the truncated id while the row is hovered or
    // the button focused, so it takes no column width of its own.
    <span className="group/id relative inline-flex items-center">
      <Link
        to={`/events?resource=${encodeURIComponent(id)}`}
        className="block max-w-[10rem] truncate font-mono text-xs text-slate-700 hover:text-indigo-700 hover:underline"
        title={`${id}: every event about it`}
      >
        {id}
      </Link>
      <CopyButton
        text={id}
        label="Copy"
        title={`Copy ${id}`}
        className="absolute right-0 top-1/2 -translate-y-1/2 opacity-0 shadow-sm focus:opacity-100 group-hover/row:opacity-100 group-hover/id:opacity-100"
      />
    </span>
  );
}

function SortHeader({ label, sortKey, sort, dir }: { label: string; sortKey: "timestamp" | "received"; sort: string; dir: string }) {
  const [searchParams] = useSearchParams();
  const active = sort === sortKey;
  const nextDir = active && dir === "desc" ? "asc" : "desc";
  return (
    <Link
      to={`/events${withParams(searchParams, { sort: sortKey, dir: nextDir, cursor: null })}`}
      className={`inline-flex items-center gap-1 hover:text-slate-900 ${active ? "text-slate-900" : ""}`}
      title={`Order by ${sortKey === "timestamp" ? "envelope time" : "time received"}`}
    >
      {label}
      <span aria-hidden>{active ? (dir === "desc" ? "↓" : "↑") : "↕"}</span>
    </Link>
  );
}

const flagClass = "inline-flex whitespace-nowrap rounded px-1.5 text-[11px] font-medium ring-1 ring-inset";

function Flags({ event, show }: { event: ApiEvent; show: { deliveries: boolean; order: boolean } }) {
  return (
    <>
      {!event.knownType ? (
        <span className={`${flagClass} bg-amber-50 text-amber-900 ring-amber-600/20`} title="Not in Hookline's event catalog">
          new type
        </span>
      ) : null}
      {show.deliveries && event.deliveryCount > 1 ? (
        <span className={`${flagClass} bg-sky-50 text-sky-800 ring-sky-600/20`} title="Svix delivered this message more than once; later copies were kept as duplicates" data-testid="duplicate-flag">
          delivered ×{event.deliveryCount}
        </span>
      ) : null}
      {show.order && event.outOfOrder ? (
        <span className={`${flagClass} bg-amber-50 text-amber-900 ring-amber-600/20`} title="Arrived after a later state of the same resource" data-testid="out-of-order">
          out of order
        </span>
      ) : null}
    </>
  );
}

export function EventsTable({
  events,
  summaries,
  sort,
  dir,
  loading,
  liveOn,
  selectedId,
  onSelect,
}: {
  events: ApiEvent[];
  /** Server-made summaries by event id; live rows fall back to what the type says. */
  summaries: Record<string, string>;
  sort: "timestamp" | "received";
  dir: "desc" | "asc";
  loading: boolean;
  liveOn: boolean;
  selectedId: string | null;
  onSelect(id: string): void;
}) {
  const [visibility, setVisibility] = useColumnVisibility();
  const fresh = useFreshRows(events, liveOn);
  const flagsFor = { deliveries: visibility.deliveries === false, order: visibility.order === false };

  const columns = useMemo<ColumnDef<ApiEvent>[]>(
    () => [
      {
        id: "time",
        header: () => <SortHeader label="Time" sortKey="timestamp" sort={sort} dir={dir} />,
        cell: ({ row }) => (
          <Link to={`/events/${row.original.id}`} className="text-slate-700 hover:text-indigo-700 hover:underline">
            <RelativeTime ms={row.original.timestamp} />
          </Link>
        ),
      },
      {
        id: "received",
        header: () => <SortHeader label="Received" sortKey="received" sort={sort} dir={dir} />,
        cell: ({ row }) => <RelativeTime ms={Date.parse(row.original.receivedAt)} />,
      },
      {
        id: "type",
        header: "Type",
        enableHiding: false,
        cell: ({ row }) => (
          <span className="inline-flex items-center gap-1.5">
            <Link to={`/events/${row.original.id}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline" data-testid="event-type-link">
              {row.original.type}
            </Link>
            <Flags event={row.original} show={flagsFor} />
          </span>
        ),
      },
      {
        id: "summary",
        header: "Summary",
        cell: ({ row }) => {
          const text = summaries[row.original.id] ?? summarizeEvent(row.original.type, null);
          return (
            <button
              type="button"
              onClick={() => onSelect(row.original.id)}
              className="block max-w-[24rem] truncate text-left text-slate-800 hover:text-indigo-700 hover:underline"
              title={`${text}. Preview (j/k to move, Enter to open)`}
              data-testid="event-summary"
            >
              {text}
            </button>
          );
        },
      },
      { id: "resource", header: "Resource", cell: ({ row }) => <IdCell id={row.original.resourceId} /> },
      { id: "user", header: "User", cell: ({ row }) => <IdCell id={row.original.userId} /> },
      { id: "organization", header: "Organization", cell: ({ row }) => <IdCell id={row.original.organizationId} /> },
      {
        id: "source",
        header: "Source",
        cell: ({ row }) => (
          <span className="block max-w-[10rem] truncate text-slate-700" title={row.original.source}>
            {row.original.source}
          </span>
        ),
      },
      { id: "deliveries", header: () => <span className="block text-right">Deliveries</span>, cell: ({ row }) => <span className="block text-right tabular-nums">{row.original.deliveryCount}</span> },
      { id: "outcome", header: "Outcome", cell: ({ row }) => <OutcomeBadge outcome={row.original.deliveryCount > 1 ? "duplicate" : "verified"} /> },
      {
        id: "order",
        header: "Order",
        cell: ({ row }) => (row.original.outOfOrder ? <Flags event={{ ...row.original, knownType: true, deliveryCount: 1 }} show={{ deliveries: false, order: true }} /> : null),
      },
    ],
    // flagsFor is rebuilt each render; its two booleans are what matters.
    [sort, dir, summaries, onSelect, flagsFor.deliveries, flagsFor.order],
  );

  const table = useReactTable({
    data: events,
    columns,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    state: { columnVisibility: visibility },
    onColumnVisibilityChange: (updater) => setVisibility(typeof updater === "function" ? updater(visibility) : updater),
  });

  // Keep the selected row in view as j/k move through the list.
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (!selectedId) return;
    body.current?.querySelector(`[data-event-id="${CSS.escape(selectedId)}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selectedId]);

  return (
    <div className={`mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white transition-opacity ${loading ? "opacity-60" : ""}`} aria-busy={loading}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="events-table">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th
                  key={header.id}
                  scope="col"
                  className="whitespace-nowrap px-3 py-2"
                  aria-sort={
                    (header.id === "time" && sort === "timestamp") || (header.id === "received" && sort === "received")
                      ? dir === "desc"
                        ? "descending"
                        : "ascending"
                      : undefined
                  }
                >
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100" ref={body}>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              className={`group/row ${row.id === selectedId ? "bg-indigo-50 outline outline-2 -outline-offset-2 outline-indigo-500" : fresh.has(row.id) ? "bg-indigo-50" : "hover:bg-slate-50"}`}
              data-selected={row.id === selectedId || undefined}
              data-testid="event-row"
              data-event-id={row.id}
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="whitespace-nowrap px-3 py-2">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Rows that appeared since the previous render while live, highlighted for a few seconds. */
function useFreshRows(events: ApiEvent[], liveOn: boolean): Set<string> {
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  useEffect(() => {
    const ids = events.map((e) => e.id);
    const previous = seen.current;
    seen.current = new Set(ids);
    if (!previous || !liveOn) return;
    const added = ids.filter((id) => !previous.has(id));
    if (added.length === 0) return;
    setFresh(new Set(added));
    const timer = window.setTimeout(() => setFresh(new Set()), 4000);
    return () => window.clearTimeout(timer);
  }, [events, liveOn]);
  return fresh;
}
