// Resource route behind the event page's "Replay to…" form and its list of sends:
// GET answers the targets to choose from and this event's sends per target (for
// polling); POST (operators) replays the event to a target as a one-event job.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { database, db } from "~/db/prisma.server";
import { eventDispatchTasks, targetOptions } from "~/dispatch/dispatch-views.server";
import { replayEvent } from "~/dispatch/replay-event.server";
import { formError, formFailure } from "~/dispatch/route-errors.server";

const EventId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);

function eventIdFrom(params: LoaderFunctionArgs["params"]) {
  const id = EventId.safeParse(params.id);
  if (!id.success) throw json({ error: "No such event." }, { status: 404 });
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const eventId = eventIdFrom(params);
  const [targets, tasks] = await Promise.all([targetOptions(db()), eventDispatchTasks(db(), eventId)]);
  return json(
    { canReplay: hasRole(account.role, "operator"), targets, tasks },
    { headers: { "Cache-Control": "no-store" } },
  );
}

const ReplayForm = z.object({
  intent: z.literal("replay", { message: "Unknown action." }),
  targetId: z.string().trim().min(1, "Choose a target."),
  newSvixId: z.literal("on").optional(),
});

export async function action({ request, params }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const eventId = eventIdFrom(params);
  const parsed = ReplayForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return formFailure(parsed.error.issues[0]!.message, String(parsed.error.issues[0]!.path[0] ?? ""));
  try {
    const job = await replayEvent(database(), {
      eventId,
      targetId: parsed.data.targetId,
      newSvixId: parsed.data.newSvixId === "on",
      actor: account.email,
    });
    return json({ jobId: job.id, error: null, field: null });
  } catch (error) {
    return formError(error);
  }
}
