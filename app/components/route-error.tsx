import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

/** A route's error state inside the app shell: what went wrong and where to go next. */
export function RouteError({ backTo, backLabel }: { backTo: string; backLabel: string }) {
  const error = useRouteError();
  const title = isRouteErrorResponse(error)
    ? error.status === 404
      ? "Not found"
      : error.status === 403
        ? "Not allowed"
        : `${error.status} ${error.statusText}`
    : "Something went wrong";
  const detail = isRouteErrorResponse(error)
    ? typeof error.data === "string"
      ? error.data
      : (error.data as { message?: string; error?: string } | null)?.message ?? (error.data as { error?: string } | null)?.error
    : "An unexpected error occurred. Reload the page; if it happens again, the server log has the details.";
  return (
    <div role="alert" className="mx-auto mt-6 max-w-xl rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-lg font-semibold text-red-800">{title}</h1>
      {detail ? <p className="mt-2 text-sm text-slate-700">{detail}</p> : null}
      <Link to={backTo} className="mt-4 inline-block text-sm font-medium text-indigo-700 hover:underline">
        {backLabel}
      </Link>
    </div>
  );
}
