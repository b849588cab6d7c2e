import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";

import { requireUser } from "~/auth/session.server";
import { EmailText, Inferred, UtcTime } from "~/components/lifecycle-ui";
import { RouteError } from "~/components/route-error";
import { database } from "~/db/prisma.server";
import { resolveSearch, SearchQuerySchema, type SearchMatch, type SearchMatchKind } from "~/search/id-search.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const parsed = SearchQuerySchema.safeParse({ q: new URL(request.url).searchParams.get("q") ?? undefined });
  if (!parsed.success) throw new Response(`Invalid \`q\`: ${parsed.error.issues[0]!.message}`, { status: 400 });
  const result = await resolveSearch(database(), parsed.data.q);
  // One page answers it: go straight there.
  if (result.redirect) throw redirect(result.redirect);
  return { result };
}

const KIND_LABELS: Record<SearchMatchKind, string> = {
  user: "User",
  organization: "Organization",
  subscription: "Subscription",
  payer: "Payer",
  event: "Event",
};

export default function SearchPage() {
  const { result } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-xl font-semibold">Search</h1>
      <p className="text-sm text-slate-600">
        Type a person&apos;s first, last or full name, a username or an email address, or paste a <code>user_</code>, <code>org_</code>, <code>sess_</code>,{" "}
        <code>orgmem_</code>, subscription (<code>csub_</code>), item (<code>csub_item_</code>) or payment (<code>pa_</code>) id, or a svix-id (<code>msg_</code>).
      </p>
      <Form method="get" action="/search" className="mt-4 flex gap-2" role="search">
        <label htmlFor="search-page-q" className="sr-only">
          Name, username, email, id or svix-id
        </label>
        <input
          id="search-page-q"
          name="q"
          type="search"
          defaultValue={result.query}
          placeholder="Jane Mensah, jane@example.com, user_2abc…, msg_…"
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
        />
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
          Search
        </button>
      </Form>
      {navigation.state === "loading" ? (
        <p role="status" className="mt-2 text-sm text-slate-500">
          Searching…
        </p>
      ) : null}

      {result.interpretedAs === "empty" ? null : result.matches.length ? (
        <section className="mt-6" aria-labelledby="matches-title">
          <h2 id="matches-title" className="text-sm font-semibold text-slate-900">
            {result.matches.length} {result.matches.length === 1 ? "match" : "matches"} for <span className="font-mono">{result.query}</span>
            {result.matches.length >= 20 && result.interpretedAs === "name" ? <span className="font-normal text-slate-600"> (the 20 latest; add a last name to narrow it)</span> : null}
          </h2>
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="search-matches">
            {result.matches.map((match) =>
              match.user ? (
                <UserMatch key={`${match.kind}-${match.id}`} match={match} user={match.user} />
              ) : (
                <li key={`${match.kind}-${match.id}`} className="px-4 py-2.5">
                  <Link to={match.href} className="flex flex-wrap items-baseline gap-2 hover:underline">
                    <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-700">{KIND_LABELS[match.kind]}</span>
                    <span className="break-all font-mono text-sm text-indigo-700">{match.label}</span>
                  </Link>
                  <p className="text-xs text-slate-600">{match.detail}</p>
                </li>
              ),
            )}
          </ul>
        </section>
      ) : (
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-6" data-testid="no-matches">
          <h2 className="text-base font-semibold">
            Nothing matches <span className="font-mono">{result.query}</span>
          </h2>
          <p className="mt-2 text-sm text-slate-700">
            {result.interpretedAs === "email"
              ? "No stored event mentions this address. Emails are found in payload text, indexed about a second after an event arrives."
              : result.interpretedAs === "text"
                ? "That is not an id or an email address. The event list can search payload text."
                : result.interpretedAs === "name"
                  ? "No user has this first, last or full name or this username in a stored user or membership event, and no event names it as an id. The event list can search any payload text."
                : "No stored event names this id. Check the prefix (user_, org_, sess_, csub_…) and that the events are within the retention period."}
          </p>
          {result.eventsHref ? (
            <Link to={result.eventsHref} className="mt-3 inline-block text-sm font-medium text-indigo-700 hover:underline">
              Try the event list →
            </Link>
          ) : null}
        </div>
      )}
    </div>
  );
}

/** A user as support tells people apart: name, primary email, username, signup, deleted, how many events. */
function UserMatch({ match, user }: { match: SearchMatch; user: NonNullable<SearchMatch["user"]> }) {
  return (
    <li className="px-4 py-3" data-testid="user-match" data-user-id={match.id}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <Link to={match.href} className="flex min-w-0 flex-wrap items-baseline gap-2 hover:underline">
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-700">User</span>
          <span className="font-medium text-indigo-700" data-testid="user-match-name">
            {user.name ?? user.username ?? <span className="font-mono">{match.id}</span>}
          </span>
        </Link>
        <span className="flex items-center gap-2 text-xs text-slate-600">
          {user.deleted ? <span className="rounded-full bg-rose-100 px-2 py-0.5 font-semibold text-rose-800">Deleted</span> : null}
          <span data-testid="user-match-count">
            {user.eventCount.toLocaleString("en")} event{user.eventCount === 1 ? "" : "s"}
          </span>
        </span>
      </div>
      <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs text-slate-700 sm:grid-cols-[auto_minmax(0,1fr)_auto_minmax(0,1fr)]">
        <dt className="text-slate-600">Email</dt>
        <dd data-testid="user-match-email">
          {user.primaryEmail ? <EmailText value={user.primaryEmail} /> : <span className="text-slate-600">none stored</span>}
          {user.primaryEmailInferred ? <Inferred why="The event names no primary_email_address_id; this is the first address it lists." /> : null}
        </dd>
        <dt className="text-slate-600">Signed up</dt>
        <dd data-testid="user-match-signup">{user.signedUpAt ? <UtcTime ms={user.signedUpAt} /> : <span className="text-slate-600">{user.known ? "not stated" : "no user event stored"}</span>}</dd>
        {user.username ? (
          <>
            <dt className="text-slate-600">Username</dt>
            <dd className="break-all">{user.username}</dd>
          </>
        ) : null}
        <dt className="text-slate-600">Id</dt>
        <dd className="break-all font-mono">{match.id}</dd>
      </dl>
      <p className="mt-1 text-xs text-slate-600">{match.detail}</p>
    </li>
  );
}

export const meta: MetaFunction = () => [{ title: "Search · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/search" backLabel="Back to search" />;
}
