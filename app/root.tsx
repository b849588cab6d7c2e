import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
} from "@remix-run/react";

import { openIssueCount } from "~/alerts/issues.server";
import { getSessionAccount } from "~/auth/session.server";
import { AppShell } from "~/components/app-shell";
import { useNonce } from "~/components/nonce";
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
    <html lang="en" className="h-full bg-slate-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
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

export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : "Something went wrong";
  const detail = isRouteErrorResponse(error)
    ? typeof error.data === "string"
      ? error.data
      : (error.data as { message?: string })?.message
    : "An unexpected error occurred. Reload the page; if it happens again, the server log has the details.";
  return (
    <AppShell account={null}>
      <div className="mx-auto max-w-xl rounded-lg border border-red-200 bg-white p-6">
        <h1 className="text-lg font-semibold text-red-800">{title}</h1>
        {detail ? <p className="mt-2 text-sm text-slate-700">{detail}</p> : null}
        <a href="/" className="mt-4 inline-block text-sm font-medium text-indigo-700 hover:underline">
          Back to Hookline
        </a>
      </div>
    </AppShell>
  );
}
