// /targets: where Hookline re-sends events. Everyone signed in sees the list with
// each target's health; operators and admins create targets here.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { primaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";
import { SecretOnce } from "~/dispatch/components/secret-once";
import { TargetFields } from "~/dispatch/components/target-fields";
import { createTarget } from "~/dispatch/create-target.server";
import { currentAllowlist } from "~/dispatch/dispatch-config.server";
import { formError, formFailure } from "~/dispatch/route-errors.server";
import { targetCreateFromForm } from "~/dispatch/target-form";
import { listTargets, targetStats, toApiTarget } from "~/dispatch/target.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const rows = await listTargets(db());
  const stats = await targetStats(db(), rows.map((r) => r.id));
  return {
    targets: rows.map((row) => ({ ...toApiTarget(row), stats: stats.get(row.id)! })),
    canManage: hasRole(account.role, "operator"),
  };
}

const Intent = z.object({ intent: z.literal("create", { message: "Unknown action." }) });

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const form = await request.formData();
  const intent = Intent.safeParse(Object.fromEntries(form));
  if (!intent.success) return formFailure(intent.error.issues[0]!.message, null);
  const input = targetCreateFromForm(form);
  if (!input.ok) return formFailure(input.message, input.field);
  try {
    const created = await createTarget(db(), input.value, { actor: account.email, allowlist: currentAllowlist() });
    return { created: { id: created.target.id, name: created.target.name, secret: created.secret } };
  } catch (error) {
    return formError(error);
  }
}

export default function Targets() {
  const { targets, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const creating = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  const failure = result && "error" in result ? result : null;
  const created = result && "created" in result ? result.created : null;

  return (
    <div>
      <div className="flex items-baseline justify-between">
        <div>
          <h1 className="text-xl font-semibold">Targets</h1>
          <p className="text-sm text-slate-600">
            Where Hookline sends events again: auto-forwarding new ones, and replays. Each target signs with its own secret.
          </p>
        </div>
        {navigation.state === "loading" ? <span className="text-sm text-slate-500">Loading…</span> : null}
      </div>

      {created ? (
        <div className="mt-4 space-y-2">
          <SecretOnce secret={created.secret} title={`Target "${created.name}" created. Its signing secret:`} />
          <Link to={`/targets/${created.id}`} className="text-sm font-medium text-indigo-700 hover:underline">
            Open {created.name} →
          </Link>
        </div>
      ) : null}

      {targets.length === 0 ? (
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
          <h2 className="text-base font-semibold">No targets yet</h2>
          <p className="mt-2 max-w-2xl text-sm text-slate-700">
            A target is one of your own webhook endpoints: the service that consumes Clerk events. Add one{" "}
            {canManage ? "below" : "(operators and admins can)"} with its URL, then replay stored events to it from an event&apos;s page or the
            event list, or let it receive new events as they arrive (auto-forward).
          </p>
        </div>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Target</th>
                <th scope="col" className="px-3 py-2">Types</th>
                <th scope="col" className="px-3 py-2">Mode</th>
                <th scope="col" className="px-3 py-2 text-right">Success (24 h)</th>
                <th scope="col" className="px-3 py-2 text-right">Backlog</th>
                <th scope="col" className="px-3 py-2 text-right">Failures (24 h)</th>
                <th scope="col" className="px-3 py-2">Last attempt</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {targets.map((t) => (
                <tr key={t.id} className="hover:bg-slate-50" data-testid="target-row">
                  <td className="px-3 py-2">
                    <Link to={`/targets/${t.id}`} className="font-medium text-indigo-700 hover:underline">
                      {t.name}
                    </Link>
                    <div className="max-w-xs truncate font-mono text-xs text-slate-500" title={t.url}>
                      {t.url}
                    </div>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-700">{t.eventTypes.length ? t.eventTypes.join(", ") : "all types"}</td>
                  <td className="px-3 py-2 text-xs">
                    {!t.enabled ? (
                      <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-600">disabled</span>
                    ) : t.autoForward ? (
                      <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-indigo-700">auto-forward</span>
                    ) : (
                      <span className="text-slate-600">replays only</span>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums" data-testid="success-rate">
                    {t.stats.successRate === null ? (
                      <span className="text-slate-500">—</span>
                    ) : (
                      <span className={t.stats.successRate < 0.95 ? "text-red-700" : "text-emerald-700"}>
                        {(t.stats.successRate * 100).toFixed(t.stats.successRate === 1 ? 0 : 1)}%
                      </span>
                    )}
                    <div className="text-xs text-slate-500">{t.stats.attempts.toLocaleString("en")} attempts</div>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {t.stats.backlog.toLocaleString("en")}
                    {t.stats.retrying ? <div className="text-xs text-amber-700">{t.stats.retrying} retrying</div> : null}
                  </td>
                  <td className={`px-3 py-2 text-right tabular-nums ${t.stats.failures ? "text-red-700" : "text-slate-600"}`}>
                    {t.stats.failures.toLocaleString("en")}
                  </td>
                  <td className="px-3 py-2 text-slate-700">{t.stats.lastAttemptAt ? <Timestamp iso={t.stats.lastAttemptAt} /> : <span className="text-slate-500">never</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {canManage ? (
        <section className="mt-8 rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="create-heading">
          <h2 id="create-heading" className="text-base font-semibold">
            Add a target
          </h2>
          <Form method="post" className="mt-4 space-y-4" key={created?.id ?? "new"}>
            <input type="hidden" name="intent" value="create" />
            <TargetFields mode="create" errorField={failure?.field} />
            {failure ? (
              <p role="alert" className="text-sm text-red-700">
                {failure.error}
              </p>
            ) : null}
            <button type="submit" className={primaryButtonClass} disabled={creating}>
              {creating ? "Creating…" : "Create target"}
            </button>
          </Form>
        </section>
      ) : (
        <p className="mt-6 text-sm text-slate-600">You can look at targets; operators and admins create and change them.</p>
      )}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Targets · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/targets" backLabel="Back to targets" />;
}
