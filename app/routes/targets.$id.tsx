// /targets/:id: one target's health (success rate, backlog, recent failures, jobs)
// and, for operators and admins, everything that changes it: edit, enable/disable,
// rotate the secret, send a test event, retry what failed, recover an outage, delete.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { activeIssuesFor } from "~/alerts/issues.server";
import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { db, database } from "~/db/prisma.server";
import { AttemptsTable } from "~/dispatch/components/attempts-table";
import { toDateTimeLocal } from "~/dispatch/components/outage-recovery-form";
import { SecretOnce } from "~/dispatch/components/secret-once";
import { TargetHeader } from "~/dispatch/components/target-header";
import { TargetJobs } from "~/dispatch/components/target-jobs";
import { TargetRecovery } from "~/dispatch/components/target-recovery";
import { TargetSettings } from "~/dispatch/components/target-settings";
import { TargetStats } from "~/dispatch/components/target-stats";
import { TargetTestSend } from "~/dispatch/components/target-test-send";
import { deleteTarget } from "~/dispatch/delete-target.server";
import { currentAllowlist } from "~/dispatch/dispatch-config.server";
import { DispatchNotFoundError } from "~/dispatch/dispatch-errors";
import { listJobs } from "~/dispatch/dispatch-job.server";
import { recentAttempts } from "~/dispatch/dispatch-views.server";
import { retryFailedSince } from "~/dispatch/retry-failed.server";
import { formError, formFailure } from "~/dispatch/route-errors.server";
import { sendTestEvent, type TestSendResult } from "~/dispatch/send-test-event.server";
import { targetUpdateFromForm } from "~/dispatch/target-form";
import { requireTarget, targetStats, toApiTarget } from "~/dispatch/target.server";
import { rotateTargetSecret, updateTarget } from "~/dispatch/update-target.server";
import { asUtc } from "~/events/event-list-params";

async function loadTarget(id: string) {
  try {
    return await requireTarget(db(), id);
  } catch (error) {
    if (error instanceof DispatchNotFoundError) throw new Response(`${error.message} It may have been deleted.`, { status: 404 });
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const row = await loadTarget(String(params.id));
  const [stats, failures, jobs, issues] = await Promise.all([
    targetStats(db(), [row.id]),
    recentAttempts(db(), { targetId: row.id, ok: false }, 20),
    listJobs(db(), { targetId: row.id, limit: 10 }),
    activeIssuesFor(db(), [{ type: "target", id: row.id }]),
  ]);
  const now = Date.now();
  return {
    issues: issues.map((i) => ({ id: i.id, title: i.title, status: i.status, kind: i.kind })),
    target: toApiTarget(row),
    stats: stats.get(row.id)!,
    failures,
    jobs: jobs.jobs,
    canManage: hasRole(account.role, "operator"),
    defaults: { since: new Date(now - 24 * 3600_000).toISOString(), from: toDateTimeLocal(new Date(now - 2 * 3600_000)), to: toDateTimeLocal(new Date(now)) },
  };
}

const Intent = z.object({
  intent: z.enum(["update", "enable", "disable", "rotate", "test", "retry-failed", "delete"], { message: "Unknown action." }),
});

// The retry form's field is typed as UTC in the 24-hour form every page shows
// (`2026-01-15 14:30:00`); an older `datetime-local` value (`2026-01-15T14:30`) or an
// ISO instant with its zone is read too.
const RetrySince = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/, { message: "Give the time to retry from as 2026-01-15 14:30:00 (UTC, 24-hour)." })
  .transform((value) => new Date(asUtc(value)))
  .refine((date) => !Number.isNaN(date.getTime()), { message: "That is not a valid date and time: use 2026-01-15 14:30:00 (UTC, 24-hour)." });

export async function action({ request, params }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const target = await loadTarget(String(params.id));
  const form = await request.formData();
  const parsed = Intent.safeParse(Object.fromEntries(form));
  if (!parsed.success) return formFailure(parsed.error.issues[0]!.message, null);
  const { intent } = parsed.data;
  const context = { actor: account.email, allowlist: currentAllowlist() };
  try {
    switch (intent) {
      case "update": {
        const input = targetUpdateFromForm(form);
        if (!input.ok) return formFailure(input.message, input.field, 400, intent);
        await updateTarget(db(), target.id, input.value, context);
        return { intent, message: "Saved." };
      }
      case "enable":
      case "disable":
        await updateTarget(db(), target.id, { enabled: intent === "enable" }, context);
        return { intent, message: intent === "enable" ? "Enabled: queued sends go out again." : "Disabled: nothing is sent until it is enabled again." };
      case "rotate": {
        const pasted = String(form.get("secret") ?? "").trim();
        const rotated = await rotateTargetSecret(db(), target.id, { actor: account.email, secret: pasted || undefined });
        return { intent, secret: rotated.secret };
      }
      case "test":
        return { intent, test: await sendTestEvent(db(), target.id, context) };
      case "retry-failed": {
        const since = RetrySince.safeParse(String(form.get("since") ?? ""));
        if (!since.success) return formFailure(since.error.issues[0]!.message, "since", 400, intent);
        const job = await retryFailedSince(database(), { targetId: target.id, since: since.data, actor: account.email });
        throw redirect(`/replays/${job.id}`);
      }
      case "delete":
        await deleteTarget(db(), target.id, { actor: account.email });
        throw redirect("/targets");
    }
  } catch (error) {
    if (error instanceof Response) throw error;
    return formError(error, intent);
  }
}

/** What the action answers, whichever intent it was. */
interface ActionResult {
  intent?: string;
  message?: string;
  secret?: string;
  test?: TestSendResult;
  error?: string;
  field?: string | null;
}

export default function TargetPage() {
  const { target, stats, failures, jobs, canManage, defaults, issues } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const pending = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const failure = result?.error ? result : null;
  const failedIntent = failure?.intent ?? null;

  return (
    <div>
      <TargetHeader target={target} issues={issues} loading={navigation.state === "loading"} />

      {result?.message ? (
        <p role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          {result.message}
        </p>
      ) : null}
      {result?.secret ? (
        <div className="mt-4">
          <SecretOnce secret={result.secret} title="New signing secret. The old one no longer signs anything." />
        </div>
      ) : null}
      {failure && !["update", "retry-failed"].includes(failedIntent ?? "") ? (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {failure.error}
        </p>
      ) : null}

      <TargetStats stats={stats} />

      {canManage ? <TargetTestSend test={result?.test ?? null} sending={pending === "test"} /> : null}

      <section className="mt-8" aria-labelledby="failures-heading">
        <h2 id="failures-heading" className="mb-2 text-base font-semibold">
          Recent failures
        </h2>
        <AttemptsTable attempts={failures} empty="No failed attempts. Every send to this target so far was accepted." />
      </section>

      {canManage ? (
        <TargetRecovery
          targetId={target.id}
          defaults={defaults}
          retrying={pending === "retry-failed"}
          retryError={failedIntent === "retry-failed" ? (failure?.error ?? null) : null}
        />
      ) : null}

      <TargetJobs jobs={jobs} />

      {canManage ? (
        <TargetSettings
          target={target}
          saving={pending === "update"}
          error={failedIntent === "update" && failure?.error ? { message: failure.error, field: failure.field ?? null } : null}
        />
      ) : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.target.name} · Targets · Hookline` : "Target · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/targets" backLabel="Back to targets" />;
}
