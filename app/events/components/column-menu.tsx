// Which columns the event list shows, remembered in this browser. Columns that say the
// same on almost every row (Order, Deliveries, Outcome) are off by default; the rows
// that differ carry a flag beside their type instead (./events-table.tsx).
import type { VisibilityState } from "@tanstack/react-table";
import { useEffect, useState } from "react";

import { useDismissable } from "./use-dismissable";

const COLUMNS_KEY = "hookline:events:columns";

export const COLUMN_LABELS: Record<string, string> = {
  time: "Time",
  received: "Received",
  type: "Type",
  summary: "Summary",
  resource: "Resource",
  user: "User",
  organization: "Organization",
  source: "Source",
  deliveries: "Deliveries",
  outcome: "Outcome",
  order: "Order",
};

export const DEFAULT_VISIBILITY: VisibilityState = { received: false, deliveries: false, outcome: false, order: false };

export function useColumnVisibility(): [VisibilityState, (next: VisibilityState) => void] {
  const [visibility, setVisibility] = useState<VisibilityState>(DEFAULT_VISIBILITY);
  useEffect(() => {
    try {
      const stored = JSON.parse(window.localStorage.getItem(COLUMNS_KEY) ?? "null") as VisibilityState | null;
      if (stored && typeof stored === "object") setVisibility({ ...DEFAULT_VISIBILITY, ...stored });
    } catch {
      // a corrupt preference is just ignored
    }
    const onChange = (event: Event) => setVisibility((event as CustomEvent<VisibilityState>).detail);
    window.addEventListener(COLUMNS_KEY, onChange);
    return () => window.removeEventListener(COLUMNS_KEY, onChange);
  }, []);
  return [
    visibility,
    (next) => {
      window.localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
      // The menu and the table are separate components; both follow one preference.
      window.dispatchEvent(new CustomEvent(COLUMNS_KEY, { detail: next }));
    },
  ];
}

export function ColumnMenu() {
  const [visibility, setVisibility] = useColumnVisibility();
  const ref = useDismissable();
  return (
    <details ref={ref} className="relative" data-testid="column-menu">
      <summary className="cursor-pointer list-none rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 [&::-webkit-details-marker]:hidden">
        Columns ▾
      </summary>
      <fieldset className="absolute right-0 z-20 mt-1 w-56 rounded-lg border border-slate-200 bg-white p-2 shadow-lg">
        <legend className="sr-only">Show columns</legend>
        {Object.entries(COLUMN_LABELS)
          .filter(([id]) => id !== "type")
          .map(([id, label]) => (
            <label key={id} className="flex items-center gap-2 px-1 py-0.5 text-sm text-slate-700">
              <input
                type="checkbox"
                checked={visibility[id] !== false}
                onChange={(e) => setVisibility({ ...visibility, [id]: e.target.checked })}
                className="rounded border-slate-300"
              />
              {label}
            </label>
          ))}
        <p className="mt-1 border-t border-slate-100 px-1 pt-1 text-xs text-slate-600">Hidden columns still flag their exceptions beside the type.</p>
      </fieldset>
    </details>
  );
}
