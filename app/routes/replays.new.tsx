// /replays/new?<event filter>: a dry run, then "replay these N events". The event list
// links here with its current filter (not just the rows in view); the operator picks
// the target and can narrow the selection, and the page shows what would be sent
// (by type, outside the target's types, resources, time at the target's pace) before
// anything is queued. `?eventId=…` (repeatable) replays chosen events instead.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { database, db } from "~/db/prisma.server";
import { replayEvents } from "~/dispatch/batch-replay.server";
import { ReplayDryRun } from "~/dispatch/components/replay-dry-run";
import { ReplaySelectionForm } from "~/dispatch/components/replay-selection-form";
import { ReplayStartForm } from "~/dispatch/components/replay-start-form";
import { NoTargetNotice } from "~/dispatch/components/target-picker";
import { JOB_ORDERS } from "~/dispatch/dispatch-status";
import { targetOptions } from "~/dispatch/dispatch-views.server";
import { previewReplay, type ReplaySelection } from "~/dispatch/replay-preview.server";
import { MAX_EVENT_IDS } from "~/dispatch/replay-input";
import { formError, formFailure } from "~/dispatch/route-errors.server";
import { eventFilterToSearchParams, filterInputFromSearchParams, parseEventFilter } from "~/events/event-filter";
import { asUtc, toDateTimeLocal } from "~/events/event-list-params";

const EventIds = z.array(z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, "is not an event id")).max(MAX_EVENT_IDS, `at most ${MAX_EVENT_IDS} events; use a filter`);
const TargetParam = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/).optional().catch(undefined);

/** The selection from the URL; a 400 naming the bad parameter otherwise. */
function selectionFrom(url: URL): ReplaySelection {
  const ids = url.searchParams.getAll("eventId");
  if (ids.length) {
    const parsed = EventIds.safeParse(ids);
    if (!parsed.success) throw new Response(`Invalid \`eventId\`: ${parsed.error.issues[0]!.message}`, { status: 400 });
    return { kind: "ids", eventIds: [...new Set(parsed.data)] };
  }
  const input = filterInputFromSearchParams(url.searchParams);
  // The date fields are typed as UTC without a zone (UtcDateTimeInput).
  const parsed = parseEventFilter({ ...input, from: input.from && asUtc(input.from), to: input.to && asUtc(input.to) });
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  return { kind: "filter", filter: parsed.value };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const url = new URL(request.url);
  // A half-typed selection is answered on the page (400, with the form to fix it),
  // not with the error page: the preview refreshes as the operator types.
  let selection: ReplaySelection | null = null;
  let invalid: string | null = null;
  try {
    selection = selectionFrom(url);
  } catch (error) {
    if (!(error instanceof Response) || error.status !== 400) throw error;
    invalid = await error.text();
  }
  const includeOutsideTypes = url.searchParams.get("outside") === "include";
  const targets = (await targetOptions(db())).filter((t) => t.enabled);
  const asked = TargetParam.parse(url.searchParams.get("targetId") ?? undefined);
  const targetId = targets.some((t) => t.id === asked) ? asked! : targets.length === 1 ? targets[0]!.id : null;
  const target = targetId ? await db().target.findFirst({ where: { id: targetId, deletedAt: null } }) : null;
  const preview = selection ? await previewReplay(database(), selection, target, { includeOutsideTypes }) : null;
  const params = selection?.kind === "filter" ? eventFilterToSearchParams(selection.filter) : selection ? new URLSearchParams() : url.searchParams;
  const data = {
    preview,
    invalid,
    targetId,
    targets,
    selection: {
      type: params.getAll("type").join(", "),
      resource: params.get("resource") ?? "",
      from: selection ? toDateTimeLocal(params.get("from")) : (params.get("from") ?? ""),
      to: selection ? toDateTimeLocal(params.get("to")) : (params.get("to") ?? ""),
      hidden: [...params.entries()].filter(([key]) => ["outcome", "source", "q"].includes(key)),
      eventIds: selection?.kind === "ids" ? selection.eventIds : [],
    },
    eventListSearch: selection?.kind === "filter" ? params.toString() : "",
    canReplay: hasRole(account.role, "operator"),
  };
  return json(data, { status: invalid ? 400 : 200 });
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
  includeOutsideTypes: z.enum(["on", "off"]).default("off"),
});

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const selection = selectionFrom(new URL(request.url));
  const parsed = ReplayForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return formFailure(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  const { targetId, order, maxPerSecond, newSvixId, includeOutsideTypes } = parsed.data;
  let jobId: string;
  try {
    const job = await replayEvents(database(), {
      targetId,
      order,
      maxPerSecond,
      newSvixId: newSvixId === "on",
      includeOutsideTypes: includeOutsideTypes === "on",
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
  const { preview, invalid, targetId, targets, selection, eventListSearch, canReplay } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const counting = navigation.state === "loading" && navigation.location.pathname === "/replays/new";
  const [jobRate, setJobRate] = useState<number | null>(null);
  const count = preview?.toSend ?? 0;

  return (
    <div className="max-w-4xl">
      <nav className="text-sm text-slate-600" aria-label="Breadcrumb">
        <Link to="/replays" className="hover:underline">
          Replays
        </Link>{" "}
        / <span className="text-slate-700">New</span>
      </nav>
      <h1 className="mt-1 text-xl font-semibold">
        Replay <span data-testid="replay-count">{count.toLocaleString("en")}</span> event{count === 1 ? "" : "s"}
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        Nothing is queued until you start it below.{" "}
        {selection.eventIds.length ? null : (
          <Link to={`/events${eventListSearch ? `?${eventListSearch}` : ""}`} className="text-indigo-700 underline">
            See these events in the list
          </Link>
        )}
      </p>

      {targets.length === 0 ? (
        <NoTargetNotice />
      ) : (
        <div className="mt-6 space-y-6">
          <ReplaySelectionForm
            targets={targets}
            targetId={targetId}
            values={selection}
            outside={preview?.outside ?? 0}
            includeOutsideTypes={preview?.includeOutsideTypes ?? false}
            busy={counting}
          />
          {invalid || !preview ? (
            <p role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800" data-testid="selection-error">
              {invalid}
            </p>
          ) : (
            <ReplayDryRun preview={preview} jobMaxPerSecond={jobRate} />
          )}
          {!preview ? null : preview.selected === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
              Nothing matches, so there is nothing to replay. Widen the selection above.
            </p>
          ) : !canReplay ? (
            <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">Replaying needs the operator role.</p>
          ) : (
            <ReplayStartForm targetId={targetId} count={count} includeOutsideTypes={preview.includeOutsideTypes} stale={counting} onRateChange={setJobRate} />
          )}
        </div>
      )}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "New replay · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
