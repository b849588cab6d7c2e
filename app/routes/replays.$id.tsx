// /replays/:id: one job, live. The progress bar, the counters per outcome, the rate,
// the time left and the per-event log (filtered by outcome, `?outcome=…&after=<seq>`)
// refresh every second while the job runs; operators pause, resume or cancel it here.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { dangerButtonClass, secondaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";
import { describeSelection } from "~/dispatch/components/describe-selection";
import { JobEventLog, OutcomeCounters } from "~/dispatch/components/job-event-log";
import { formatEta, JobProgressBar, JobStatusBadge } from "~/dispatch/components/job-status";
import { usePolling } from "~/dispatch/components/use-polling";
import { cancelJob, pauseJob, resumeJob } from "~/dispatch/control-job.server";
import { DispatchNotFoundError } from "~/dispatch/dispatch-errors";
import { getJob } from "~/dispatch/dispatch-job.server";
import { isFinished, outcomeCounts, SEND_OUTCOMES } from "~/dispatch/dispatch-status";
import { jobEventLog } from "~/dispatch/job-event-log.server";
import { formError, formFailure } from "~/dispatch/route-errors.server";

async function loadJob(id: string) {
  try {
    return await getJob(db(), id);
  } catch (error) {
    if (error instanceof DispatchNotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
}

const LogQuery = z.object({
  outcome: z.enum(SEND_OUTCOMES, { message: `must be one of ${SEND_OUTCOMES.join(", ")}` }).optional(),
  after: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0, "must not be negative").optional(),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const search = new URL(request.url).searchParams;
  const query = LogQuery.safeParse({ outcome: search.get("outcome") || undefined, after: search.get("after") || undefined });
  if (!query.success) {
    const issue = query.error.issues[0]!;
    throw new Response(`Invalid \`${String(issue.path[0])}\`: ${issue.message}`, { status: 400 });
  }
  const job = await loadJob(String(params.id));
  const [log, target] = await Promise.all([
    jobEventLog(db(), job.id, { outcome: query.data.outcome, after: query.data.after }),
    db().target.findUnique({ where: { id: job.targetId }, select: { enabled: true, deletedAt: true } }),
  ]);
  return {
    job,
    log,
    outcome: query.data.outcome ?? null,
    after: query.data.after ?? null,
    targetEnabled: Boolean(target?.enabled && !target.deletedAt),
    canManage: hasRole(account.role, "operator"),
  };
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
  const { job, log, outcome, after, targetEnabled, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { error?: string } | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const finished = isFinished(job.status);
  usePolling(!finished, 1000);

  return (
    <div>
      <nav className="text-sm text-slate-600" aria-label="Breadcrumb">
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
        {job.newSvixId ? " · fresh svix-ids" : ""}
        {job.targetTypes ? ` · only the target's types (${job.targetTypes.join(", ")})` : ""} · started by {job.createdBy} <Timestamp iso={job.createdAt} />
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
        <OutcomeCounters counts={outcomeCounts(job)} total={job.total} active={outcome} />
        <p className="mt-3 text-sm text-slate-700">
          <span data-testid="count-left">{job.left.toLocaleString("en")}</span> left
          {finished ? null : (
            <>
              {" "}
              · {job.rate}/s · about {formatEta(job.etaSeconds)} to go
            </>
          )}
        </p>
        {!job.planned && !finished ? <p className="mt-2 text-xs text-slate-600">Still selecting events; the total may change slightly.</p> : null}
        {job.finishedAt ? (
          <p className="mt-2 text-xs text-slate-600">
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

      <section className="mt-8" aria-labelledby="log-heading">
        <h2 id="log-heading" className="mb-2 text-base font-semibold">
          Events{outcome ? `: ${outcome}` : ""}
        </h2>
        <JobEventLog rows={log.rows} outcome={outcome} after={after} nextAfter={log.nextAfter} />
      </section>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.job.status} · Replay to ${data.job.targetName ?? "target"} · Hookline` : "Replay · Hookline" },
];

export function ErrorBoundary() {
  return <RouteError backTo="/replays" backLabel="Back to replays" />;
}
