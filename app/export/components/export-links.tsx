// "Export" on /events: the current filter (absolute times, presets resolved) and order
// as a file, through /events/export (app/routes/events.export.tsx).
export function exportHref(filterSearch: string, sort: string, dir: string, format: "ndjson" | "csv"): string {
  const params = new URLSearchParams(filterSearch);
  if (sort !== "timestamp") params.set("sort", sort);
  if (dir !== "desc") params.set("dir", dir);
  params.set("format", format);
  return `/events/export?${params}`;
}

export function ExportLinks({ filterSearch, sort, dir }: { filterSearch: string; sort: string; dir: string }) {
  const link = "rounded border border-slate-300 bg-white px-2 py-1 font-medium text-slate-700 hover:bg-slate-50";
  return (
    <span className="inline-flex items-center gap-1.5" data-testid="export-links" title="Every event of this filter, not only this page">
      <span className="text-slate-600">Export</span>
      <a href={exportHref(filterSearch, sort, dir, "csv")} download className={link} data-testid="export-csv">
        CSV
      </a>
      <a href={exportHref(filterSearch, sort, dir, "ndjson")} download className={link} data-testid="export-ndjson">
        NDJSON
      </a>
    </span>
  );
}
