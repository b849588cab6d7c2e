import { Form, NavLink, useLocation, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";

import { ThemeToggle } from "./theme";

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

// Below 1280 px the nine links do not fit beside the search box: they fold into a
// "Menu" panel (issue 13, G). It is one <nav> either way, so the links and the open
// issues count exist once.
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
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname, location.search]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setMenuOpen(false);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);
  const issuesLabel = `${openIssues} open ${openIssues === 1 ? "issue" : "issues"}`;

  return (
    <div className="min-h-full">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-indigo-600 focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-white"
      >
        Skip to content
      </a>
      <NavigationProgress />
      <header className="relative border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4">
          <a href="/" className="flex shrink-0 items-center gap-2 font-semibold tracking-tight text-slate-900">
            <span aria-hidden className="inline-block h-5 w-5 rounded bg-indigo-600" />
            Hookline
          </a>
          {account ? (
            <nav
              id="main-nav"
              aria-label="Main"
              className={`${menuOpen ? "absolute inset-x-0 top-14 z-40 grid grid-cols-2 gap-1 border-b border-slate-200 bg-white p-3 shadow-lg sm:grid-cols-3" : "hidden"} text-sm xl:static xl:flex xl:gap-0.5 xl:border-0 xl:p-0 xl:shadow-none`}
            >
              {NAV.map((item) => (
                <NavLink
                  key={item.to}
                  to={item.to}
                  end={item.to === "/"}
                  className={({ isActive }) =>
                    `whitespace-nowrap rounded px-2.5 py-1.5 font-medium ${isActive ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:text-slate-900"}`
                  }
                >
                  {item.label}
                  {item.to === "/issues" && openIssues > 0 ? (
                    <span
                      data-testid="open-issues-count"
                      aria-label={issuesLabel}
                      className="ml-1.5 rounded-full bg-rose-600 px-1.5 py-0.5 text-xs font-semibold text-white"
                    >
                      {openIssues}
                    </span>
                  ) : null}
                </NavLink>
              ))}
              {menuOpen ? (
                <div className="col-span-full mt-2 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-2 text-slate-600 xl:hidden">
                  <span className="min-w-0 break-all">{account.email}</span>
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{account.role}</span>
                  {/* On phones the header has no room for Sign out; it sits here. */}
                  <Form method="post" action="/logout" className="ml-auto sm:hidden">
                    <button type="submit" className="rounded border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-100">
                      Sign out
                    </button>
                  </Form>
                </div>
              ) : null}
            </nav>
          ) : null}
          <div className="ml-auto flex items-center gap-1.5 text-sm sm:gap-2">
            {account ? (
              <>
                {/* One box for any Clerk id, email or svix-id: /search goes straight to the page that answers it. */}
                <Form method="get" action="/search" role="search" className="hidden md:block">
                  <label htmlFor="header-search" className="sr-only">
                    Search by name, id, email or svix-id
                  </label>
                  <input
                    id="header-search"
                    name="q"
                    type="search"
                    placeholder="Name, user_…, email, msg_…"
                    className="w-52 rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1 font-mono text-xs placeholder:font-sans placeholder:text-slate-500 focus:border-indigo-500 focus:bg-white focus:outline-none focus:ring-1 focus:ring-indigo-500 2xl:w-72"
                  />
                </Form>
                <NavLink to="/search" className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900 md:hidden">
                  Search
                </NavLink>
                <span className="hidden items-center gap-1.5 text-slate-600 md:inline-flex" title={`Signed in as ${account.email} (${account.role})`}>
                  <span className="hidden max-w-[14rem] truncate 2xl:inline">{account.email}</span>
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{account.role}</span>
                </span>
                <ThemeToggle />
                <Form method="post" action="/logout" className="hidden sm:block">
                  <button type="submit" className="whitespace-nowrap rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                    Sign out
                  </button>
                </Form>
                <button
                  type="button"
                  className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-md border border-slate-300 px-2.5 py-1 font-medium text-slate-700 hover:bg-slate-100 xl:hidden"
                  aria-expanded={menuOpen}
                  aria-controls="main-nav"
                  onClick={() => setMenuOpen((open) => !open)}
                  data-testid="menu-button"
                >
                  <span aria-hidden>{menuOpen ? "✕" : "☰"}</span>
                  Menu
                  {openIssues > 0 && !menuOpen ? (
                    <span aria-label={issuesLabel} className="rounded-full bg-rose-600 px-1.5 text-xs font-semibold text-white">
                      {openIssues}
                    </span>
                  ) : null}
                </button>
              </>
            ) : (
              <ThemeToggle />
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        {children}
      </main>
    </div>
  );
}

/**
 * A thin bar under the top edge while a page loads or a form submits, shown only after
 * 150 ms so quick navigations do not flicker.
 */
function NavigationProgress() {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!busy) {
      setVisible(false);
      return;
    }
    const timer = window.setTimeout(() => setVisible(true), 150);
    return () => window.clearTimeout(timer);
  }, [busy]);
  return (
    <div
      // Decorative: the page's own "Loading…" states speak to screen readers.
      aria-hidden
      data-testid="navigation-progress"
      data-state={visible ? "loading" : "idle"}
      className={`pointer-events-none fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden transition-opacity ${visible ? "opacity-100" : "opacity-0"}`}
    >
      <div className="animate-progress h-full w-2/5 bg-indigo-600" />
    </div>
  );
}
