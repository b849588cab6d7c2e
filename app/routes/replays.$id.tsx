// /replays/:id: one job, live. The progress bar, sent/failed/left, the rate and the
// time left refresh every second while the job runs; operators pause, resume or
// cancel it here.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { dangerButtonClass, secondaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";
import { AttemptsTable } from "~/dispatch/components/attempts-table";
import { describeSelection } from "~/dispatch/components/describe-selection";
import { formatEta, JobProgressBar, JobStatusBadge } from "~/dispatch/components/job-status";
import { usePolling } from "~/dispatch/components/use-polling";
import { cancelJob, pauseJob, resumeJob } from "~/dispatch/control-job.server";
import { DispatchNotFoundError } from "~/dispatch/dispatch-errors";
import { getJob } from "~/dispatch/dispatch-job.server";
import { isFinished } from "~/dispatch/dispatch-status";
import { recentAttempts } from "~/dispatch/dispatch-views.server";
import { formError, formFailure } from "~/dispatch/route-errors.server";

async function loadJob(id: string) {
  try {
    return await getJob(db(), id);
  } catch (error) {
    if (error instanceof DispatchNotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const job = await loadJob(String(params.id));
  const [failures, target] = await Promise.all([
    recentAttempts(db(), { jobId: job.id, ok: false }, 20),
    db().target.findUnique({ where: { id: job.targetId }, select: { enabled: true, deletedAt: true } }),
  ]);
  return { job, failures, targetEnabled: Boolean(target?.enabled && !target.deletedAt), canManage: hasRole(account.role, "operator") };
}

const Intent = z.object({ intent: z.enum(["pause", "resume", "cancel"], { message: "Unknown action." }) });

export async function action({ request, params }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return formFailure(parsed.error.issues[0]!.message, null);
  const control = { pause: pauseJob, resume: resumeJob, cancel: cancelJob }[parsed.data.intent];
  try {
    await control(db(), String(params.id), { actor: account.email });
    return { ok: true };
  } catch (error) {
    return formError(error);
  }
}

export default function ReplayJob() {
  const { job, failures, targetEnabled, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { error?: string } | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const finished = isFinished(job.status);
  usePolling(!finished, 1000);

  return (
    <div>
      <nav className="text-sm text-slate-500" aria-label="Breadcrumb">
        <Link to="/replays" className="hover:underline">
          Replays
        </Link>{" "}
        / <span className="font-mono text-slate-700">{job.id}</span>
      </nav>
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">
          {job.kind === "retry" ? "Retry" : "Replay"} to{" "}
          <Link to={`/targets/${job.targetId}`} className="text-indigo-700 hover:underline">
            {job.targetName ?? job.targetId}
          </Link>
        </h1>
        <JobStatusBadge status={job.status} />
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {describeSelection(job)} · {job.order === "received" ? "arrival order" : "envelope-timestamp order"}, one resource&apos;s events in turn
        {job.maxPerSecond ? ` · at most ${job.maxPerSecond}/s` : ""}
        {job.newSvixId ? " · fresh svix-ids" : ""} · started by {job.createdBy} <Timestamp iso={job.createdAt} />
      </p>

      {!targetEnabled && !finished ? (
        <p role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          The target is disabled, so nothing is sent. Enable it on its page and the job carries on.
        </p>
      ) : null}
      {job.error ? (
        <p role="status" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {job.error}
        </p>
      ) : null}
      {result?.error ? (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {result.error}
        </p>
      ) : null}

      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="progress-heading">
        <h2 id="progress-heading" className="sr-only">
          Progress
        </h2>
        <JobProgressBar total={job.total} sent={job.sent} failed={job.failed} canceled={job.canceled} />
        <dl className="mt-4 grid grid-cols-2 gap-4 text-sm sm:grid-cols-6" data-testid="job-counts">
          <Count label="Total" value={job.total} testId="count-total" />
          <Count label="Sent" value={job.sent} tone="text-emerald-700" testId="count-sent" />
          <Count label="Failed" value={job.failed} tone={job.failed ? "text-red-700" : undefined} testId="count-failed" />
          <Count label="Left" value={job.left} testId="count-left" detail={job.retrying ? `${job.retrying} waiting to retry` : undefined} />
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Rate</dt>
            <dd className="mt-1 text-lg font-semibold tabular-nums">{finished ? "—" : `${job.rate}/s`}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Time left</dt>
            <dd className="mt-1 text-lg font-semibold tabular-nums">{finished ? "—" : formatEta(job.etaSeconds)}</dd>
          </div>
        </dl>
        {job.canceled ? <p className="mt-2 text-xs text-slate-500">{job.canceled.toLocaleString("en")} not sent because the job was canceled or taken over by a retry.</p> : null}
        {!job.planned && !finished ? <p className="mt-2 text-xs text-slate-500">Still selecting events; the total may change slightly.</p> : null}
        {job.finishedAt ? (
          <p className="mt-2 text-xs text-slate-500">
            Finished <Timestamp iso={job.finishedAt} />
          </p>
        ) : null}

        {canManage && !finished ? (
          <div className="mt-4 flex gap-2">
            {job.status === "paused" ? (
              <Form method="post">
                <input type="hidden" name="intent" value="resume" />
                <button type="submit" className={secondaryButtonClass} disabled={busy}>
                  Resume
                </button>
              </Form>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="pause" />
                <button type="submit" className={secondaryButtonClass} disabled={busy}>
                  Pause
                </button>
              </Form>
            )}
            <Form
              method="post"
              onSubmit={(event) => {
                if (!window.confirm("Cancel this job? Events not yet sent will not be sent.")) event.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="cancel" />
              <button type="submit" className={dangerButtonClass} disabled={busy}>
                Cancel
              </button>
            </Form>
          </div>
        ) : null}
      </section>

      <section className="mt-8" aria-labelledby="failures-heading">
        <h2 id="failures-heading" className="mb-2 text-base font-semibold">
          Failed attempts
        </h2>
        <AttemptsTable attempts={failures} empty="No failed attempts in this job." />
      </section>
    </div>
  );
}

function Count({ label, value, tone, detail, testId }: { label: string; value: number; tone?: string; detail?: string; testId: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className={`mt-1 text-lg font-semibold tabular-nums ${tone ?? "text-slate-900"}`} data-testid={testId}>
        {value.toLocaleString("en")}
      </dd>
      {detail ? <dd className="text-xs text-amber-700">{detail}</dd> : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.job.status} · Replay to ${data.job.targetName ?? "target"} · Hookline` : "Replay · Hookline" },
];

export function ErrorBoundary() {
  return <RouteError backTo="/replays" backLabel="Back to replays" />;
}
