// The event list: filters in the URL, live rows over the event stream, a summary per
// row, and a preview panel. The pieces live in app/events/components/.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { useCallback, useMemo, useState } from "react";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { TimeZoneToggle } from "~/components/time";
import { env } from "~/config/env.server";
import { database } from "~/db/prisma.server";
import { ColumnMenu } from "~/events/components/column-menu";
import { EmptyState, NoMatches } from "~/events/components/event-list-empty";
import { EventFilterForm } from "~/events/components/event-filter-form";
import { EventPreview, usePreviewKeys } from "~/events/components/event-preview";
import { EventsTable } from "~/events/components/events-table";
import { mergeLiveEvents, streamFilterFor } from "~/events/components/live-events";
import { LiveToggle, useLiveMode } from "~/events/components/live-toggle";
import { ReplayLink } from "~/events/components/replay-link";
import { DEFAULT_LIMIT } from "~/events/event-filter";
import { withParams } from "~/events/event-list-params";
import { loadEventListPage } from "~/events/event-list.server";
import { summarizeEventsById } from "~/events/event-summaries.server";
import { ExportLinks } from "~/export/components/export-links";

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const url = new URL(request.url);
  const handle = database();
  const page = await loadEventListPage(handle, url.searchParams, { role: account.role });
  return {
    page,
    summaries: page.ok ? await summarizeEventsById(handle, page.events) : {},
    mayReplay: hasRole(account.role, "operator"),
    ingestUrl: `${url.origin}/webhooks/clerk`,
    secretConfigured: Boolean(env().CLERK_WEBHOOK_SIGNING_SECRET),
    /** Server time of this load: live mode streams from just before it. */
    loadedAt: Date.now(),
  };
}

export default function Events() {
  const { page, summaries, mayReplay, ingestUrl, secretConfigured, loadedAt } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/events";
  const live = useLiveMode(page.ok && page.isFirstPage && page.dir === "desc", streamFilterFor(searchParams), loadedAt);
  const limit = Number(searchParams.get("limit")) || DEFAULT_LIMIT;
  const events = page.ok ? mergeLiveEvents(page.events, live.events, page.sort, limit) : [];

  const [selectedId, setSelectedId] = useState<string | null>(null);
  const ids = useMemo(() => events.map((e) => e.id), [events]);
  const open = useCallback((id: string) => navigate(`/events/${encodeURIComponent(id)}`), [navigate]);
  usePreviewKeys({ ids, selectedId, setSelectedId, open });
  const pageIds = useMemo(() => new Set(page.ok ? page.events.map((e) => e.id) : []), [page]);
  const liveCount = live.events.filter((e) => !pageIds.has(e.id)).length;

  return (
    <div className={selectedId ? "md:pr-[34rem]" : undefined}>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Events</h1>
          <p className="text-sm text-slate-600">Verified Clerk events, one per svix-id, in envelope-time order. Filters live in the URL: bookmark or share it.</p>
        </div>
        <div className="flex items-center gap-3 text-sm">
          {loading ? (
            <span className="inline-flex items-center gap-1.5 text-slate-600" role="status">
              <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
              Loading…
            </span>
          ) : null}
          <LiveToggle live={live} />
        </div>
      </div>

      <EventFilterForm key={searchParams.toString()} sources={page.sources} counts={page.ok ? page.typeCounts : null} />

      {!page.ok ? (
        <div role="alert" className="mt-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900" data-testid="filter-error">
          <p className="font-medium">{page.message}</p>
          <p className="mt-1">
            Fix the <code>{page.parameter}</code> field above, or{" "}
            <Link to="/events" className="font-medium underline">
              clear all filters
            </Link>
            .
          </p>
        </div>
      ) : events.length === 0 && page.isFirstPage && !page.filtered ? (
        <EmptyState ingestUrl={ingestUrl} secretConfigured={secretConfigured} />
      ) : (
        <>
          <div className="mt-4 flex flex-wrap items-center gap-3 text-sm">
            {mayReplay && page.filtered ? <ReplayLink key={page.filterSearch} count={page.replayCount} filterSearch={page.filterSearch} liveCount={liveCount} /> : null}
            <ExportLinks filterSearch={page.filterSearch} sort={page.sort} dir={page.dir} />
            <div className="ml-auto flex items-center gap-2">
              <span className="hidden text-xs text-slate-600 lg:inline" aria-hidden>
                Click a summary or press <kbd>j</kbd>/<kbd>k</kbd> to preview
              </span>
              <TimeZoneToggle />
              <ColumnMenu />
            </div>
          </div>
          <EventsTable
            events={events}
            summaries={summaries}
            sort={page.sort}
            dir={page.dir}
            loading={loading}
            liveOn={live.on && live.available}
            selectedId={selectedId}
            onSelect={setSelectedId}
          />
          {events.length === 0 ? <NoMatches isFirstPage={page.isFirstPage} /> : null}
          <nav className="mt-4 flex items-center gap-3 text-sm" aria-label="Pagination">
            {!page.isFirstPage ? (
              <Link to={`/events${withParams(searchParams, { cursor: null })}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
                ← Newest
              </Link>
            ) : null}
            {page.nextCursor ? (
              <Link
                to={`/events${withParams(searchParams, { cursor: page.nextCursor })}`}
                className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
                data-testid="next-page"
              >
                {page.dir === "desc" ? "Older" : "Newer"} →
              </Link>
            ) : null}
            <span className="text-slate-600">
              {page.events.length} on this page{page.nextCursor ? "" : page.isFirstPage ? "" : " (the last page)"}
            </span>
          </nav>
        </>
      )}
      {selectedId ? <EventPreview id={selectedId} onClose={() => setSelectedId(null)} /> : null}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Events · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
