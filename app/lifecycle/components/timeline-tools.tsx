// Search within a timeline and jump to a date: a GET form, so the view is in the URL
// (bookmark it, send it to a colleague, go back). Keeps the category and the order.
import { Form, Link, useSearchParams } from "@remix-run/react";

export function TimelineTools({ q, at, dir }: { q: string | null; at: string | null; dir: "asc" | "desc" }) {
  const [params] = useSearchParams();
  const kept = ["category", "dir", "sort"].flatMap((name) => {
    const value = params.get(name);
    return value ? [[name, value] as const] : [];
  });
  const cleared = new URLSearchParams(kept.map(([name, value]) => [name, value]));
  return (
    <Form method="get" preventScrollReset className="flex flex-wrap items-end gap-2" role="search" aria-label="Search this timeline" data-testid="timeline-tools">
      {kept.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="min-w-[12rem] flex-1">
        <label htmlFor="timeline-q" className="block text-xs font-medium text-slate-700">
          Search this timeline
        </label>
        <input
          id="timeline-q"
          name="q"
          type="search"
          defaultValue={q ?? ""}
          placeholder="Acme, sess_…, session.ended, an email…"
          className="mt-0.5 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
        />
      </div>
      <div>
        <label htmlFor="timeline-at" className="block text-xs font-medium text-slate-700">
          Jump to date (UTC)
        </label>
        <input
          id="timeline-at"
          name="at"
          type="date"
          defaultValue={at ?? ""}
          className="mt-0.5 block rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
        />
      </div>
      <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">
        Go
      </button>
      {q || at ? (
        <p className="basis-full text-xs text-slate-700" data-testid="timeline-tools-active">
          {q ? (
            <>
              Events whose payload has “<span className="font-medium">{q}</span>” or whose type starts with it
            </>
          ) : (
            "All events"
          )}
          {at ? `, ${dir === "desc" ? "up to the end of" : "from"} ${at} UTC` : ""}.{" "}
          <Link to={`?${cleared}`} preventScrollReset className="font-medium text-indigo-700 hover:underline">
            Clear
          </Link>
        </p>
      ) : null}
    </Form>
  );
}
