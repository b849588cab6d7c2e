// /deliveries: every request that reached ingest. By default the ones that failed
// verification, with the reason; filters live in the URL. Operators re-verify a
// source's failed deliveries after fixing its secret.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { OutcomeBadge } from "~/components/outcome-badge";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { hasAnyDelivery, InvalidDeliveryCursorError, knownSourceSlugs, listDeliveries } from "~/deliveries/deliveries.server";
import { FAILED_OUTCOMES, parseDeliveryQuery, RANGE_LABELS, RANGE_PRESETS, withUtcDefault, type RangePreset } from "~/deliveries/delivery-filter";
import { reverifyFailedDeliveries, type BulkReverifySummary } from "~/deliveries/reverify.server";
import { db } from "~/db/prisma.server";
import { OUTCOME_LABELS, OUTCOMES } from "~/ingest/outcomes";
import { DEFAULT_SOURCE_SLUG, SourceResolver } from "~/sources/sources.server";

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const url = new URL(request.url);
  const parsed = parseDeliveryQuery(url.searchParams, { defaultOutcome: "failed", allowRange: true });
  const [sources, anyDelivery, clerk] = await Promise.all([
    knownSourceSlugs(db()),
    hasAnyDelivery(db()),
    new SourceResolver(db(), undefined, 0).resolveFresh(DEFAULT_SOURCE_SLUG).catch(() => null),
  ]);
  const common = {
    sources,
    anyDelivery,
    canReverify: hasRole(account.role, "operator"),
    ingestUrl: `${url.origin}/webhooks/${DEFAULT_SOURCE_SLUG}`,
    secretConfigured: (clerk?.secrets.length ?? 0) > 0,
  };
  // Bad filter values are a 400 error state (ErrorBoundary) naming the parameter, with a way back.
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  try {
    const page = await listDeliveries(db(), { ...parsed.value, limit: PAGE_SIZE });
    return { ...common, items: page.deliveries, nextCursor: page.nextCursor, firstPage: !parsed.value.cursor };
  } catch (error) {
    if (error instanceof InvalidDeliveryCursorError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

const BulkReverifyForm = z.object({
  intent: z.literal("reverify-source"),
  source: z.string().trim().min(1, "Pick a source").max(200),
  since: z
    .string()
    .trim()
    .min(1, "Give the time to re-verify from")
    .transform(withUtcDefault)
    .refine((value) => !Number.isNaN(Date.parse(value)), "Give a valid date and time")
    .transform((value) => new Date(value)),
});

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const parsed = BulkReverifyForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: parsed.error.issues[0]!.message as string | null, summary: null as BulkReverifySummary | null }, { status: 400 });
  const summary = await reverifyFailedDeliveries(
    { db: db(), sources: new SourceResolver(db(), undefined, 0) },
    { source: parsed.data.source, since: parsed.data.since },
    { actor: account.email },
  );
  return { error: null as string | null, summary: summary as BulkReverifySummary | null };
}

const selectClass =
  "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";

export default function Deliveries() {
  const { items, nextCursor, firstPage, ingestUrl, secretConfigured, sources, anyDelivery, canReverify } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const outcome = params.get("outcome") || "failed";
  const range = params.get("range") || (params.get("from") || params.get("to") ? "custom" : "");
  const filtered = ["source", "range", "from", "to"].some((name) => params.get(name)) || outcome !== "failed";
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/deliveries";

  const olderParams = new URLSearchParams(params);
  if (nextCursor) olderParams.set("cursor", nextCursor);
  const newestParams = new URLSearchParams(params);
  newestParams.delete("cursor");

  return (
    <div>
      <div className="flex items-baseline justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">Deliveries</h1>
          <p className="text-sm text-slate-600">
            Every request that reached the ingest endpoint, newest first, with what Hookline answered. Verified ones are also
            on Events.
          </p>
        </div>
        {loading ? (
          <span role="status" className="text-sm text-slate-500">
            Loading…
          </span>
        ) : null}
      </div>

      {!secretConfigured ? (
        <div role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <strong>No signing secret is set for the clerk source.</strong> Deliveries to <code>/webhooks/clerk</code> are stored
          with outcome <em>No secret configured</em> and answered 503, so Svix retries them. Set{" "}
          <code>CLERK_WEBHOOK_SIGNING_SECRET</code> to the endpoint&apos;s <code>whsec_…</code> secret and restart, or store one
          in <Link to="/settings/sources" className="font-medium underline">Settings → Sources</Link>.
        </div>
      ) : null}

      <Form method="get" className="mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3" aria-label="Filter deliveries">
        <label className="text-sm">
          <span className="font-medium text-slate-700">Outcome</span>
          <select name="outcome" defaultValue={outcome} className={selectClass}>
            <option value="failed">Failed verification</option>
            <option value="all">All deliveries</option>
            <optgroup label="One outcome">
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {OUTCOME_LABELS[o]}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label className="text-sm">
          <span className="font-medium text-slate-700">Source</span>
          <select name="source" defaultValue={params.get("source") ?? ""} className={selectClass}>
            <option value="">All sources</option>
            {sources.map((slug) => (
              <option key={slug} value={slug}>
                {slug}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="font-medium text-slate-700">Received</span>
          <select name="range" defaultValue={range} className={selectClass}>
            <option value="">Any time</option>
            {(Object.keys(RANGE_PRESETS) as RangePreset[]).map((preset) => (
              <option key={preset} value={preset}>
                {RANGE_LABELS[preset]}
              </option>
            ))}
            <option value="custom">Custom (from / to below)</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="font-medium text-slate-700">From (UTC)</span>
          <input type="datetime-local" name="from" defaultValue={toInputValue(params.get("from"))} className={selectClass} />
        </label>
        <label className="text-sm">
          <span className="font-medium text-slate-700">To (UTC)</span>
          <input type="datetime-local" name="to" defaultValue={toInputValue(params.get("to"))} className={selectClass} />
        </label>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">
          Apply
        </button>
        {filtered ? (
          <Link to="/deliveries" className="py-1.5 text-sm text-slate-600 hover:text-slate-900">
            Reset
          </Link>
        ) : null}
      </Form>

      {canReverify ? (
        <BulkReverify
          sources={sources}
          defaultSource={actionData?.summary?.source ?? params.get("source") ?? null}
          summary={actionData?.summary ?? null}
          formError={actionData?.error ?? null}
        />
      ) : null}

      {!anyDelivery ? (
        <EmptyState ingestUrl={ingestUrl} />
      ) : items.length === 0 && firstPage ? (
        <div className="mt-4 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700" data-testid="empty-state">
          {outcome === "failed" ? (
            <>
              <p className="font-medium text-slate-900">No delivery failed verification{filtered ? " with these filters" : ""}.</p>
              <p className="mt-1">
                Every delivery {filtered ? "that matches" : "so far"} became an event.{" "}
                <Link to="?outcome=all" className="font-medium text-indigo-700 hover:underline">
                  Show all deliveries
                </Link>
              </p>
            </>
          ) : (
            <p>
              No deliveries match these filters.{" "}
              <Link to="/deliveries?outcome=all" className="font-medium text-indigo-700 hover:underline">
                Clear the filters
              </Link>
            </p>
          )}
        </div>
      ) : items.length > 0 ? (
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Received</th>
                <th scope="col" className="px-3 py-2">Outcome</th>
                <th scope="col" className="px-3 py-2">Reason</th>
                <th scope="col" className="px-3 py-2">Type</th>
                <th scope="col" className="px-3 py-2">svix-id</th>
                <th scope="col" className="px-3 py-2">Source</th>
                <th scope="col" className="px-3 py-2 text-right">Status</th>
                <th scope="col" className="px-3 py-2 text-right">Bytes</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((delivery) => (
                <tr key={delivery.id} className="hover:bg-slate-50" data-testid="delivery-row">
                  <td className="px-3 py-2 text-slate-700">
                    <Link to={`/deliveries/${delivery.id}`} className="text-indigo-700 hover:underline" aria-label={`Delivery received ${delivery.receivedAt}`}>
                      <Timestamp iso={delivery.receivedAt} />
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <OutcomeBadge outcome={delivery.outcome} />
                  </td>
                  <td className="px-3 py-2 text-xs text-slate-600">
                    {/* max-width on a table cell is ignored; on a block inside it, it holds. */}
                    <span className="block max-w-[16rem] truncate" title={delivery.outcomeDetail ?? undefined}>
                      {delivery.outcomeDetail ?? <span className="text-slate-500">—</span>}
                    </span>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {delivery.eventId ? (
                      <Link to={`/events/${delivery.eventId}`} className="text-indigo-700 hover:underline">
                        {delivery.type}
                      </Link>
                    ) : (
                      <span className="text-slate-500">—</span>
                    )}
                  </td>
                  <td className="max-w-[14rem] truncate px-3 py-2 font-mono text-xs text-slate-700" title={delivery.svixId ?? undefined}>
                    {delivery.svixId ?? <span className="text-slate-500">none</span>}
                  </td>
                  <td className="px-3 py-2 text-slate-700">
                    <span className="block max-w-[11rem] truncate" title={delivery.source}>
                      {delivery.source}
                    </span>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{delivery.status}</td>
                  <td className="px-3 py-2 text-right tabular-nums text-slate-600">{delivery.size.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="mt-4 text-sm text-slate-600">No older deliveries.</p>
      )}

      <nav className="mt-4 flex gap-3 text-sm" aria-label="Pagination">
        {!firstPage ? (
          <Link to={`?${newestParams}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            ← Newest
          </Link>
        ) : null}
        {nextCursor ? (
          <Link to={`?${olderParams}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Older →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

/** `2026-11-23T02:10:00.000Z` → `2026-11-23T02:10` for a datetime-local input (UTC). */
function toInputValue(value: string | null): string {
  if (!value) return "";
  const date = new Date(withUtcDefault(value));
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 16);
}

function BulkReverify({
  sources,
  defaultSource,
  summary,
  formError,
}: {
  sources: string[];
  defaultSource: string | null;
  summary: BulkReverifySummary | null;
  formError: string | null;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "reverify-source";
  const dayAgo = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 16);
  return (
    <details className="mt-4 rounded-lg border border-slate-200 bg-white p-3 text-sm" open={Boolean(summary || formError)}>
      <summary className="cursor-pointer font-medium text-slate-800">Re-verify failed deliveries with the current secrets</summary>
      <p className="mt-2 max-w-3xl text-slate-600">
        After fixing a source&apos;s signing secret, check its stored deliveries that failed ({FAILED_OUTCOMES.filter((o) => o !== "missing_headers" && o !== "body_too_large").map((o) => OUTCOME_LABELS[o].toLowerCase()).join(", ")}) again. Those whose
        signature matches become events, as if they had verified on arrival; a timestamp that was outside the 5-minute tolerance
        when it arrived is flagged on the event.
      </p>
      <Form method="post" className="mt-3 flex flex-wrap items-end gap-3">
        <input type="hidden" name="intent" value="reverify-source" />
        <label className="text-sm">
          <span className="font-medium text-slate-700">Source</span>
          <select
            name="source"
            required
            defaultValue={defaultSource && sources.includes(defaultSource) ? defaultSource : sources.includes("clerk") ? "clerk" : sources[0]}
            className={selectClass}
          >
            {sources.map((slug) => (
              <option key={slug} value={slug}>
                {slug}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="font-medium text-slate-700">Received since (UTC)</span>
          <input type="datetime-local" name="since" required defaultValue={dayAgo} className={selectClass} />
        </label>
        <button
          type="submit"
          disabled={busy}
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          {busy ? "Re-verifying…" : "Re-verify"}
        </button>
      </Form>
      {formError ? (
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-red-800">
          {formError}
        </p>
      ) : null}
      {summary ? <BulkSummary summary={summary} /> : null}
    </details>
  );
}

function BulkSummary({ summary }: { summary: BulkReverifySummary }) {
  const { counts } = summary;
  const became = counts.verified + counts.duplicate;
  return (
    <div role="status" data-testid="reverify-summary" className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-emerald-900">
      {summary.checked === 0 ? (
        <p>
          No failed deliveries of <strong>{summary.source}</strong> since <Timestamp iso={summary.since} /> can be re-verified.
        </p>
      ) : (
        <p>
          Checked {plural(summary.checked, "delivery", "deliveries")} of <strong>{summary.source}</strong>: {became} became{" "}
          {became === 1 ? "an event" : "events"}
          {counts.duplicate ? ` (${counts.duplicate} joined an event already stored)` : ""}
          {summary.outsideTolerance ? `, ${summary.outsideTolerance} flagged as outside the timestamp tolerance` : ""}; {counts.still_invalid} still
          do not verify
          {counts.malformed_payload ? `; ${counts.malformed_payload} verify but are not Clerk envelopes` : ""}.
          {summary.remaining ? " More remain: run it again." : ""}
        </p>
      )}
    </div>
  );
}

function plural(count: number, one: string, many: string) {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}

function EmptyState({ ingestUrl }: { ingestUrl: string }) {
  return (
    <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
      <h2 className="text-base font-semibold">No deliveries yet</h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-700">
        Point Clerk at Hookline: in the Clerk Dashboard open <strong>Webhooks → Add Endpoint</strong>, use this URL, and
        subscribe to the events you want to keep.
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">{ingestUrl}</pre>
      <p className="mt-3 max-w-2xl text-sm text-slate-700">
        Copy the endpoint&apos;s <strong>Signing Secret</strong> (<code>whsec_…</code>) into{" "}
        <code>CLERK_WEBHOOK_SIGNING_SECRET</code> and restart Hookline. To try it without Clerk, send signed sample
        events:
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-sm text-slate-100">
        npx hookline send all --url {ingestUrl} --secret whsec_…
      </pre>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Deliveries · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/deliveries" backLabel="Reset the filters and go back to deliveries" />;
}
