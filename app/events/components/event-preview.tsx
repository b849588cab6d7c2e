// A side panel that shows one event without leaving the list: what happened, what
// changed, and the payload. It loads the event page's own loader data, so it shows
// exactly what /events/:id shows (masking included).
import { Link, useFetcher } from "@remix-run/react";
import { useEffect } from "react";

import { JsonTree } from "~/components/json-tree";
import { PayloadDiffView } from "~/components/payload-diff-view";
import { RelativeTime } from "~/components/time";
import { summarizeEvent } from "~/lifecycle/event-summary";
import type { loader as eventLoader } from "~/routes/events.$id";

export function EventPreview({ id, onClose }: { id: string; onClose(): void }) {
  const fetcher = useFetcher<typeof eventLoader>();
  const { load } = fetcher;
  useEffect(() => {
    load(`/events/${encodeURIComponent(id)}`);
  }, [id, load]);
  const detail = fetcher.data && fetcher.data.detail.event.id === id ? fetcher.data.detail : null;
  const envelope = detail?.payload as { data?: Record<string, unknown> } | null | undefined;

  return (
    <aside
      aria-label="Event preview"
      className="fixed inset-x-0 bottom-0 top-14 z-30 flex flex-col border-l border-slate-200 bg-white shadow-2xl md:left-auto md:w-[34rem]"
      data-testid="event-preview"
      data-event-id={id}
    >
      <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-2.5">
        <h2 className="min-w-0 flex-1 truncate font-mono text-sm font-semibold">{detail?.event.type ?? "Loading…"}</h2>
        <Link to={`/events/${encodeURIComponent(id)}`} className="whitespace-nowrap rounded-md bg-indigo-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-indigo-700">
          Open event ↵
        </Link>
        <button type="button" onClick={onClose} className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100" aria-label="Close preview (Esc)">
          Close <kbd className="font-sans text-slate-500">Esc</kbd>
        </button>
      </div>
      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto p-4 text-sm">
        {!detail ? (
          <p className="text-slate-600" role="status">
            {fetcher.state === "idle" && fetcher.data === undefined ? "" : "Loading the event…"}
          </p>
        ) : (
          <>
            <div>
              <p className="text-base font-medium text-slate-900" data-testid="preview-summary">
                {summarizeEvent(detail.event.type, (envelope?.data as Record<string, unknown> | undefined) ?? null)}
              </p>
              <p className="mt-1 text-xs text-slate-600">
                <RelativeTime ms={detail.event.timestamp} /> · {detail.event.source} · {detail.deliveries.length} {detail.deliveries.length === 1 ? "delivery" : "deliveries"}
                {detail.event.outOfOrder ? " · arrived out of order" : ""}
              </p>
            </div>
            {detail.diff ? (
              <section aria-label="What changed">
                <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600">What changed</h3>
                <PayloadDiffView diff={detail.diff} currentId={detail.event.id} />
              </section>
            ) : null}
            <JsonTree value={detail.payload} maskedPaths={detail.maskedPaths} label="Payload" />
          </>
        )}
      </div>
      <p className="border-t border-slate-100 px-4 py-1.5 text-xs text-slate-600">
        <kbd>j</kbd>/<kbd>k</kbd> next and previous event · <kbd>Enter</kbd> open · <kbd>Esc</kbd> close
      </p>
    </aside>
  );
}

/**
 * j / k move the selection through the rows (and preview it), Enter opens the selected
 * event, Esc closes the preview. Keys typed into a field are left alone.
 */
export function usePreviewKeys({
  ids,
  selectedId,
  setSelectedId,
  open,
}: {
  ids: string[];
  selectedId: string | null;
  setSelectedId(id: string | null): void;
  open(id: string): void;
}) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (target?.closest("details[open], [role=dialog]")) return;
      if (event.key === "Escape" && selectedId) {
        setSelectedId(null);
        return;
      }
      if (event.key !== "j" && event.key !== "k" && event.key !== "Enter") return;
      if (event.key === "Enter") {
        // Enter on a focused link or button keeps its own meaning.
        if (!selectedId || (target && target.closest("a, button"))) return;
        event.preventDefault();
        open(selectedId);
        return;
      }
      if (ids.length === 0) return;
      event.preventDefault();
      const index = selectedId ? ids.indexOf(selectedId) : -1;
      const next = event.key === "j" ? Math.min(ids.length - 1, index + 1) : Math.max(0, index === -1 ? 0 : index - 1);
      setSelectedId(ids[next]);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [ids, selectedId, setSelectedId, open]);
}
