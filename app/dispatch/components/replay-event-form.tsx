// "Replay to…" on an event's page: pick a target, or a laptop running `hookline listen`,
// and send this event to it again (its original bytes and svix-id, signed with the
// target's or the laptop's secret). A target gets a one-event job (the dispatch
// worker); a laptop gets it over its stream at once, and its local app's answer shows
// on the page. Operators only; others see why they cannot.
// Mount with <ReplayEventForm eventId={event.id} listeners={…} answeredReplayIds={…} />.
import { Link, useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";

import { inputClass, primaryButtonClass } from "~/components/form-styles";
import { eventReplayPath, useEventDispatchData } from "./event-dispatch-data";

interface ReplayAnswer {
  jobId?: string | null;
  listenerReplayId?: string | null;
  error: string | null;
  field: string | null;
}

/** A live `hookline listen` session, as the event page's loader lists it. */
export interface ListenerChoice {
  id: string;
  who: string;
  client: string;
}

/** How long the page waits for a laptop's answer before it stops asking. */
const ANSWER_WAIT_MS = 30_000;

export function ReplayEventForm({
  eventId,
  listeners = [],
  answeredReplayIds = [],
}: {
  eventId: string;
  listeners?: ListenerChoice[];
  /** Replays to listeners whose answer the page already shows. */
  answeredReplayIds?: string[];
}) {
  const data = useEventDispatchData(eventId);
  const submit = useFetcher<ReplayAnswer>({ key: `event-replay-${eventId}` });
  const busy = submit.state !== "idle";
  const answer = submit.state === "idle" ? submit.data : undefined;
  const [destination, setDestination] = useState("");

  // A queued replay shows up in the sends list at once.
  const { load } = data;
  useEffect(() => {
    if (answer?.jobId) load(eventReplayPath(eventId));
  }, [answer?.jobId, eventId, load]);

  // A laptop answers in its own time: reload the page's attempts until its answer is there.
  const waitingFor = answer?.listenerReplayId && !answeredReplayIds.includes(answer.listenerReplayId) ? answer.listenerReplayId : null;
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!waitingFor) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > ANSWER_WAIT_MS) return clearInterval(timer);
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [waitingFor, revalidator]);

  if (!data.data) {
    return <p className="text-sm text-slate-600">{data.state === "loading" ? "Loading targets…" : ""}</p>;
  }
  const { canReplay, targets } = data.data;
  if (!canReplay) {
    return <p className="text-sm text-slate-600">Replaying this event to a target needs the operator role.</p>;
  }
  const usable = targets.filter((t) => t.enabled);
  if (usable.length === 0 && listeners.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-3 text-sm text-slate-600">
        To send this event to one of your endpoints again,{" "}
        <Link to="/targets" className="text-indigo-700 hover:underline">
          add a target
        </Link>{" "}
        first, or run <code>npx hookline listen</code> on a laptop.
      </p>
    );
  }
  const onlyChoice = usable.length + listeners.length === 1 ? (usable[0] ? `target:${usable[0].id}` : `listener:${listeners[0]!.id}`) : "";
  const chosen = destination || onlyChoice;
  const [kind, chosenId] = chosen.split(":") as ["target" | "listener" | "", string | undefined];
  const toListener = kind === "listener";
  const laptop = toListener ? listeners.find((l) => l.id === chosenId) : undefined;
  return (
    <submit.Form
      method="post"
      action={toListener ? `/events/${encodeURIComponent(eventId)}` : eventReplayPath(eventId)}
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
      aria-label="Replay this event"
    >
      <input type="hidden" name="intent" value={toListener ? "replay-to-listener" : "replay"} />
      <input type="hidden" name={toListener ? "listenerId" : "targetId"} value={chosenId ?? ""} />
      <label className="block min-w-0 max-w-full text-sm">
        <span className="font-medium text-slate-700">Replay to</span>
        <select
          name="destination"
          required
          className={`${inputClass} w-full min-w-56 max-w-full`}
          value={chosen}
          onChange={(e) => setDestination(e.currentTarget.value)}
          data-testid="replay-destination"
        >
          <option value="" disabled>
            Choose a target or a laptop…
          </option>
          {usable.length ? (
            <optgroup label="Targets">
              {usable.map((t) => (
                <option key={t.id} value={`target:${t.id}`}>
                  {t.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {listeners.length ? (
            <optgroup label="Listening laptops (hookline listen)">
              {listeners.map((l) => (
                <option key={l.id} value={`listener:${l.id}`}>
                  laptop: {l.who} · {l.client}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      {toListener ? null : (
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="newSvixId" className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
          <span className="text-slate-700">New svix-id</span>
        </label>
      )}
      <button type="submit" className={primaryButtonClass} disabled={busy || !chosenId}>
        {busy ? (toListener ? "Sending…" : "Queuing…") : toListener ? "Send to laptop" : "Replay"}
      </button>
      {answer?.jobId ? (
        <p role="status" className="w-full text-sm text-emerald-800">
          Queued.{" "}
          <Link to={`/replays/${answer.jobId}`} className="font-medium text-indigo-700 hover:underline">
            Follow the replay →
          </Link>
        </p>
      ) : null}
      {answer?.listenerReplayId ? (
        <p role="status" className="w-full text-sm text-emerald-800" data-testid="listener-replay-status">
          {waitingFor
            ? `Sent to ${laptop ? `${laptop.who}'s laptop` : "the laptop"}; waiting for its local app's answer…`
            : "Sent; the laptop's answer is listed below."}
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
