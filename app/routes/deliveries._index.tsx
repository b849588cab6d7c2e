// /deliveries: every request that reached ingest. By default the ones that failed
// verification, with the reason, grouped by source and outcome above the list with the
// action that fixes each group; filters live in the URL. Operators re-verify failed
// deliveries after fixing a secret: a group at a time, or a source since a time.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { BulkReverify } from "~/deliveries/components/bulk-reverify";
import { NoDeliveriesYet, NoMatchingDeliveries, NoSecretNotice } from "~/deliveries/components/deliveries-empty-state";
import { DeliveriesFilterForm } from "~/deliveries/components/deliveries-filter-form";
import { DeliveriesTable } from "~/deliveries/components/deliveries-table";
import { FailureGroupsPanel } from "~/deliveries/components/failure-groups";
import { hasAnyDelivery, InvalidDeliveryCursorError, knownSourceSlugs, listDeliveries } from "~/deliveries/deliveries.server";
import { FAILED_OUTCOMES, OUTCOME_GROUPS, parseDeliveryQuery, withUtcDefault } from "~/deliveries/delivery-filter";
import { loadFailureGroups } from "~/deliveries/failure-groups.server";
import { reverifyFailedDeliveries, type BulkReverifySummary } from "~/deliveries/reverify.server";
import { database, db } from "~/db/prisma.server";
import type { Outcome } from "~/ingest/outcomes";
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
  const query = parsed.value;
  // The groups are of failures: none for a view of one accepted outcome.
  const showGroups = anyDelivery && ((OUTCOME_GROUPS as readonly string[]).includes(query.outcome) || FAILED_OUTCOMES.includes(query.outcome as Outcome));
  try {
    const [page, failureGroups] = await Promise.all([
      listDeliveries(db(), { ...query, limit: PAGE_SIZE }, { withClaimedType: true }),
      showGroups ? loadFailureGroups(database(), query) : null,
    ]);
    return { ...common, items: page.deliveries, nextCursor: page.nextCursor, firstPage: !query.cursor, failureGroups };
  } catch (error) {
    if (error instanceof InvalidDeliveryCursorError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

const utcDate = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Give the time to re-verify ${what}`)
    .transform(withUtcDefault)
    .refine((value) => !Number.isNaN(Date.parse(value)), "Give a valid date and time, e.g. 2026-01-15 14:30:00")
    .transform((value) => new Date(value));

const ReverifyForm = z.discriminatedUnion(
  "intent",
  [
    // Every failed delivery of a source since a time.
    z.object({ intent: z.literal("reverify-source"), source: z.string().trim().min(1, "Pick a source").max(200), since: utcDate("from") }),
    // One group of the failure groups: its source, its outcome, its first to last seen.
    z.object({
      intent: z.literal("reverify-group"),
      source: z.string().trim().min(1, "Pick a source").max(200),
      outcome: z.enum(FAILED_OUTCOMES as [Outcome, ...Outcome[]], { message: "Pick an outcome that failed verification" }),
      since: utcDate("from"),
      until: utcDate("until"),
    }),
  ],
  { errorMap: () => ({ message: "Unknown action" }) },
);

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const parsed = ReverifyForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: parsed.error.issues[0]!.message as string | null, summary: null as BulkReverifySummary | null }, { status: 400 });
  const form = parsed.data;
  const summary = await reverifyFailedDeliveries(
    { db: db(), sources: new SourceResolver(db(), undefined, 0) },
    form.intent === "reverify-group" ? { source: form.source, outcome: form.outcome, since: form.since, until: form.until } : { source: form.source, since: form.since },
    { actor: account.email },
  );
  return { error: null as string | null, summary: summary as BulkReverifySummary | null };
}

export default function Deliveries() {
  const { items, nextCursor, firstPage, ingestUrl, secretConfigured, sources, anyDelivery, canReverify, failureGroups } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const outcome = params.get("outcome") || "failed";
  const range = params.get("range") || (params.get("from") || params.get("to") ? "custom" : "");
  const filtered = ["source", "range", "from", "to"].some((name) => params.get(name)) || outcome !== "failed";
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/deliveries";
  const groupSummary = actionData?.summary?.outcome ? actionData.summary : null;
  const sourceSummary = actionData?.summary && !actionData.summary.outcome ? actionData.summary : null;

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
          <span role="status" className="text-sm text-slate-600">
            Loading…
          </span>
        ) : null}
      </div>

      {!secretConfigured ? <NoSecretNotice /> : null}

      <DeliveriesFilterForm params={params} sources={sources} outcome={outcome} range={range} filtered={filtered} />

      {failureGroups ? <FailureGroupsPanel failureGroups={failureGroups} canReverify={canReverify} listParams={params} summary={groupSummary} /> : null}

      {canReverify ? (
        <BulkReverify
          sources={sources}
          defaultSource={sourceSummary?.source ?? params.get("source") ?? null}
          summary={sourceSummary}
          formError={actionData?.error ?? null}
        />
      ) : null}

      {!anyDelivery ? (
        <NoDeliveriesYet ingestUrl={ingestUrl} />
      ) : items.length === 0 && firstPage ? (
        <NoMatchingDeliveries outcome={outcome} filtered={filtered} />
      ) : items.length > 0 ? (
        <DeliveriesTable items={items} />
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

export const meta: MetaFunction = () => [{ title: "Deliveries · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/deliveries" backLabel="Reset the filters and go back to deliveries" />;
}
