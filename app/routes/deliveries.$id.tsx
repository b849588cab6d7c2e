// /deliveries/:id: one delivery exactly as it arrived (headers, body, where from), what
// Hookline answered and why, the event it became, and "re-verify with the current
// secrets" for operators. Codes, message bodies and credential headers are masked;
// operators reveal them (audited).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { IssueBanner } from "~/alerts/components/issue-badges";
import { activeIssuesFor } from "~/alerts/issues.server";
import { recordAudit } from "~/audit/audit.server";
import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { OutcomeBadge } from "~/components/outcome-badge";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { DeliveryDataOut } from "~/deliveries/components/copy-as-curl";
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

const REVERIFY_TEXT: Record<ReverifyOutcome["status"], string> = {
  verified: "The signature matches a current secret: this delivery is an event now.",
  duplicate: "The signature matches a current secret. Its svix-id was already stored, so it joined that event as a duplicate.",
  malformed_payload: "The signature matches a current secret, but the body is not a Clerk envelope.",
  still_invalid: "It still does not verify.",
  not_reverifiable: "It cannot be re-verified.",
};

export default function DeliveryPage() {
  const { delivery, canOperate, issues } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const body = actionData?.revealed?.body ?? delivery.body;
  const headers = actionData?.revealed?.headers ?? delivery.headers;
  const headersMasked = !actionData?.revealed && delivery.credentialHeaders.length > 0;
  const failed = !delivery.eventId;

  return (
    <div className="space-y-6">
      <div>
        <Link to="/deliveries" className="text-sm text-indigo-700 hover:underline">
          ← Deliveries
        </Link>
        <IssueBanner issues={issues} />
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold">Delivery</h1>
          <span className="font-mono text-sm text-slate-600">{delivery.id}</span>
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

      {actionData?.reverified ? (
        <div
          role="status"
          data-testid="reverify-result"
          className={`rounded-lg border p-3 text-sm ${actionData.reverified.eventId ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
        >
          <strong>{REVERIFY_TEXT[actionData.reverified.status]}</strong> {actionData.reverified.detail.replace(/\.$/, "")}.
          {actionData.reverified.outsideTolerance && actionData.reverified.eventId
            ? " Its svix-timestamp was outside the 5-minute tolerance when it arrived; the event is flagged."
            : ""}
        </div>
      ) : null}
      {actionData?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}

      {failed ? (
        <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm" aria-labelledby="reverify-heading">
          <h2 id="reverify-heading" className="font-semibold">
            Re-verify with the current secrets
          </h2>
          {delivery.reverifyBlocker ? (
            <p className="mt-1 text-slate-600">{delivery.reverifyBlocker}</p>
          ) : canOperate ? (
            <>
              <p className="mt-1 max-w-3xl text-slate-600">
                If the source&apos;s secret was wrong when this arrived, fix it in{" "}
                <Link to="/settings/sources" className="text-indigo-700 underline">
                  Settings → Sources
                </Link>{" "}
                and check the stored bytes again. A valid signature turns it into an event, as ingest would have.
              </p>
              <Form method="post" className="mt-3">
                <button
                  type="submit"
                  name="intent"
                  value="reverify"
                  disabled={busy === "reverify"}
                  className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
                >
                  {busy === "reverify" ? "Re-verifying…" : "Re-verify"}
                </button>
              </Form>
            </>
          ) : (
            <p className="mt-1 text-slate-600">Operators and admins can re-verify it after the source&apos;s secret is fixed.</p>
          )}
        </section>
      ) : null}

      <section className="rounded-lg border border-slate-200 bg-white" aria-labelledby="request-heading">
        <h2 id="request-heading" className="border-b border-slate-200 px-4 py-2 text-sm font-semibold">
          Request
        </h2>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 px-4 py-3 text-sm sm:grid-cols-[12rem_1fr]">
          <Field label="Received">
            <Timestamp iso={delivery.receivedAt} />
          </Field>
          <Field label="Source">
            <Link to={`/deliveries?outcome=all&source=${encodeURIComponent(delivery.source)}`} className="text-indigo-700 underline">
              {delivery.source}
            </Link>{" "}
            <span className="text-slate-500">POST /webhooks/{delivery.source}</span>
          </Field>
          <Field label="Remote address">{delivery.remoteAddr ?? "unknown"}</Field>
          <Field label="Request id">
            <span className="font-mono text-xs">{delivery.requestId ?? "none"}</span>
          </Field>
          <Field label="svix-id">
            <span className="font-mono text-xs">{delivery.svixId ?? "none"}</span>
          </Field>
          <Field label="svix-timestamp">
            {delivery.svixTimestamp ? (
              <>
                <span className="font-mono text-xs">{delivery.svixTimestamp}</span>
                {/^\d{1,12}$/.test(delivery.svixTimestamp) ? (
                  <span className="ml-2 text-slate-500">
                    (<Timestamp iso={new Date(Number(delivery.svixTimestamp) * 1000).toISOString()} />)
                  </span>
                ) : null}
              </>
            ) : (
              "none"
            )}
          </Field>
          <Field label="Answered">HTTP {delivery.status}</Field>
          <Field label="Size">
            {delivery.size.toLocaleString("en")} bytes
            {delivery.truncated ? <span className="ml-2 text-amber-800">(only the first 64 KiB were kept)</span> : null}
          </Field>
        </dl>
      </section>

      <section className="rounded-lg border border-slate-200 bg-white" aria-labelledby="headers-heading">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2">
          <h2 id="headers-heading" className="text-sm font-semibold">
            Headers <span className="font-normal text-slate-500">({headers.length}, in arrival order)</span>
          </h2>
          {headersMasked && canOperate ? (
            <Form method="post">
              <button
                type="submit"
                name="intent"
                value="reveal"
                disabled={busy === "reveal"}
                className="rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50"
              >
                {busy === "reveal" ? "Revealing…" : "Reveal (recorded in the audit log)"}
              </button>
            </Form>
          ) : null}
        </div>
        {headersMasked ? (
          <p className="border-b border-amber-100 bg-amber-50 px-4 py-2 text-xs text-amber-900" data-testid="headers-masked">
            Credential headers are masked ({delivery.credentialHeaders.join(", ")})
            {canOperate ? "." : ". Viewers cannot reveal them; ask an operator."}
          </p>
        ) : null}
        {headers.length === 0 ? (
          <p className="px-4 py-3 text-sm text-slate-600">No headers were stored.</p>
        ) : (
          <table className="min-w-full text-sm">
            <tbody className="divide-y divide-slate-100">
              {headers.map(([name, value], index) => (
                <tr key={`${name}-${index}`}>
                  <th scope="row" className="w-64 px-4 py-1.5 text-left align-top font-mono text-xs font-medium text-slate-700">
                    {name}
                  </th>
                  <td className="break-all px-4 py-1.5 font-mono text-xs text-slate-800">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="rounded-lg border border-slate-200 bg-white" aria-labelledby="body-heading">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2">
          <h2 id="body-heading" className="text-sm font-semibold">
            Body
          </h2>
          {body.kind === "masked" && body.canReveal ? (
            <Form method="post">
              <button
                type="submit"
                name="intent"
                value="reveal"
                disabled={busy === "reveal"}
                className="rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50"
              >
                {busy === "reveal" ? "Revealing…" : "Reveal (recorded in the audit log)"}
              </button>
            </Form>
          ) : null}
        </div>
        <div className="border-b border-slate-100 px-4 py-2">
          <DeliveryDataOut
            deliveryId={delivery.id}
            headers={headers}
            bodyText={body.kind === "text" && !body.clipped ? body.text : null}
            storedBytes={delivery.truncated ? Math.min(delivery.size, 64 * 1024) : delivery.size}
            canDownload={canOperate}
          />
        </div>
        <BodyView body={body} />
      </section>
    </div>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="text-slate-900">{children}</dd>
    </>
  );
}

function BodyView({ body }: { body: DeliveryBodyView }) {
  const pre = "max-h-[36rem] overflow-auto whitespace-pre-wrap break-all px-4 py-3 font-mono text-xs text-slate-800";
  switch (body.kind) {
    case "empty":
      return <p className="px-4 py-3 text-sm text-slate-600">The body was empty.</p>;
    case "hidden":
      return (
        <p className="px-4 py-3 text-sm text-slate-600" data-testid="body-hidden">
          {body.reason}
        </p>
      );
    case "masked":
      return (
        <div>
          <p className="border-b border-amber-100 bg-amber-50 px-4 py-2 text-xs text-amber-900" data-testid="body-masked">
            One-time codes and message bodies are masked ({body.maskedPaths.join(", ")}); shown re-formatted.
          </p>
          <pre className={pre} data-testid="delivery-body">
            {body.text}
          </pre>
        </div>
      );
    case "hex":
      return (
        <div>
          <p className="border-b border-slate-100 px-4 py-2 text-xs text-slate-600">
            Not valid UTF-8: shown as a hex dump{body.clipped ? " (the first 16 KiB)" : ""}.
          </p>
          <pre className={`${pre} whitespace-pre`} data-testid="delivery-body">
            {body.lines.join("\n")}
          </pre>
        </div>
      );
    case "text":
      return (
        <div>
          {body.clipped ? <p className="border-b border-slate-100 px-4 py-2 text-xs text-slate-600">Showing the first 256 KiB.</p> : null}
          <pre className={pre} data-testid="delivery-body">
            {body.text}
          </pre>
        </div>
      );
  }
}

export const meta: MetaFunction = () => [{ title: "Delivery · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/deliveries" backLabel="Back to deliveries" />;
}
