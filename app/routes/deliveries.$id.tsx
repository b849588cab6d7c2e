// /deliveries/:id: one delivery exactly as it arrived (headers, body, where from), what
// Hookline answered and why, the event it became, and "re-verify with the current
// secrets" for operators. Codes, message bodies and credential headers are masked;
// operators reveal them (audited).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";

import { IssueBanner } from "~/alerts/components/issue-badges";
import { activeIssuesFor } from "~/alerts/issues.server";
import { recordAudit } from "~/audit/audit.server";
import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { OutcomeBadge } from "~/components/outcome-badge";
import { RouteError } from "~/components/route-error";
import { DeliveryBody } from "~/deliveries/components/delivery-body";
import { DeliveryHeaders } from "~/deliveries/components/delivery-headers";
import { DeliveryRequest } from "~/deliveries/components/delivery-request";
import { ReverifyPanel, ReverifyResult } from "~/deliveries/components/delivery-reverify";
import { getDeliveryDetail, type DeliveryBodyView } from "~/deliveries/deliveries.server";
import { reverifyDelivery, type ReverifyOutcome } from "~/deliveries/reverify.server";
import { db } from "~/db/prisma.server";
import { SourceResolver } from "~/sources/sources.server";

const DeliveryId = z.string().regex(/^[0-9A-Z]{26}$/);

function deliveryIdFrom(params: LoaderFunctionArgs["params"]): string {
  const parsed = DeliveryId.safeParse(params.id);
  if (!parsed.success) throw new Response("That is not a delivery id.", { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const delivery = await getDeliveryDetail(db(), deliveryIdFrom(params), { role: account.role });
  if (!delivery) throw new Response("No delivery with this id. It may have been pruned (HOOKLINE_RETENTION_DAYS).", { status: 404 });
  // The open issue this delivery belongs to (app/alerts): its source's verification failures.
  const issues = delivery.eventId ? [] : await activeIssuesFor(db(), [{ type: "source", id: delivery.source }]);
  return { delivery, canOperate: hasRole(account.role, "operator"), issues: issues.filter((i) => i.kind === "verification_failures").map((i) => ({ id: i.id, title: i.title, status: i.status, kind: i.kind })) };
}

const DeliveryAction = z.object({ intent: z.enum(["reverify", "reveal"], { message: "Unknown action" }) });

type ActionResult = {
  error: string | null;
  reverified: ReverifyOutcome | null;
  revealed: { body: DeliveryBodyView; headers: [string, string][] } | null;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const id = deliveryIdFrom(params);
  const parsed = DeliveryAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data<ActionResult>({ error: parsed.error.issues[0]!.message, reverified: null, revealed: null }, { status: 400 });
  if (parsed.data.intent === "reverify") {
    const reverified = await reverifyDelivery({ db: db(), sources: new SourceResolver(db(), undefined, 0) }, id, { actor: account.email });
    return { error: null, reverified, revealed: null } satisfies ActionResult;
  }
  const delivery = await getDeliveryDetail(db(), id, { role: account.role, reveal: true });
  if (!delivery) throw new Response("No delivery with this id.", { status: 404 });
  // NOTE: revealing one-time codes, message bodies or credential headers is audited, as on the event page.
  await recordAudit(db(), {
    actor: account.email,
    action: "delivery.reveal",
    subject: id,
    detail: { type: delivery.envelopeType, headers: delivery.credentialHeaders },
  });
  return { error: null, reverified: null, revealed: { body: delivery.body, headers: delivery.headers } } satisfies ActionResult;
}

export default function DeliveryPage() {
  const { delivery, canOperate, issues } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const body = actionData?.revealed?.body ?? delivery.body;
  const headers = actionData?.revealed?.headers ?? delivery.headers;

  return (
    <div className="space-y-6">
      <div>
        <Link to="/deliveries" className="text-sm text-indigo-700 hover:underline">
          ← Deliveries
        </Link>
        <IssueBanner issues={issues} />
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold">Delivery</h1>
          <span className="break-all font-mono text-sm text-slate-600">{delivery.id}</span>
          <OutcomeBadge outcome={delivery.outcome} />
          {delivery.duplicate ? <span className="text-xs text-slate-600">duplicate of an earlier delivery</span> : null}
        </div>
        {delivery.outcomeDetail ? (
          <p className="mt-2 max-w-4xl text-sm text-slate-700" data-testid="outcome-detail">
            {delivery.outcomeDetail}
          </p>
        ) : null}
      </div>

      {delivery.event ? (
        <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="delivery-event">
          {delivery.duplicate ? "Part of event " : "Became event "}
          <Link to={`/events/${delivery.event.id}`} className="font-mono font-medium underline">
            {delivery.event.type}
          </Link>{" "}
          <span className="font-mono text-xs">({delivery.event.id})</span>
          {delivery.event.verifiedOutsideTolerance ? (
            <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" data-testid="outside-tolerance">
              verified outside the 5-minute timestamp tolerance
            </span>
          ) : null}
        </div>
      ) : null}

      {actionData?.reverified ? <ReverifyResult outcome={actionData.reverified} /> : null}
      {actionData?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}

      {!delivery.eventId ? <ReverifyPanel blocker={delivery.reverifyBlocker} canOperate={canOperate} /> : null}

      <DeliveryRequest delivery={delivery} />
      <DeliveryHeaders
        headers={headers}
        masked={!actionData?.revealed && delivery.credentialHeaders.length > 0}
        credentialHeaders={delivery.credentialHeaders}
        canReveal={canOperate}
      />
      <DeliveryBody delivery={delivery} body={body} headers={headers} canOperate={canOperate} />
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Delivery · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/deliveries" backLabel="Back to deliveries" />;
}
