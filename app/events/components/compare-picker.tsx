// Compare this event's payload with another event of the same resource (a GET form: the choice is in the URL).
import { Form, Link } from "@remix-run/react";

export function ComparePicker({
  candidates,
  current,
  resource,
  searchParams,
}: {
  candidates: { id: string; type: string; timestamp: number }[];
  current: string | null;
  resource: string;
  searchParams: URLSearchParams;
}) {
  if (candidates.length === 0) return null;
  return (
    <Form method="get" className="mt-3 flex flex-wrap items-end gap-2 text-sm" preventScrollReset>
      <div>
        <label htmlFor="compare" className="block text-xs font-medium text-slate-600">
          Compare with another event of {resource}
        </label>
        <select id="compare" name="compare" defaultValue={current ?? ""} className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
          <option value="">The previous state (default)</option>
          {candidates.map((c) => (
            <option key={c.id} value={c.id}>
              {c.type} · {new Date(c.timestamp).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC")}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50">
        Compare
      </button>
      {searchParams.get("compare") ? (
        <Link to="?" preventScrollReset className="px-2 py-1.5 text-indigo-700 hover:underline">
          Back to the previous-state diff
        </Link>
      ) : null}
    </Form>
  );
}
