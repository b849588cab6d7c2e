// Timeline entries as the pages and the API show them: the event list's fields
// (toApiEvent) plus a category, a one-line summary, and whether the event is dated after
// a deletion. Browser-safe types and the pure marking logic.
import { summarizeEvent } from "./event-summary";
import { compareEventOrder, type EventWithData, type LifecycleEvent } from "./lifecycle-event";
import { categoryOf, type TimelineCategory } from "./timeline-categories";
import { eventRef, type EventRef, type FieldChange } from "./user-state";

export interface TimelineEntry extends LifecycleEvent {
  category: string;
  summary: string;
  /** Set when a `*.deleted` of this resource, or of the page's subject, came earlier in envelope order. */
  afterDeletion: (EventRef & { resourceId: string | null }) | null;
  /** An `organization.created` on a user's timeline: the user created it (`created_by`). */
  createdBySubject?: boolean;
  /** For `user.updated`: the tracked fields it changed (see userFieldHistory). */
  changes?: { label: string; before: string | null; after: string | null }[];
}

export interface TimelineEntryContext {
  categories: readonly TimelineCategory[];
  /** `*.deleted` events that may precede entries: the subject's and the entries' own resources'. */
  deletions: LifecycleEvent[];
  /** The page's subject (a user or organization id); its deletion marks every later entry. */
  subjectId: string;
  changesByEvent?: Map<string, FieldChange[]>;
}

export function toTimelineEntry({ event, data }: EventWithData, context: TimelineEntryContext): TimelineEntry {
  const deletion =
    context.deletions.find(
      (candidate) =>
        candidate.id !== event.id &&
        compareEventOrder(candidate, event) < 0 &&
        (candidate.resourceId === context.subjectId ||
          (candidate.resourceId === event.resourceId && candidate.resourceType === event.resourceType)),
    ) ?? null;
  const changes = context.changesByEvent?.get(event.id)?.filter((change) => !change.initial);
  return {
    ...event,
    category: categoryOf(context.categories, event.resourceType),
    summary: summarizeEvent(event.type, data),
    afterDeletion: deletion ? { ...eventRef(deletion), resourceId: deletion.resourceId } : null,
    ...(changes?.length ? { changes: changes.map(({ label, before, after }) => ({ label, before, after })) } : {}),
  };
}

/** Entries grouped by UTC day, keeping their order (for the day headers on the pages). */
export function groupByDay<T extends { timestamp: number }>(entries: T[]): { day: string; entries: T[] }[] {
  const groups: { day: string; entries: T[] }[] = [];
  for (const entry of entries) {
    const day = new Date(entry.timestamp).toISOString().slice(0, 10);
    const last = groups.at(-1);
    if (last && last.day === day) last.entries.push(entry);
    else groups.push({ day, entries: [entry] });
  }
  return groups;
}
