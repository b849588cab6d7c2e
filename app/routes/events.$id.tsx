import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { IssueBanner } from "~/alerts/components/issue-badges";
import { activeIssuesFor } from "~/alerts/issues.server";
import { recordAudit } from "~/audit/audit.server";
import { requireUser } from "~/auth/session.server";
import { CopyButton } from "~/components/copy-button";
import { JsonTree } from "~/components/json-tree";
import { OutcomeBadge } from "~/components/outcome-badge";
import { PayloadDiffView } from "~/components/payload-diff-view";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { EventAttempts } from "~/dispatch/components/event-attempts";
import { EventDispatches } from "~/dispatch/components/event-dispatches";
import { ReplayEventForm } from "~/dispatch/components/replay-event-form";
import { DeliveryDataOut } from "~/deliveries/components/copy-as-curl";
import { database } from "~/db/prisma.server";
import {
  compareCandidates,
  CompareError,
  loadEventDetail,
  type DeliveryOfEvent,
  type DispatchAttemptOfEvent,
  type EventDetail,
} from "~/events/event-detail.server";
import { getEventRow } from "~/events/event-query.server";
import { REDACTED, seesSecrets } from "~/events/redaction";

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
  return {
    issues: issues.map((i) => ({ id: i.id, title: i.title, status: i.status, kind: i.kind })),
    detail,
    compareError,
    compareWith: compareError ? null : (compare ?? null),
    candidates: await compareCandidates(database(), detail.event),
    mayReveal: seesSecrets(account.role),
  };
}

const ActionInput = z.object({ intent: z.literal("reveal", { message: "Unknown action." }) });

export async function action({ request, params }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const id = EventId.safeParse(params.id);
  if (!id.success) throw notFound(String(params.id));
  const input = ActionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!input.success) throw new Response(input.error.issues[0]!.message, { status: 400 });
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
  const revealed = actionData?.revealed && actionData.revealed.event.id === loaderData.detail.event.id ? actionData.revealed : null;
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
        <Deliveries deliveries={detail.deliveries} revealed={detail.revealed} />
      </Section>

      <Section title="Dispatches" id="dispatches">
        {/*
          DISPATCH SLOT: the "Replay to target" form (app/dispatch/, built with the replay
          work) goes here. It posts to that route's action; this page only lists attempts.
        */}
        <div data-slot="dispatch-replay-form" className="mb-3 space-y-3">
          <ReplayEventForm eventId={event.id} />
          <EventDispatches eventId={event.id} />
        </div>
        <EventAttempts eventId={event.id} attempts={detail.dispatches} />
      </Section>
    </div>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: React.ReactNode }) {
  return (
    <section className="mt-8" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-2 text-base font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

const TONES = {
  amber: "bg-amber-50 text-amber-900 ring-amber-600/20",
  sky: "bg-sky-50 text-sky-800 ring-sky-600/20",
  red: "bg-red-50 text-red-800 ring-red-600/20",
  slate: "bg-slate-100 text-slate-700 ring-slate-500/20",
};

function Badge({ tone, title, children }: { tone: keyof typeof TONES; title?: string; children: React.ReactNode }) {
  return (
    <span title={title} className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>
      {children}
    </span>
  );
}

function Summary({ detail }: { detail: EventDetail }) {
  const { event } = detail;
  const resourceLink = (id: string | null, href: string | null) =>
    id ? (
      <span className="inline-flex flex-wrap items-center gap-2">
        {href ? (
          <Link to={href} className="font-mono text-indigo-700 hover:underline">
            {id}
          </Link>
        ) : (
          <span className="font-mono">{id}</span>
        )}
        <Link to={`/events?resource=${encodeURIComponent(id)}`} className="text-xs text-slate-500 hover:text-indigo-700 hover:underline">
          all events
        </Link>
      </span>
    ) : (
      <span className="text-slate-500">—</span>
    );
  const rows: [string, React.ReactNode][] = [
    ["Type", <code key="t">{event.type}</code>],
    ["Envelope time", <Timestamp key="e" iso={new Date(event.timestamp).toISOString()} />],
    ["Received", <Timestamp key="r" iso={event.receivedAt} />],
    ["Source", <code key="s">{event.source}</code>],
    ["Instance", event.instanceId ? <code key="i">{event.instanceId}</code> : <span className="text-slate-500">—</span>],
    [
      "svix-id",
      <span key="m" className="inline-flex items-center gap-2">
        <code className="break-all">{event.svixId}</code>
        <CopyButton text={event.svixId} label="Copy" />
      </span>,
    ],
    ["Resource", event.resourceType ? <span key="rt">{event.resourceType} {resourceLink(event.resourceId, resourceHref(event.resourceType, event.resourceId))}</span> : resourceLink(null, null)],
    ["User", resourceLink(event.userId, event.userId ? `/users/${encodeURIComponent(event.userId)}` : null)],
    ["Organization", resourceLink(event.organizationId, event.organizationId ? `/organizations/${encodeURIComponent(event.organizationId)}` : null)],
    ["Subscription", resourceLink(event.subscriptionId, event.subscriptionId ? `/billing/subscriptions/${encodeURIComponent(event.subscriptionId)}` : null)],
    ["Payer", resourceLink(event.payerId, null)],
  ];
  return (
    <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-2 lg:grid-cols-3" data-testid="event-summary">
      {rows.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
          <dd className="mt-0.5 break-words text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The page about the resource itself, where one exists. */
function resourceHref(resourceType: string, resourceId: string | null): string | null {
  if (!resourceId) return null;
  const id = encodeURIComponent(resourceId);
  if (resourceType === "user") return `/users/${id}`;
  if (resourceType === "organization") return `/organizations/${id}`;
  if (resourceType === "subscription") return `/billing/subscriptions/${id}`;
  return null;
}

function RedactionNotice({ detail, mayReveal, busy }: { detail: EventDetail; mayReveal: boolean; busy: boolean }) {
  if (detail.revealed) {
    return (
      <div role="status" className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="revealed-notice">
        <strong>Revealed.</strong> One-time codes and message bodies are shown unmasked; this was recorded in the audit log. Reload the page to mask them again.
      </div>
    );
  }
  return (
    <div className="mt-4 flex flex-wrap items-center gap-3 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="redaction-notice">
      <p>
        <strong>Masked:</strong> one-time codes and the message body ({detail.maskedPaths.length} field{detail.maskedPaths.length === 1 ? "" : "s"}) are hidden
        {mayReveal ? "." : ". Viewers cannot reveal them; ask an operator."}
      </p>
      {mayReveal ? (
        <Form method="post" className="ml-auto flex items-center gap-2">
          <span className="text-xs text-slate-500">Revealing is recorded in the audit log.</span>
          <button
            type="submit"
            name="intent"
            value="reveal"
            disabled={busy}
            className="rounded-md bg-amber-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-700 disabled:opacity-60"
          >
            {busy ? "Revealing…" : "Reveal"}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

function ComparePicker({
  candidates,
  current,
  resource,
  searchParams,
}: {
  candidates: { id: string; type: string; timestamp: number }[];
  current: string | null;
  resource: string;
  searchParams: URLSearchParams;
}) {
  if (candidates.length === 0) return null;
  return (
    <Form method="get" className="mt-3 flex flex-wrap items-end gap-2 text-sm" preventScrollReset>
      <div>
        <label htmlFor="compare" className="block text-xs font-medium text-slate-600">
          Compare with another event of {resource}
        </label>
        <select id="compare" name="compare" defaultValue={current ?? ""} className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
          <option value="">The previous state (default)</option>
          {candidates.map((c) => (
            <option key={c.id} value={c.id}>
              {c.type} · {new Date(c.timestamp).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC")}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50">
        Compare
      </button>
      {searchParams.get("compare") ? (
        <Link to="?" preventScrollReset className="px-2 py-1.5 text-indigo-700 hover:underline">
          Back to the previous-state diff
        </Link>
      ) : null}
    </Form>
  );
}

// A content security policy inside the preview document: no scripts (the sandbox
// already forbids them), and no remote loads, so opening an email cannot ping a
// tracking pixel or fetch anything the sender chose.
const PREVIEW_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:">`;

function EmailPreview({ detail }: { detail: EventDetail }) {
  const data = (detail.payload as { data?: { body?: unknown; subject?: unknown; to_email_address?: unknown } } | null)?.data;
  const body = typeof data?.body === "string" ? data.body : null;
  const masked = body === REDACTED;
  return (
    <Section title="Email preview" id="email-preview">
      {body === null ? (
        <p className="text-sm text-slate-600">This email has no HTML body.</p>
      ) : masked ? (
        <p className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="email-preview-masked">
          The email body is masked because it carries a one-time code.
        </p>
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
          <p className="border-b border-slate-100 px-3 py-2 text-xs text-slate-600">
            To <span className="font-mono">{String(data?.to_email_address ?? "?")}</span> · “{String(data?.subject ?? "")}” · rendered in a sandbox without
            scripts or remote images
          </p>
          {/* sandbox="" : no scripts, forms, popups or same-origin access; the HTML never enters this page's DOM. */}
          <iframe title="Email preview" sandbox="" srcDoc={PREVIEW_CSP + body} className="h-[28rem] w-full bg-white" data-testid="email-preview" />
        </div>
      )}
    </Section>
  );
}

/** Download raw and Copy as curl for the delivery whose bytes are the payload. */
function EventDataOut({ detail, mayReveal }: { detail: EventDetail; mayReveal: boolean }) {
  const first = detail.deliveries.find((d) => d.isFirst);
  if (!first) return null;
  return (
    <div className="mb-2">
      <DeliveryDataOut
        deliveryId={first.id}
        headers={first.headers}
        bodyText={detail.raw.hidden ? null : detail.raw.text}
        storedBytes={detail.raw.bytes}
        canDownload={mayReveal}
      />
    </div>
  );
}

function RawBody({ detail }: { detail: EventDetail }) {
  const { raw } = detail;
  if (raw.hidden) {
    return (
      <p className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="raw-body-hidden">
        The raw body ({raw.bytes.toLocaleString("en")} bytes) is hidden because it contains a one-time code or message body; the parsed payload above shows it
        masked.
      </p>
    );
  }
  return (
    <details className="rounded-lg border border-slate-200 bg-white" open={raw.bytes < 4096}>
      <summary className="cursor-pointer px-3 py-2 text-sm text-slate-700">
        {raw.bytes.toLocaleString("en")} bytes, {raw.text !== null ? "UTF-8, exactly as received" : "not valid UTF-8: shown as hex"}
      </summary>
      <div className="border-t border-slate-100 p-3">
        {raw.text !== null ? (
          <>
            <div className="mb-2">
              <CopyButton text={raw.text} label="Copy raw body" />
            </div>
            <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-all font-mono text-xs text-slate-800" data-testid="raw-body">
              {raw.text}
            </pre>
          </>
        ) : (
          <pre className="max-h-[32rem] overflow-auto font-mono text-xs text-slate-800" data-testid="raw-body-hex">
            {raw.hex?.join("\n")}
            {raw.hexTruncated ? "\n… (first 64 KiB shown)" : ""}
          </pre>
        )}
      </div>
    </details>
  );
}

function Deliveries({ deliveries, revealed }: { deliveries: DeliveryOfEvent[]; revealed: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">Received</th>
            <th scope="col" className="px-3 py-2">Outcome</th>
            <th scope="col" className="px-3 py-2 text-right">Status</th>
            <th scope="col" className="px-3 py-2">From</th>
            <th scope="col" className="px-3 py-2 text-right">Bytes</th>
            <th scope="col" className="px-3 py-2">Headers</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {deliveries.map((d) => (
            <tr key={d.id} data-testid="event-delivery">
              <td className="px-3 py-2">
                <Timestamp iso={d.receivedAt} />
                {d.isFirst ? <div className="text-xs text-slate-500">first: its body is the payload</div> : null}
              </td>
              <td className="px-3 py-2" title={d.outcomeDetail ?? undefined}>
                <OutcomeBadge outcome={d.outcome} />
                {d.outcomeDetail ? <div className="mt-1 max-w-xs text-xs text-slate-500">{d.outcomeDetail}</div> : null}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{d.status}</td>
              <td className="px-3 py-2 font-mono text-xs text-slate-600">{d.remoteAddr ?? "—"}</td>
              <td className="px-3 py-2 text-right tabular-nums text-slate-600">
                {d.size.toLocaleString("en")}
                {d.truncated ? <div className="text-xs text-amber-700">truncated</div> : null}
              </td>
              <td className="px-3 py-2">
                <details>
                  <summary className="cursor-pointer text-xs text-indigo-700">{d.headers.length} headers</summary>
                  {d.credentialHeaders.length && !revealed ? (
                    <p className="mt-1 text-xs text-amber-800">
                      Credential headers masked ({d.credentialHeaders.join(", ")});{" "}
                      <Link to={`/deliveries/${d.id}`} className="underline">
                        open the delivery
                      </Link>{" "}
                      to reveal them.
                    </p>
                  ) : null}
                  <table className="mt-2 text-xs">
                    <tbody>
                      {d.headers.map(([name, value], index) => (
                        <tr key={`${name}-${index}`}>
                          <th scope="row" className="whitespace-nowrap py-0.5 pr-3 text-left font-mono font-medium text-slate-700">
                            {name}
                          </th>
                          <td className="break-all py-0.5 font-mono text-slate-600">{value}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.detail.event.type} · Events · Hookline` : "Event · Hookline" },
];

export function ErrorBoundary() {
  return <RouteError backTo="/events" backLabel="Back to events" />;
}
