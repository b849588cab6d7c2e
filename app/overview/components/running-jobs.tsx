// Replay and forward jobs that are queued, running or paused, with their progress.
import { Link } from "@remix-run/react";

import type { Overview } from "../overview.server";

export function RunningJobs({ jobs }: { jobs: Overview["jobs"] }) {
  if (jobs.length === 0) return <p className="text-sm text-slate-600">No replay or forward job is running.</p>;
  return (
    <ul className="space-y-3">
      {jobs.map((job) => {
        const done = job.sent + job.failed;
        const percent = job.total ? Math.round((done / job.total) * 100) : 0;
        return (
          <li key={job.id}>
            <div className="flex flex-wrap justify-between gap-x-2 text-sm">
              <Link className="font-medium text-indigo-700 hover:underline" to={`/replays/${job.id}`}>
                {job.kind} to {job.targetName}
              </Link>
              <span className="text-slate-600">
                {job.status} · {done.toLocaleString("en")}/{job.total.toLocaleString("en")}
                {job.failed ? <span className="text-red-700"> · {job.failed} failed</span> : null}
              </span>
            </div>
            <div
              className="mt-1 h-2 overflow-hidden rounded bg-slate-100"
              role="progressbar"
              aria-label={`${job.kind} to ${job.targetName}: ${percent}% done`}
              aria-valuenow={percent}
              aria-valuemin={0}
              aria-valuemax={100}
            >
              <div className="h-full bg-indigo-500" style={{ width: `${percent}%` }} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
