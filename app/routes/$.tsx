// Any address no other route answers (issue 13, G). Matching it here, rather than
// leaving it unmatched, lets the root loader run, so the 404 page keeps the signed-in
// header and navigation, and shows no router internals.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLocation, useRouteLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import type { loader as rootLoader } from "~/root";

export async function loader({ request }: LoaderFunctionArgs) {
  // Signed-out visitors go to the sign-in page, as for every real page: which
  // addresses exist is nothing to tell a stranger.
  await requireUser(request);
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export const meta: MetaFunction = () => [{ title: "Page not found · Hookline" }];

export function ErrorBoundary() {
  const location = useLocation();
  const root = useRouteLoaderData<typeof rootLoader>("root");
  return (
    <div role="alert" className="mx-auto mt-6 max-w-xl rounded-lg border border-slate-200 bg-white p-6" data-testid="not-found">
      <h1 className="text-lg font-semibold text-slate-900">Page not found</h1>
      <p className="mt-2 text-sm text-slate-700">
        Nothing lives at <code className="break-all rounded bg-slate-100 px-1 font-mono text-xs">{location.pathname}</code>. The link may be old, or the
        address mistyped.
      </p>
      <p className="mt-4 flex flex-wrap gap-4 text-sm font-medium">
        {root?.account ? (
          <>
            <Link to="/" className="text-indigo-700 hover:underline">
              Overview
            </Link>
            <Link to="/events" className="text-indigo-700 hover:underline">
              Events
            </Link>
            <Link to="/search" className="text-indigo-700 hover:underline">
              Search by id or email
            </Link>
          </>
        ) : (
          <Link to="/login" className="text-indigo-700 hover:underline">
            Sign in
          </Link>
        )}
      </p>
    </div>
  );
}
