import { Form, NavLink } from "@remix-run/react";

const NAV = [
  { to: "/", label: "Overview" },
  { to: "/events", label: "Events" },
  { to: "/deliveries", label: "Deliveries" },
  { to: "/billing", label: "Billing" },
  { to: "/targets", label: "Targets" },
  { to: "/replays", label: "Replays" },
  { to: "/listeners", label: "Listeners" },
  { to: "/issues", label: "Issues" },
  { to: "/settings", label: "Settings" },
];

export function AppShell({
  account,
  openIssues = 0,
  children,
}: {
  account: { email: string; role: string } | null;
  /** Issues not resolved (app/alerts), shown on the Issues link. */
  openIssues?: number;
  children: React.ReactNode;
}) {
  return (
    <div className="min-h-full">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4">
          <a href="/" className="flex items-center gap-2 font-semibold tracking-tight text-slate-900">
            <span aria-hidden className="inline-block h-5 w-5 rounded bg-indigo-600" />
            Hookline
          </a>
          {account ? (
            <nav className="flex gap-1 text-sm" aria-label="Main">
              {NAV.map((item) => (
                <NavLink
                  key={item.to}
                  to={item.to}
                  end={item.to === "/"}
                  className={({ isActive }) =>
                    `rounded px-3 py-1.5 font-medium ${isActive ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:text-slate-900"}`
                  }
                >
                  {item.label}
                  {item.to === "/issues" && openIssues > 0 ? (
                    <span
                      data-testid="open-issues-count"
                      aria-label={`${openIssues} open ${openIssues === 1 ? "issue" : "issues"}`}
                      className="ml-1.5 rounded-full bg-rose-600 px-1.5 py-0.5 text-xs font-semibold text-white"
                    >
                      {openIssues}
                    </span>
                  ) : null}
                </NavLink>
              ))}
            </nav>
          ) : null}
          <div className="ml-auto flex items-center gap-3 text-sm">
            {account ? (
              <>
                {/* One box for any Clerk id, email or svix-id: /search goes straight to the page that answers it. */}
                <Form method="get" action="/search" role="search" className="hidden md:block">
                  <label htmlFor="header-search" className="sr-only">
                    Search by id, email or svix-id
                  </label>
                  <input
                    id="header-search"
                    name="q"
                    type="search"
                    placeholder="user_…, org_…, email, msg_…"
                    className="w-56 rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1 font-mono text-xs placeholder:font-sans focus:border-indigo-500 focus:bg-white focus:outline-none focus:ring-1 focus:ring-indigo-500 lg:w-72"
                  />
                </Form>
                <NavLink to="/search" className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900 md:hidden">
                  Search
                </NavLink>
                <span className="text-slate-600">
                  {account.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{account.role}</span>
                </span>
                <Form method="post" action="/logout">
                  <button type="submit" className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                    Sign out
                  </button>
                </Form>
              </>
            ) : null}
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
