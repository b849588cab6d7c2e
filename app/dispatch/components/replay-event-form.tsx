// "Replay to…" on an event's page: pick a target, send this event to it again (its
// original bytes and svix-id, signed with the target's secret). Operators only;
// others see why they cannot. Mount with <ReplayEventForm eventId={event.id} />.
import { Link, useFetcher } from "@remix-run/react";
import { useEffect } from "react";

import { inputClass, primaryButtonClass } from "~/components/form-styles";
import { eventReplayPath, useEventDispatchData } from "./event-dispatch-data";

interface ReplayAnswer {
  jobId: string | null;
  error: string | null;
  field: string | null;
}

export function ReplayEventForm({ eventId }: { eventId: string }) {
  const data = useEventDispatchData(eventId);
  const submit = useFetcher<ReplayAnswer>({ key: `event-replay-${eventId}` });
  const busy = submit.state !== "idle";
  const answer = submit.state === "idle" ? submit.data : undefined;

  // A queued replay shows up in the sends list at once.
  const { load } = data;
  useEffect(() => {
    if (answer?.jobId) load(eventReplayPath(eventId));
  }, [answer?.jobId, eventId, load]);

  if (!data.data) {
    return <p className="text-sm text-slate-500">{data.state === "loading" ? "Loading targets…" : ""}</p>;
  }
  const { canReplay, targets } = data.data;
  if (!canReplay) {
    return <p className="text-sm text-slate-600">Replaying this event to a target needs the operator role.</p>;
  }
  const usable = targets.filter((t) => t.enabled);
  if (usable.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-3 text-sm text-slate-600">
        To send this event to one of your endpoints again,{" "}
        <Link to="/targets" className="text-indigo-700 hover:underline">
          add a target
        </Link>{" "}
        first.
      </p>
    );
  }
  return (
    <submit.Form method="post" action={eventReplayPath(eventId)} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3" aria-label="Replay this event">
      <input type="hidden" name="intent" value="replay" />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Replay to</span>
        <select name="targetId" required className={`${inputClass} min-w-56`} defaultValue={usable.length === 1 ? usable[0]!.id : ""}>
          <option value="" disabled>
            Choose a target…
          </option>
          {usable.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-2 pb-2 text-sm">
        <input type="checkbox" name="newSvixId" className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
        <span className="text-slate-700">New svix-id</span>
      </label>
      <button type="submit" className={primaryButtonClass} disabled={busy}>
        {busy ? "Queuing…" : "Replay"}
      </button>
      {answer?.jobId ? (
        <p role="status" className="w-full text-sm text-emerald-800">
          Queued.{" "}
          <Link to={`/replays/${answer.jobId}`} className="font-medium text-indigo-700 hover:underline">
            Follow the replay →
          </Link>
        </p>
      ) : null}
      {answer?.error ? (
        <p role="alert" className="w-full text-sm text-red-700">
          {answer.error}
        </p>
      ) : null}
    </submit.Form>
  );
}
