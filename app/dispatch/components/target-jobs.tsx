// "Recent replays" on /targets/:id: the latest jobs to this target with their progress.
import { Link } from "@remix-run/react";

import { Timestamp } from "~/components/time";
import type { ApiJob } from "../dispatch-job.server";
import { JobProgressBar, JobStatusBadge } from "./job-status";

type JobRow = Pick<ApiJob, "id" | "status" | "total" | "sent" | "failed" | "canceled" | "createdAt" | "createdBy">;

export function TargetJobs({ jobs }: { jobs: JobRow[] }) {
  return (
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
            <li key={job.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 text-sm">
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
              <span className="ml-auto break-all text-xs text-slate-500">{job.createdBy}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
