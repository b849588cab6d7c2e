// /replays/rebuild?targetId=…&<event filter>: "Rebuild a consumer". A consumer lost its
// database; send it, for each resource the filter selects, only the latest event (a
// deleted resource's *.deleted), and show how many resources of each type that is
// before it starts. The filter narrows it (types such as user.*, a source, a time range).
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { inputClass, primaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { NoTargetNotice, TargetSelect } from "~/dispatch/components/target-picker";
import { database, db } from "~/db/prisma.server";
import { targetOptions } from "~/dispatch/dispatch-views.server";
import { previewRebuild, rebuildConsumer } from "~/dispatch/rebuild-consumer.server";
import { formError, formFailure } from "~/dispatch/route-errors.server";
import { eventFilterToSearchParams, filterInputFromSearchParams, parseEventFilter, type EventFilter } from "~/events/event-filter";

function filterFrom(url: URL): EventFilter {
  const parsed = parseEventFilter(filterInputFromSearchParams(url.searchParams));
  if (!parsed.ok) throw new Response(parsed.message, { status: 400 });
  return parsed.value;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const url = new URL(request.url);
  const filter = filterFrom(url);
  const [preview, targets] = await Promise.all([previewRebuild(database(), filter), targetOptions(db())]);
  return {
    preview,
    targets,
    targetId: url.searchParams.get("targetId") ?? "",
    types: filter.type,
    source: filter.source ?? "",
    filterSummary: [...eventFilterToSearchParams(filter).entries()].map(([key, value]) => `${key}=${value}`),
    canReplay: hasRole(account.role, "operator"),
  };
}

const RebuildForm = z.object({
  intent: z.literal("rebuild", { message: "Unknown action." }),
  targetId: z.string().trim().min(1, "Choose a target."),
  maxPerSecond: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : Number(v)))
    .pipe(z.number({ invalid_type_error: "Max per second must be a number." }).int("Max per second must be a whole number.").min(1, "Max per second must be at least 1.").max(1000, "Max per second must be at most 1000.").nullable())
    .default(""),
});

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const filter = filterFrom(new URL(request.url));
  const parsed = RebuildForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return formFailure(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  let jobId: string;
  try {
    jobId = (await rebuildConsumer(database(), { targetId: parsed.data.targetId, filter, maxPerSecond: parsed.data.maxPerSecond, actor: account.email })).id;
  } catch (error) {
    return formError(error);
  }
  throw redirect(`/replays/${jobId}`);
}

export default function RebuildConsumer() {
  const { preview, targets, targetId, types, source, filterSummary, canReplay } = useLoaderData<typeof loader>();
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
        / <span className="text-slate-700">Rebuild a consumer</span>
      </nav>
      <h1 className="mt-1 text-xl font-semibold">Rebuild a consumer</h1>
      <p className="mt-1 text-sm text-slate-600">
        Sends each resource&apos;s <strong>latest</strong> event only, in envelope order: a user&apos;s last <code>user.updated</code> (or{" "}
        <code>user.created</code>), <code>user.deleted</code> for a deleted user, and the same for organizations, memberships and billing objects. A
        consumer that applies upserts and deletes ends with the current state, without the whole history.
      </p>

      <Form method="get" className="mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <input type="hidden" name="targetId" value={targetId} />
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Event types</span>
          <input name="type" defaultValue={types.join(",")} placeholder="user.*, organization.*" className={inputClass} />
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Source</span>
          <input name="source" defaultValue={source} placeholder="every source" className={inputClass} />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-2 text-sm hover:bg-slate-50">
          Count
        </button>
      </Form>

      <section className="mt-4 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="preview-heading">
        <h2 id="preview-heading" className="text-base font-semibold">
          <span data-testid="rebuild-total">{preview.total.toLocaleString("en")}</span> resource{preview.total === 1 ? "" : "s"} will be sent
        </h2>
        <p className="text-xs text-slate-500">Selected by: {filterSummary.length ? filterSummary.join(" ") : "every stored event"}</p>
        {preview.byType.length ? (
          <table className="mt-3 w-full text-sm" data-testid="rebuild-preview">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th className="py-1 font-medium">Resource type</th>
                <th className="py-1 text-right font-medium">Resources</th>
                <th className="py-1 text-right font-medium">of which deleted</th>
              </tr>
            </thead>
            <tbody>
              {preview.byType.map((row) => (
                <tr key={row.resourceType} className="border-t border-slate-100">
                  <td className="py-1 font-mono text-xs">{row.resourceType}</td>
                  <td className="py-1 text-right tabular-nums">{row.resources.toLocaleString("en")}</td>
                  <td className="py-1 text-right tabular-nums">{row.deleted.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      {preview.total === 0 ? null : !canReplay ? (
        <p className="mt-6 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-600">Rebuilding a consumer needs the operator role.</p>
      ) : usable.length === 0 ? (
        <NoTargetNotice />
      ) : (
        <Form method="post" action={`${location.pathname}${location.search}`} className="mt-4 space-y-4 rounded-lg border border-slate-200 bg-white p-5">
          <input type="hidden" name="intent" value="rebuild" />
          <div className="grid gap-4 sm:grid-cols-3">
            <TargetSelect targets={usable} preferred={targetId} className="sm:col-span-2" />
            <label className="block text-sm">
              <span className="font-medium text-slate-700">Max per second</span>
              <input name="maxPerSecond" type="number" min={1} max={1000} className={inputClass} placeholder="target's limit" />
            </label>
          </div>
          {failure?.error ? (
            <p role="alert" className="text-sm text-red-700">
              {failure.error}
            </p>
          ) : null}
          <button type="submit" className={primaryButtonClass} disabled={busy}>
            {busy ? "Starting…" : `Send ${preview.total.toLocaleString("en")} latest event${preview.total === 1 ? "" : "s"}`}
          </button>
        </Form>
      )}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Rebuild a consumer · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/replays" backLabel="Back to replays" />;
}
