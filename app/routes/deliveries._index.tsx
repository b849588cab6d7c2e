import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { requireUser } from "~/auth/session.server";
import { OutcomeBadge } from "~/components/outcome-badge";
import { Timestamp } from "~/components/time";
import { env } from "~/config/env.server";
import { listRecentDeliveries } from "~/deliveries/deliveries.server";
import { db } from "~/db/prisma.server";

const PAGE_SIZE = 50;
const Query = z.object({ before: z.string().regex(/^[0-9A-Z]{26}$/).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const url = new URL(request.url);
  const { before } = Query.parse(Object.fromEntries(url.searchParams));
  const page = await listRecentDeliveries(db(), { limit: PAGE_SIZE, before });
  return {
    ...page,
    firstPage: !before,
    ingestUrl: `${url.origin}/webhooks/clerk`,
    secretConfigured: Boolean(env().CLERK_WEBHOOK_SIGNING_SECRET),
  };
}

export default function Deliveries() {
  const { items, nextBefore, firstPage, ingestUrl, secretConfigured } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div>
      <div className="flex items-baseline justify-between">
        <div>
          <h1 className="text-xl font-semibold">Deliveries</h1>
          <p className="text-sm text-slate-600">Every request that reached the ingest endpoint, newest first, valid or not.</p>
        </div>
        {navigation.state === "loading" ? <span className="text-sm text-slate-500">Loading…</span> : null}
      </div>

      {!secretConfigured ? (
        <div role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <strong>No signing secret is set.</strong> Deliveries to <code>/webhooks/clerk</code> are stored with outcome{" "}
          <em>No secret configured</em> and answered 503, so Svix retries them. Set{" "}
          <code>CLERK_WEBHOOK_SIGNING_SECRET</code> to the endpoint&apos;s <code>whsec_…</code> secret and restart.
        </div>
      ) : null}

      {items.length === 0 && firstPage ? (
        <EmptyState ingestUrl={ingestUrl} />
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Received</th>
                <th scope="col" className="px-3 py-2">Type</th>
                <th scope="col" className="px-3 py-2">Outcome</th>
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
                    <Timestamp iso={delivery.receivedAt} />
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{delivery.type ?? <span className="text-slate-400">—</span>}</td>
                  <td className="px-3 py-2" title={delivery.outcomeDetail ?? undefined}>
                    <OutcomeBadge outcome={delivery.outcome} />
                  </td>
                  <td className="max-w-[16rem] truncate px-3 py-2 font-mono text-xs text-slate-700" title={delivery.svixId ?? undefined}>
                    {delivery.svixId ?? <span className="text-slate-400">none</span>}
                  </td>
                  <td className="px-3 py-2 text-slate-700">{delivery.source}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{delivery.status}</td>
                  <td className="px-3 py-2 text-right tabular-nums text-slate-600">{delivery.size.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 ? <p className="p-4 text-sm text-slate-600">No older deliveries.</p> : null}
        </div>
      )}

      <nav className="mt-4 flex gap-3 text-sm" aria-label="Pagination">
        {!firstPage ? (
          <Link to="/deliveries" className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Newest
          </Link>
        ) : null}
        {nextBefore ? (
          <Link
            to={`/deliveries?before=${nextBefore}`}
            className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
          >
            Older →
          </Link>
        ) : null}
      </nav>
    </div>
  );
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
