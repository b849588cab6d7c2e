// /settings: API tokens for everyone; accounts, sources and the audit log for admins.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  return { isAdmin: hasRole(account.role, "admin") };
}

const TABS = [
  { to: "/settings/tokens", label: "API tokens", admin: false },
  { to: "/settings/accounts", label: "Accounts", admin: true },
  { to: "/settings/sources", label: "Sources", admin: true },
  { to: "/settings/notifications", label: "Notifications", admin: true },
  { to: "/settings/audit", label: "Audit log", admin: true },
];

export default function Settings() {
  const { isAdmin } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1 className="text-xl font-semibold">Settings</h1>
      <nav className="mt-3 flex gap-1 overflow-x-auto border-b border-slate-200 text-sm" aria-label="Settings">
        {TABS.filter((tab) => isAdmin || !tab.admin).map((tab) => (
          <NavLink
            key={tab.to}
            to={tab.to}
            className={({ isActive }) =>
              `-mb-px whitespace-nowrap border-b-2 px-3 py-2 font-medium ${isActive ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"}`
            }
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <div className="mt-6">
        <Outlet />
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Settings · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/settings/tokens" backLabel="Back to settings" />;
}
