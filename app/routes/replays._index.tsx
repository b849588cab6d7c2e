// /replays: every replay and retry job, newest first, with live progress; and the
// outage recovery form ("our consumer was down from 02:10 to 03:40").
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { database, db } from "~/db/prisma.server";
import { describeSelection } from "~/dispatch/components/describe-selection";
import { JobProgressBar, JobStatusBadge } from "~/dispatch/components/job-status";
import { OutageRecoveryForm, fromDateTimeLocal, toDateTimeLocal } from "~/dispatch/components/outage-recovery-form";
import { usePolling } from "~/dispatch/components/use-polling";
import { listJobs } from "~/dispatch/dispatch-job.server";
import { isFinished } from "~/dispatch/dispatch-status";
import { targetOptions } from "~/dispatch/dispatch-views.server";
import { recoverOutage } from "~/dispatch/recover-outage.server";
import { formError, formFailure } from "~/dispatch/route-errors.server";

const Query = z.object({ before: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const { before } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [page, targets] = await Promise.all([listJobs(db(), { before }), targetOptions(db())]);
  const now = Date.now();
  return {
    ...page,
    firstPage: !before,
    targets,
    canManage: hasRole(account.role, "operator"),
    defaults: { from: toDateTimeLocal(new Date(now - 2 * 3600_000)), to: toDateTimeLocal(new Date(now)) },
  };
}

const RecoverForm = z.object({
  intent: z.literal("recover", { message: "Unknown action." }),
  targetId: z.string().trim().min(1, "Choose a target."),
  from: z.string().transform((v, ctx) => fromDateTimeLocal(v) ?? (ctx.addIssue({ code: "custom", message: "Give the start of the outage." }), z.NEVER)),
  to: z.string().transform((v, ctx) => fromDateTimeLocal(v) ?? (ctx.addIssue({ code: "custom", message: "Give the end of the outage." }), z.NEVER)),
  includeNeverSent: z.literal("on").optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const parsed = RecoverForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return formFailure(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  const { targetId, from, to, includeNeverSent } = parsed.data;
  let jobId: string;
  try {
    jobId = (await recoverOutage(database(), { targetId, from, to, includeNeverSent: includeNeverSent === "on", actor: account.email })).id;
  } catch (error) {
    return formError(error);
  }
  throw redirect(`/replays/${jobId}`);
}

export default function Replays() {
  const { jobs, nextBefore, firstPage, targets, canManage, defaults } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  usePolling(jobs.some((job) => !isFinished(job.status)), 2000);

  return (
    <div>
      <div className="flex items-baseline justify-between">
        <div>
          <h1 className="text-xl font-semibold">Replays</h1>
          <p className="text-sm text-slate-600">Jobs that send stored events to a target again, newest first.</p>
        </div>
        <div className="flex items-baseline gap-3">
          {navigation.state === "loading" ? <span className="text-sm text-slate-500">Loading…</span> : null}
          {canManage && targets.length > 0 ? (
            <Link to="/replays/rebuild" className="text-sm text-indigo-700 hover:underline" title="Send each resource's latest event only">
              Rebuild a consumer →
            </Link>
          ) : null}
        </div>
      </div>

      {jobs.length === 0 && firstPage ? (
        <div className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-8" data-testid="empty-state">
          <h2 className="text-base font-semibold">No replays yet</h2>
          <p className="mt-2 max-w-2xl text-sm text-slate-700">
            Replay one event from its page (<em>Replay to…</em>), replay everything a filter selects from the{" "}
            <Link to="/events" className="text-indigo-700 hover:underline">
              event list
            </Link>
            , or recover a target&apos;s outage below. {targets.length === 0 ? (
              <>
                First{" "}
                <Link to="/targets" className="text-indigo-700 hover:underline">
                  add a target
                </Link>
                .
              </>
            ) : null}
          </p>
        </div>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Started</th>
                <th scope="col" className="px-3 py-2">Target</th>
                <th scope="col" className="px-3 py-2">What</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="w-48 px-3 py-2">Progress</th>
                <th scope="col" className="px-3 py-2 text-right">Sent</th>
                <th scope="col" className="px-3 py-2 text-right">Failed</th>
                <th scope="col" className="px-3 py-2 text-right">Left</th>
                <th scope="col" className="px-3 py-2">By</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {jobs.map((job) => (
                <tr key={job.id} className="hover:bg-slate-50" data-testid="job-row">
                  <td className="px-3 py-2">
                    <Link to={`/replays/${job.id}`} className="text-indigo-700 hover:underline">
                      <Timestamp iso={job.createdAt} />
                    </Link>
                  </td>
                  <td className="px-3 py-2">{job.targetName ?? job.targetId}</td>
                  <td className="px-3 py-2 text-slate-700">{describeSelection(job)}</td>
                  <td className="px-3 py-2">
                    <JobStatusBadge status={job.status} />
                  </td>
                  <td className="px-3 py-2">
                    <JobProgressBar total={job.total} sent={job.sent} failed={job.failed} canceled={job.canceled} size="sm" />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{job.sent.toLocaleString("en")}</td>
                  <td className={`px-3 py-2 text-right tabular-nums ${job.failed ? "text-red-700" : ""}`}>{job.failed.toLocaleString("en")}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{job.left.toLocaleString("en")}</td>
                  <td className="px-3 py-2 text-xs text-slate-600">{job.createdBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {jobs.length === 0 ? <p className="p-4 text-sm text-slate-600">No older jobs.</p> : null}
        </div>
      )}

      <nav className="mt-4 flex gap-3 text-sm" aria-label="Pagination">
        {!firstPage ? (
          <Link to="/replays" className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Newest
          </Link>
        ) : null}
        {nextBefore ? (
          <Link to={`/replays?before=${nextBefore}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Older →
          </Link>
        ) : null}
      </nav>

      {canManage && targets.length > 0 ? (
        <section className="mt-8 rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="recover-heading">
          <h2 id="recover-heading" className="text-base font-semibold">
            Recover an outage
          </h2>
          <p className="mt-1 text-sm text-slate-600">A consumer was down for a while: send it everything from that window it never got.</p>
          <div className="mt-4">
            <OutageRecoveryForm targets={targets} error={failure?.error} defaultFrom={defaults.from} defaultTo={defaults.to} />
          </div>
        </section>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Replays · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/replays" backLabel="Back to replays" />;
}
