// /replays/new?<event filter>: "replay these N events". The event list links here
// with its current filter (not just the rows in view); this page counts what the
// filter selects, lets the operator pick the target and pace, and starts the job.
// `?eventId=…` (repeatable) replays chosen events instead of a filter.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { inputClass, primaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { NoTargetNotice, TargetSelect } from "~/dispatch/components/target-picker";
import { database, db } from "~/db/prisma.server";
import { replayEvents } from "~/dispatch/batch-replay.server";
import { JOB_ORDERS } from "~/dispatch/dispatch-status";
import { targetOptions } from "~/dispatch/dispatch-views.server";
import { MAX_EVENT_IDS } from "~/dispatch/replay-input";
import { formError, formFailure } from "~/dispatch/route-errors.server";
import { eventFilterToSearchParams, filterInputFromSearchParams, parseEventFilter, type EventFilter } from "~/events/event-filter";
import { countEvents } from "~/events/event-query.server";

const EventIds = z.array(z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, "is not an event id")).max(MAX_EVENT_IDS, `at most ${MAX_EVENT_IDS} events; use a filter`);

type Selection = { kind: "filter"; filter: EventFilter } | { kind: "ids"; eventIds: string[] };

/** The selection from the URL; a 400 naming the bad parameter otherwise. */
function selectionFrom(url: URL): Selection {
  const ids = url.searchParams.getAll("eventId");
  if (ids.length) {
    const parsed = EventIds.safeParse(ids);
    if (!parsed.success) throw new Response(`Invalid \`eventId\`: ${parsed.error.issues[0]!.message}`, { status: 400 });
    return { kind: "ids", eventIds: [...new Set(parsed.data)] };
  }
  const parsed = parseEventFilter(filterInputFromSearchParams(url.searchParams));
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  return { kind: "filter", filter: parsed.value };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const selection = selectionFrom(new URL(request.url));
  const count =
    selection.kind === "filter" ? await countEvents(database(), selection.filter) : await db().event.count({ where: { id: { in: selection.eventIds } } });
  const filterSummary =
    selection.kind === "filter"
      ? [...eventFilterToSearchParams(selection.filter).entries()].map(([key, value]) => `${key}=${value}`)
      : [`${selection.eventIds.length} chosen event${selection.eventIds.length === 1 ? "" : "s"}`];
  return {
    count,
    filterSummary,
    eventListSearch: selection.kind === "filter" ? eventFilterToSearchParams(selection.filter).toString() : "",
    targets: await targetOptions(db()),
    canReplay: hasRole(account.role, "operator"),
  };
}

const ReplayForm = z.object({
  intent: z.literal("replay", { message: "Unknown action." }),
  targetId: z.string().trim().min(1, "Choose a target."),
  order: z.enum(JOB_ORDERS, { message: "Choose an order." }).default("timestamp"),
  maxPerSecond: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : Number(v)))
    .pipe(z.number({ invalid_type_error: "Max per second must be a number." }).int("Max per second must be a whole number.").min(1, "Max per second must be at least 1.").max(1000, "Max per second must be at most 1000.").nullable())
    .default(""),
  newSvixId: z.literal("on").optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const selection = selectionFrom(new URL(request.url));
  const parsed = ReplayForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return formFailure(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  const { targetId, order, maxPerSecond, newSvixId } = parsed.data;
  let jobId: string;
  try {
    const job = await replayEvents(database(), {
      targetId,
      order,
      maxPerSecond,
      newSvixId: newSvixId === "on",
      actor: account.email,
      ...(selection.kind === "filter" ? { filter: selection.filter } : { eventIds: selection.eventIds }),
    });
    jobId = job.id;
  } catch (error) {
    return formError(error);
  }
  throw redirect(`/replays/${jobId}`);
}

export default function NewReplay() {
  const { count, filterSummary, eventListSearch, targets, canReplay } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const busy = navigation.state === "submitting";
  const usable = targets.filter((t) => t.enabled);

  return (
    <div className="max-w-3xl">
      <nav className="text-sm text-slate-500" aria-label="Breadcrumb">
        <Link to="/replays" className="hover:underline">
          Replays
        </Link>{" "}
        / <span className="text-slate-700">New</span>
      </nav>
      <h1 className="mt-1 text-xl font-semibold">
        Replay <span data-testid="replay-count">{count.toLocaleString("en")}</span> event{count === 1 ? "" : "s"}
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        Selected by:{" "}
        {filterSummary.length ? (
          filterSummary.map((part) => (
            <code key={part} className="mr-1 rounded bg-slate-100 px-1 text-xs">
              {part}
            </code>
          ))
        ) : (
          <strong>every stored event</strong>
        )}{" "}
        <Link to={`/events${eventListSearch ? `?${eventListSearch}` : ""}`} className="text-indigo-700 underline">
          back to the list
        </Link>
      </p>

      {count === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
          Nothing matches, so there is nothing to replay. Widen the filter on the event list.
        </p>
      ) : !canReplay ? (
        <p className="mt-6 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">Replaying needs the operator role.</p>
      ) : usable.length === 0 ? (
        <NoTargetNotice />
      ) : (
        <Form method="post" action={`${location.pathname}${location.search}`} className="mt-6 space-y-4 rounded-lg border border-slate-200 bg-white p-5">
          <input type="hidden" name="intent" value="replay" />
          <div className="grid gap-4 sm:grid-cols-3">
            <TargetSelect targets={usable} className="sm:col-span-3" />
            <label className="block text-sm">
              <span className="font-medium text-slate-700">Order</span>
              <select name="order" className={inputClass} defaultValue="timestamp">
                <option value="timestamp">Envelope timestamp (as it happened)</option>
                <option value="received">Arrival at Hookline</option>
              </select>
            </label>
            <label className="block text-sm">
              <span className="font-medium text-slate-700">Max per second</span>
              <input name="maxPerSecond" type="number" min={1} max={1000} className={inputClass} placeholder="target's limit" />
            </label>
            <label className="flex items-center gap-2 self-end pb-2 text-sm">
              <input type="checkbox" name="newSvixId" className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
              <span className="text-slate-700">New svix-ids</span>
            </label>
          </div>
          <p className="text-xs text-slate-500">
            Each event goes out with its original bytes and svix-id (so consumers stay idempotent), signed with the target&apos;s secret. One
            resource&apos;s events are sent in order even when several go out at once.
          </p>
          {failure?.error ? (
            <p role="alert" className="text-sm text-red-700">
              {failure.error}
            </p>
          ) : null}
          <button type="submit" className={primaryButtonClass} disabled={busy}>
            {busy ? "Starting…" : `Replay ${count.toLocaleString("en")} event${count === 1 ? "" : "s"}`}
          </button>
        </Form>
      )}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "New replay · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
