// What the /events page needs for one URL: a page of events, the sources to filter by,
// and (streamed, so the table never waits for them) counts per type and the number
// of events a bulk replay of this filter would send.
import { hasRole, type Role } from "~/auth/roles";
import type { DatabaseHandle } from "~/db/prisma.server";
import { eventFilterToSearchParams, type EventFilter } from "./event-filter";
import { parseEventListPage } from "./event-list-params";
import { InvalidCursorError, listEvents, type ApiEvent } from "./event-query.server";
import { countEventsByType, totalForTypes, type TypeCounts } from "./event-type-counts.server";

export interface EventListSource {
  slug: string;
  name: string;
}

export type EventListPage =
  | {
      ok: true;
      events: ApiEvent[];
      nextCursor: string | null;
      isFirstPage: boolean;
      /** Any filter beyond sort/limit is set. */
      filtered: boolean;
      sort: "timestamp" | "received";
      dir: "desc" | "asc";
      /** The filter as URL params with absolute times (presets resolved), for replay links. */
      filterSearch: string;
      sources: EventListSource[];
      typeCounts: Promise<TypeCounts>;
      /** Operators and admins: how many events "replay these" would send. */
      replayCount: Promise<number> | null;
    }
  | { ok: false; parameter: string; message: string; sources: EventListSource[] };

export function isFiltered(filter: Partial<EventFilter>): boolean {
  return Boolean(
    (filter.type && filter.type.length > 0) || filter.outcome || filter.source || filter.resource || filter.q || filter.from || filter.to,
  );
}

export async function loadEventListPage(
  handle: DatabaseHandle,
  params: URLSearchParams,
  options: { role: Role; now?: number },
): Promise<EventListPage> {
  const sources = await handle.db.source.findMany({ select: { slug: true, name: true }, orderBy: { slug: "asc" } });
  const parsed = parseEventListPage(params, options.now ?? Date.now());
  if (!parsed.ok) return { ...parsed, sources };
  const { query } = parsed.value;
  let page: Awaited<ReturnType<typeof listEvents>>;
  try {
    page = await listEvents(handle, query);
  } catch (error) {
    if (error instanceof InvalidCursorError) return { ok: false, parameter: "cursor", message: error.message, sources };
    throw error;
  }
  const typeCounts = countEventsByType(handle, query.filter);
  // The counts per type are under every filter but the type, so the filter's total is
  // their sum over the selected types: no second COUNT(*).
  const replayCount = hasRole(options.role, "operator") ? typeCounts.then((counts) => totalForTypes(counts, query.filter.type)) : null;
  // Unhandled rejections of streamed promises would crash the process; the page shows them.
  typeCounts.catch(() => undefined);
  replayCount?.catch(() => undefined);
  return {
    ok: true,
    events: page.events,
    nextCursor: page.nextCursor,
    isFirstPage: !query.cursor,
    filtered: isFiltered(query.filter),
    sort: query.sort,
    dir: query.dir,
    filterSearch: eventFilterToSearchParams(query.filter).toString(),
    sources,
    typeCounts,
    replayCount,
  };
}
