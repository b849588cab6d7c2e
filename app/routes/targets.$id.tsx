// /targets/:id: one target's health (success rate, backlog, recent failures, jobs)
// and, for operators and admins, everything that changes it: edit, enable/disable,
// rotate the secret, send a test event, retry what failed, recover an outage, delete.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { IssueBanner } from "~/alerts/components/issue-badges";
import { activeIssuesFor } from "~/alerts/issues.server";
import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { dangerButtonClass, inputClass, primaryButtonClass, secondaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db, database } from "~/db/prisma.server";
import { AttemptsTable } from "~/dispatch/components/attempts-table";
import { JobProgressBar, JobStatusBadge } from "~/dispatch/components/job-status";
import { OutageRecoveryForm, fromDateTimeLocal, toDateTimeLocal } from "~/dispatch/components/outage-recovery-form";
import { SecretOnce } from "~/dispatch/components/secret-once";
import { TargetFields } from "~/dispatch/components/target-fields";
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
    defaults: { since: toDateTimeLocal(new Date(now - 24 * 3600_000)), from: toDateTimeLocal(new Date(now - 2 * 3600_000)), to: toDateTimeLocal(new Date(now)) },
  };
}

const Intent = z.object({
  intent: z.enum(["update", "enable", "disable", "rotate", "test", "retry-failed", "delete"], { message: "Unknown action." }),
});

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
        const since = fromDateTimeLocal(String(form.get("since") ?? ""));
        if (!since) return formFailure("Give the time to retry from.", "since", 400, intent);
        const job = await retryFailedSince(database(), { targetId: target.id, since, actor: account.email });
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
  const test = result?.test ?? null;

  return (
    <div>
      <nav className="text-sm text-slate-500" aria-label="Breadcrumb">
        <Link to="/targets" className="hover:underline">
          Targets
        </Link>{" "}
        / <span className="text-slate-700">{target.name}</span>
      </nav>
      <IssueBanner issues={issues} />
      <div className="mt-1 flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">{target.name}</h1>
        {!target.enabled ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">disabled</span> : null}
        {target.autoForward ? <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-700">auto-forward</span> : null}
        {navigation.state === "loading" ? <span className="text-sm text-slate-500">Loading…</span> : null}
      </div>
      <p className="mt-1 break-all font-mono text-sm text-slate-600">{target.url}</p>
      <p className="mt-1 text-xs text-slate-500">
        {target.eventTypes.length ? `Types: ${target.eventTypes.join(", ")}` : "All event types"} · timeout {target.timeoutMs} ms ·{" "}
        {target.maxPerSecond ? `at most ${target.maxPerSecond}/s` : "no rate limit"} · concurrency {target.concurrency}
        {target.headerNames.length ? ` · extra headers: ${target.headerNames.join(", ")}` : ""}
      </p>

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

      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Success (24 h)" value={stats.successRate === null ? "—" : `${(stats.successRate * 100).toFixed(stats.successRate === 1 ? 0 : 1)}%`} tone={stats.successRate !== null && stats.successRate < 0.95 ? "bad" : "good"} />
        <Stat label="Attempts (24 h)" value={stats.attempts.toLocaleString("en")} />
        <Stat label="Backlog" value={stats.backlog.toLocaleString("en")} detail={stats.retrying ? `${stats.retrying} waiting to retry` : undefined} />
        <Stat label="Failures (24 h)" value={stats.failures.toLocaleString("en")} tone={stats.failures ? "bad" : undefined} />
      </dl>

      {canManage ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="test-heading">
          <div className="flex flex-wrap items-center gap-3">
            <h2 id="test-heading" className="text-base font-semibold">
              Send a test event
            </h2>
            <Form method="post">
              <input type="hidden" name="intent" value="test" />
              <button type="submit" className={primaryButtonClass} disabled={pending === "test"}>
                {pending === "test" ? "Sending…" : "Send test event"}
              </button>
            </Form>
            <span className="text-xs text-slate-500">A sample event signed with this target&apos;s secret, sent now; nothing is queued.</span>
          </div>
          {test ? (
            <div className="mt-3 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="test-result">
              <p>
                <span className={`font-semibold ${test.ok ? "text-emerald-700" : "text-red-700"}`}>{test.ok ? "Accepted" : "Failed"}</span>{" "}
                {test.status !== null ? <span>HTTP {test.status}</span> : null} in {test.durationMs} ms ·{" "}
                <code className="text-xs">{test.type}</code> · <code className="text-xs">{test.svixId}</code>
              </p>
              {test.error && !test.ok ? <p className="mt-1 text-red-700">{test.error}</p> : null}
              {test.responseExcerpt ? (
                <pre className="mt-2 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-xs text-slate-700 ring-1 ring-slate-200">
                  {test.responseExcerpt}
                </pre>
              ) : null}
            </div>
          ) : null}
        </section>
      ) : null}

      <section className="mt-8" aria-labelledby="failures-heading">
        <h2 id="failures-heading" className="mb-2 text-base font-semibold">
          Recent failures
        </h2>
        <AttemptsTable attempts={failures} empty="No failed attempts. Every send to this target so far was accepted." />
      </section>

      {canManage ? (
        <section className="mt-8 grid gap-4 lg:grid-cols-2">
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="retry-heading" className="text-base font-semibold">
              Retry everything that failed
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              One job for every event whose send to this target failed since the time below and has not succeeded since. Retries still waiting are
              taken over.
            </p>
            <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" aria-labelledby="retry-heading">
              <input type="hidden" name="intent" value="retry-failed" />
              <label className="block text-sm">
                <span className="font-medium text-slate-700">Failed since (UTC)</span>
                <input name="since" type="datetime-local" step={1} required defaultValue={defaults.since} className={inputClass} />
              </label>
              <button type="submit" className={primaryButtonClass} disabled={pending === "retry-failed"}>
                {pending === "retry-failed" ? "Starting…" : "Retry failed"}
              </button>
            </Form>
            {failedIntent === "retry-failed" ? (
              <p role="alert" className="mt-2 text-sm text-red-700">
                {failure?.error}
              </p>
            ) : null}
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="text-base font-semibold">Rebuild a consumer</h2>
            <p className="mt-1 text-sm text-slate-600">
              It lost its database: send each user, organization, membership and billing object&apos;s latest event only (deletions included).
            </p>
            <Link to={`/replays/rebuild?targetId=${encodeURIComponent(target.id)}`} className="mt-2 inline-block text-sm text-indigo-700 hover:underline">
              See what it sends →
            </Link>
          </div>
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="text-base font-semibold">Recover an outage</h2>
            <div className="mt-3">
              <OutageRecoveryForm targets={[]} fixedTargetId={target.id} defaultFrom={defaults.from} defaultTo={defaults.to} />
            </div>
          </div>
        </section>
      ) : null}

      <section className="mt-8" aria-labelledby="jobs-heading">
        <div className="mb-2 flex items-baseline justify-between">
          <h2 id="jobs-heading" className="text-base font-semibold">
            Recent replays
          </h2>
          <Link to="/replays" className="text-sm text-indigo-700 hover:underline">
            All replays →
          </Link>
        </div>
        {jobs.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
            Nothing has been replayed to this target. Replay one event from its page, or many from the event list.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
            {jobs.map((job) => (
              <li key={job.id} className="flex items-center gap-4 px-3 py-2 text-sm">
                <Link to={`/replays/${job.id}`} className="w-40 shrink-0 text-indigo-700 hover:underline">
                  <Timestamp iso={job.createdAt} />
                </Link>
                <JobStatusBadge status={job.status} />
                <div className="w-40">
                  <JobProgressBar total={job.total} sent={job.sent} failed={job.failed} canceled={job.canceled} size="sm" />
                </div>
                <span className="tabular-nums text-slate-600">
                  {job.sent}/{job.total} sent{job.failed ? `, ${job.failed} failed` : ""}
                </span>
                <span className="ml-auto text-xs text-slate-500">{job.createdBy}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {canManage ? (
        <section className="mt-8 rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="edit-heading">
          <h2 id="edit-heading" className="text-base font-semibold">
            Settings
          </h2>
          <Form method="post" className="mt-4 space-y-4" key={target.updatedAt}>
            <input type="hidden" name="intent" value="update" />
            <TargetFields mode="edit" values={target} errorField={failedIntent === "update" ? failure?.field : null} />
            {failedIntent === "update" ? (
              <p role="alert" className="text-sm text-red-700">
                {failure?.error}
              </p>
            ) : null}
            <button type="submit" className={primaryButtonClass} disabled={pending === "update"}>
              {pending === "update" ? "Saving…" : "Save changes"}
            </button>
          </Form>

          <div className="mt-6 flex flex-wrap items-end gap-6 border-t border-slate-100 pt-4">
            <Form method="post">
              <input type="hidden" name="intent" value={target.enabled ? "disable" : "enable"} />
              <button type="submit" className={secondaryButtonClass}>
                {target.enabled ? "Disable" : "Enable"}
              </button>
            </Form>
            <Form method="post" className="flex flex-wrap items-end gap-2">
              <input type="hidden" name="intent" value="rotate" />
              <label className="block text-xs">
                <span className="font-medium text-slate-700">New secret (empty = generate)</span>
                <input name="secret" autoComplete="off" spellCheck={false} className={`${inputClass} w-64 font-mono`} placeholder="whsec_…" />
              </label>
              <button type="submit" className={secondaryButtonClass}>
                Rotate secret
              </button>
            </Form>
            <Form
              method="post"
              onSubmit={(event) => {
                if (!window.confirm(`Delete target "${target.name}"? Waiting sends are canceled.`)) event.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="delete" />
              <button type="submit" className={dangerButtonClass}>
                Delete target
              </button>
            </Form>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function Stat({ label, value, detail, tone }: { label: string; value: string; detail?: string; tone?: "good" | "bad" }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className={`mt-1 text-lg font-semibold tabular-nums ${tone === "bad" ? "text-red-700" : tone === "good" ? "text-emerald-700" : "text-slate-900"}`}>{value}</dd>
      {detail ? <dd className="text-xs text-amber-700">{detail}</dd> : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.target.name} · Targets · Hookline` : "Target · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/targets" backLabel="Back to targets" />;
}
