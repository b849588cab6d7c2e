import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";

import { openIssueCount } from "~/alerts/issues.server";
import { getSessionAccount } from "~/auth/session.server";
import { AppShell } from "~/components/app-shell";
import { useNonce } from "~/components/nonce";
import { ThemeScript } from "~/components/theme";
import { db } from "~/db/prisma.server";
import stylesheet from "~/tailwind.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await getSessionAccount(request);
  // The header's count of issues not resolved (one indexed count; issues are few).
  const openIssues = account ? await openIssueCount(db()) : 0;
  return { account: account ? { email: account.email, role: account.role } : null, openIssues };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    // suppressHydrationWarning: ThemeScript adds class="dark" before React hydrates.
    <html lang="en" className="h-full bg-slate-50" suppressHydrationWarning>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <ThemeScript />
        <Meta />
        <Links />
      </head>
      <body className="h-full text-slate-900 antialiased">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { account, openIssues } = useLoaderData<typeof loader>();
  return (
    <AppShell account={account} openIssues={openIssues}>
      <Outlet />
    </AppShell>
  );
}

/** The title of pages that set none, and of the error page. */
export const meta: MetaFunction = () => [{ title: "Hookline" }];

export function ErrorBoundary() {
  const error = useRouteError();
  // The root loader may have run (an error further down): keep the signed-in shell.
  const data = useRouteLoaderData<typeof loader>("root");
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound ? "Page not found" : isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : "Something went wrong";
  const raw = isRouteErrorResponse(error)
    ? typeof error.data === "string"
      ? error.data
      : (error.data as { message?: string })?.message
    : "An unexpected error occurred. Reload the page; if it happens again, the server log has the details.";
  // Router messages ("No route matches URL …") mean nothing to an operator.
  const detail = notFound ? "There is no page at this address. Check the link, or start again from the overview." : raw;
  return (
    <AppShell account={data?.account ?? null} openIssues={data?.openIssues ?? 0}>
      <div role="alert" className="mx-auto max-w-xl rounded-lg border border-red-200 bg-white p-6">
        <h1 className="text-lg font-semibold text-red-800">{title}</h1>
        {detail ? <p className="mt-2 text-sm text-slate-700">{detail}</p> : null}
        <a href="/" className="mt-4 inline-block text-sm font-medium text-indigo-700 hover:underline">
          Back to Hookline
        </a>
      </div>
    </AppShell>
  );
}
