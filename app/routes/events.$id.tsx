// An event's page: its facts, what changed, the payload and raw bytes, every delivery,
// and its dispatches: sends to targets and replays to listening laptops with their
// local answers. The pieces live in app/events/components and app/dispatch/components;
// this route keeps the loader, the action (reveal, and replay to a listener) and the layout.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { IssueBanner } from "~/alerts/components/issue-badges";
import { activeIssuesFor } from "~/alerts/issues.server";
import { recordAudit } from "~/audit/audit.server";
import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { JsonTree } from "~/components/json-tree";
import { PayloadDiffView } from "~/components/payload-diff-view";
import { RouteError } from "~/components/route-error";
import { EventAttempts } from "~/dispatch/components/event-attempts";
import { EventDispatches } from "~/dispatch/components/event-dispatches";
import { ReplayEventForm } from "~/dispatch/components/replay-event-form";
import { formError, formFailure } from "~/dispatch/route-errors.server";
import { database } from "~/db/prisma.server";
import { ComparePicker } from "~/events/components/compare-picker";
import { EmailPreview } from "~/events/components/email-preview";
import { Badge } from "~/events/components/event-badges";
import { EventDeliveries } from "~/events/components/event-deliveries";
import { EventDataOut, RawBody } from "~/events/components/event-raw-body";
import { Section } from "~/events/components/event-section";
import { Summary } from "~/events/components/event-summary";
import { RedactionNotice } from "~/events/components/redaction-notice";
import { compareCandidates, CompareError, loadEventDetail, type EventDetail } from "~/events/event-detail.server";
import { getEventRow } from "~/events/event-query.server";
import { seesSecrets } from "~/events/redaction";
import { replayToListener } from "~/stream/listener-replay.server";
import { listenerAttemptsOf, listListeners } from "~/stream/listeners.server";

const EventId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);
const PageQuery = z.object({ compare: z.string().trim().regex(/^[0-9A-Za-z_-]{1,64}$/).optional().catch(undefined) });

async function detailFor(id: string, options: { role: Parameters<typeof loadEventDetail>[2]["role"]; reveal: boolean; compare?: string }) {
  const handle = database();
  try {
    return { detail: await loadEventDetail(handle, id, { role: options.role, reveal: options.reveal, compareWith: options.compare }), compareError: null };
  } catch (error) {
    if (!(error instanceof CompareError)) throw error;
    // A bad `compare` id still shows the event, with the diff against its previous state.
    return { detail: await loadEventDetail(handle, id, { role: options.role, reveal: options.reveal }), compareError: error.message };
  }
}

function notFound(id: string) {
  return new Response(`No event with id ${id}. It may have been pruned (events are kept for HOOKLINE_RETENTION_DAYS).`, { status: 404 });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const id = EventId.safeParse(params.id);
  if (!id.success) throw notFound(String(params.id));
  const { compare } = PageQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { detail, compareError } = await detailFor(id.data, { role: account.role, reveal: false, compare });
  if (!detail) throw notFound(id.data);
  // The open issue this event belongs to (app/alerts): a new event type, or its subscription's billing anomaly.
  const issues = await activeIssuesFor(database().db, [
    { type: "eventType", id: detail.event.type },
    ...(detail.event.subscriptionId ? [{ type: "subscription" as const, id: detail.event.subscriptionId }] : []),
  ]);
  const mayReplay = hasRole(account.role, "operator");
  return {
    issues: issues.map((i) => ({ id: i.id, title: i.title, status: i.status, kind: i.kind })),
    detail,
    compareError,
    compareWith: compareError ? null : (compare ?? null),
    candidates: await compareCandidates(database(), detail.event),
    mayReveal: seesSecrets(account.role),
    // Live `hookline listen` sessions on any instance: "Replay to…" offers them next to targets.
    listeners: mayReplay ? (await listListeners(database())).map((l) => ({ id: l.id, who: l.who, client: l.client })) : [],
    listenerAttempts: await listenerAttemptsOf(database(), detail.event.id),
  };
}

const ActionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("reveal") }),
  z.object({ intent: z.literal("replay-to-listener"), listenerId: z.string().trim().min(1, "Choose a listening laptop.").max(40) }),
], { errorMap: () => ({ message: "Unknown action." }) });

export async function action({ request, params }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const id = EventId.safeParse(params.id);
  if (!id.success) throw notFound(String(params.id));
  const input = ActionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!input.success) {
    const issue = input.error.issues[0]!;
    if (issue.path[0] === "listenerId") return formFailure(issue.message, "listenerId");
    throw new Response(issue.message, { status: 400 });
  }
  if (input.data.intent === "replay-to-listener") {
    try {
      const replay = await replayToListener(database(), { listenerId: input.data.listenerId, eventIds: [id.data], actor: account.email });
      return json({ listenerReplayId: replay.id, error: null, field: null });
    } catch (error) {
      return formError(error);
    }
  }
  const row = await getEventRow(database(), id.data);
  if (!row) throw notFound(id.data);
  // NOTE: the audit entry is written before any unmasked value is read for the answer.
  await recordAudit(database().db, {
    actor: account.email,
    action: "event.reveal",
    subject: row.id,
    detail: { type: row.type, svixId: row.svixId, via: "web" },
  });
  const { compare } = PageQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { detail } = await detailFor(id.data, { role: account.role, reveal: true, compare });
  return { revealed: detail };
}

export default function EventPage() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  // After a reveal the action's answer holds the unmasked view; the loader's stays masked.
  const revealedData = actionData && "revealed" in actionData ? actionData.revealed : null;
  const revealed = revealedData && revealedData.event.id === loaderData.detail.event.id ? revealedData : null;
  const detail = (revealed ?? loaderData.detail) as EventDetail;
  const { event } = detail;
  const busy = navigation.state !== "idle";

  return (
    <div className={busy ? "opacity-70 transition-opacity" : undefined}>
      <IssueBanner issues={loaderData.issues} />
      <nav className="text-sm" aria-label="Breadcrumb">
        <Link to="/events" className="text-indigo-700 hover:underline">
          ← Events
        </Link>
      </nav>
      <header className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold">{event.type}</h1>
        {!event.knownType ? <Badge tone="amber" title="Clerk added this type after Hookline's catalog was written">not in catalog</Badge> : null}
        {event.outOfOrder ? <Badge tone="amber" title="It arrived after a later state of the same resource">out of order</Badge> : null}
        {event.deliveryCount > 1 ? <Badge tone="sky">delivered {event.deliveryCount}×</Badge> : null}
        {event.verifiedOutsideTolerance ? (
          <Badge tone="red" title="Became an event by re-verification although its svix-timestamp was outside the 5-minute tolerance">verified outside tolerance</Badge>
        ) : null}
        {busy ? <span className="ml-auto text-sm text-slate-500">Loading…</span> : null}
      </header>

      <Summary detail={detail} />

      {detail.hasSecrets ? <RedactionNotice detail={detail} mayReveal={loaderData.mayReveal} busy={navigation.state === "submitting"} /> : null}

      {detail.diff || loaderData.candidates.length > 0 ? (
        <Section title={detail.diff?.mode === "compare" ? "Comparison" : "What changed"} id="diff">
          {loaderData.compareError ? (
            <p role="alert" className="mb-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
              {loaderData.compareError}
            </p>
          ) : null}
          {detail.diff ? <PayloadDiffView diff={detail.diff} currentId={event.id} /> : null}
          <ComparePicker
            candidates={loaderData.candidates}
            current={loaderData.compareWith}
            resource={`${event.resourceType ?? ""} ${event.resourceId ?? ""}`.trim()}
            searchParams={searchParams}
          />
        </Section>
      ) : null}

      {event.type === "email.created" ? <EmailPreview detail={detail} /> : null}

      <Section title="Payload" id="payload">
        {detail.payload === null ? (
          <p className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">The stored body no longer parses as JSON; see the raw body below.</p>
        ) : (
          <JsonTree value={detail.payload} maskedPaths={detail.maskedPaths} label="Envelope as received (parsed)" />
        )}
      </Section>

      <Section title="Raw body" id="raw">
        <EventDataOut detail={detail} mayReveal={loaderData.mayReveal} />
        <RawBody detail={detail} />
      </Section>

      <Section title={`Deliveries of ${event.svixId}`} id="deliveries">
        <EventDeliveries deliveries={detail.deliveries} revealed={detail.revealed} />
      </Section>

      <Section title="Dispatches" id="dispatches">
        <div data-slot="dispatch-replay-form" className="mb-3 space-y-3">
          <ReplayEventForm
            eventId={event.id}
            listeners={loaderData.listeners}
            answeredReplayIds={loaderData.listenerAttempts.flatMap((a) => (a.replayId ? [a.replayId] : []))}
          />
          <EventDispatches eventId={event.id} />
        </div>
        <EventAttempts eventId={event.id} attempts={detail.dispatches} listenerAttempts={loaderData.listenerAttempts} />
      </Section>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.detail.event.type} · Events · Hookline` : "Event · Hookline" },
];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
