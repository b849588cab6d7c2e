// Settings → Sources (admins): each Clerk instance endpoint with its ingest URL and
// the state of its signing secrets. Secrets are typed once, stored encrypted and
// never shown again: only how many there are and when they last changed.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { requireUser } from "~/auth/session.server";
import { dangerButtonClass, inputClass, primaryButtonClass, secondaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";
import {
  changeSourceSecrets,
  createSourceAsAdmin,
  listSourceSettings,
  NewSourceInput,
  SecretListInput,
  SourcePolicyError,
  type SourceSettingsItem,
} from "~/sources/source-settings.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "admin");
  return { sources: await listSourceSettings(db()), origin: new URL(request.url).origin };
}

const slug = z.string().trim().min(1).max(100);
const SourceAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), slug: z.string(), name: z.string().optional(), secrets: z.string().optional() }),
  z.object({ intent: z.literal("replace-secrets"), slug, secrets: SecretListInput }),
  z.object({ intent: z.literal("add-secret"), slug, secrets: SecretListInput }),
  z.object({ intent: z.literal("clear-secrets"), slug }),
]);

type ActionResult = { error: string | null; message: string | null; changedSlug: string | null };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireUser(request, "admin");
  const parsed = SourceAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data<ActionResult>({ error: parsed.error.issues[0]!.message, message: null, changedSlug: null }, { status: 400 });
  const input = parsed.data;
  try {
    if (input.intent === "create") {
      const source = await createSourceAsAdmin(db(), actor, { slug: input.slug, name: input.name, secrets: input.secrets || undefined });
      return { error: null, message: `Created source ${source.slug}: point a Clerk endpoint at /webhooks/${source.slug}.`, changedSlug: source.slug } satisfies ActionResult;
    }
    const change =
      input.intent === "clear-secrets"
        ? ({ mode: "clear" } as const)
        : ({ mode: input.intent === "add-secret" ? "add" : "replace", secrets: input.secrets } as const);
    const { count } = await changeSourceSecrets(db(), actor, input.slug, change);
    return {
      error: null,
      message: `Saved: ${input.slug} has ${count} signing secret${count === 1 ? "" : "s"}. New deliveries use ${count === 1 ? "it" : "them"} at once.`,
      changedSlug: input.slug,
    } satisfies ActionResult;
  } catch (error) {
    if (error instanceof SourcePolicyError) return data<ActionResult>({ error: error.message, message: null, changedSlug: null }, { status: 409 });
    if (error instanceof z.ZodError) return data<ActionResult>({ error: error.issues[0]!.message, message: null, changedSlug: null }, { status: 400 });
    throw error;
  }
}

export default function Sources() {
  const { sources, origin } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const creating = navigation.state === "submitting" && navigation.formData?.get("intent") === "create";
  return (
    <div className="space-y-6">
      {actionData?.error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {actionData.error}
        </p>
      ) : null}
      {actionData?.message ? (
        <div role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {actionData.message}
          {actionData.changedSlug ? <ReverifyNow slug={actionData.changedSlug} /> : null}
        </div>
      ) : null}

      <ul className="space-y-4">
        {sources.map((source) => (
          <SourceCard key={source.id} source={source} origin={origin} />
        ))}
      </ul>

      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-source">
        <h2 id="new-source" className="text-base font-semibold">
          Add a source
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Another Clerk instance (dev, staging…) gets its own endpoint, <code>/webhooks/&lt;slug&gt;</code>, and its own secrets.
          Deliveries that reached that URL before the source existed are kept; re-verify them after adding it.
        </p>
        <Form method="post" className="mt-3 grid max-w-4xl grid-cols-1 gap-3 sm:grid-cols-3" key={actionData?.changedSlug ?? "new"}>
          <input type="hidden" name="intent" value="create" />
          <label className="text-sm">
            <span className="font-medium text-slate-700">Slug</span>
            <input name="slug" required pattern="[a-z0-9][a-z0-9_\-]{0,62}" placeholder="dev" autoComplete="off" className={inputClass} />
          </label>
          <label className="text-sm">
            <span className="font-medium text-slate-700">Name</span>
            <input name="name" maxLength={100} placeholder="Development instance" autoComplete="off" className={inputClass} />
          </label>
          <label className="text-sm sm:col-span-3">
            <span className="font-medium text-slate-700">Signing secret(s) (optional)</span>
            <textarea name="secrets" rows={2} spellCheck={false} autoComplete="off" placeholder="whsec_…" className={`${inputClass} font-mono`} />
          </label>
          <div>
            <button type="submit" disabled={creating} className={primaryButtonClass}>
              {creating ? "Adding…" : "Add source"}
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}

function SecretSummary({ source }: { source: SourceSettingsItem }) {
  const { secrets } = source;
  if (secrets.origin === "environment") {
    return (
      <p data-testid="secret-status">
        {secrets.count} secret{secrets.count === 1 ? "" : "s"} from <code>CLERK_WEBHOOK_SIGNING_SECRET</code>
        {secrets.storedIgnored ? ` (${secrets.storedIgnored} stored secret(s) are ignored while it is set)` : ""}. Change it in
        the environment and restart.
      </p>
    );
  }
  if (secrets.unreadable) {
    return (
      <p data-testid="secret-status" className="text-red-800">
        The stored secrets cannot be decrypted: was <code>HOOKLINE_ENCRYPTION_KEY</code> changed? Replace them below.
      </p>
    );
  }
  if (secrets.origin === "generated") {
    return (
      <p data-testid="secret-status">
        A development secret generated into <code>data/secrets.json</code>, because <code>CLERK_WEBHOOK_SIGNING_SECRET</code> is not set.{" "}
        <code>npx hookline send all</code> signs with it. For Clerk, store the endpoint&apos;s secret below or set the variable.
      </p>
    );
  }
  if (secrets.origin === "none") {
    return (
      <p data-testid="secret-status" className="text-amber-900">
        No signing secret: deliveries are stored as <em>No secret configured</em> and answered 503, so Svix retries them.
      </p>
    );
  }
  return (
    <p data-testid="secret-status">
      {secrets.count} secret{secrets.count === 1 ? "" : "s"} configured
      {secrets.changedAt ? (
        <>
          , last changed <Timestamp iso={secrets.changedAt} />
        </>
      ) : null}
      . Secrets are never shown again.
    </p>
  );
}

function SourceCard({ source, origin }: { source: SourceSettingsItem; origin: string }) {
  const editable = source.secrets.origin !== "environment";
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="source-card" aria-label={`Source ${source.slug}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 className="text-base font-semibold">
          {source.name} <span className="font-mono text-sm font-normal text-slate-500">{source.slug}</span>
        </h2>
        {source.recentFailures > 0 ? (
          <Link to={`/deliveries?source=${encodeURIComponent(source.slug)}`} className="text-red-700 hover:underline">
            {source.recentFailures} deliver{source.recentFailures === 1 ? "y" : "ies"} failed verification in the last 7 days
          </Link>
        ) : (
          <span className="text-slate-500">No failed deliveries in the last 7 days</span>
        )}
      </div>
      <p className="mt-2 text-slate-600">
        Ingest URL: <code className="select-all break-all rounded bg-slate-100 px-1.5 py-0.5 text-slate-900">{origin + source.ingestPath}</code>
      </p>
      <div className="mt-2 text-slate-700">
        <SecretSummary source={source} />
      </div>
      {editable ? (
        <div className="mt-3 grid grid-cols-1 gap-3 lg:grid-cols-2">
          {/* Keyed by the last change, so a saved secret does not stay on screen in the textarea. */}
          <Form method="post" className="rounded-md border border-slate-200 p-3" key={`${source.slug}-${source.secrets.changedAt ?? "never"}`}>
            <input type="hidden" name="slug" value={source.slug} />
            <label className="block text-sm">
              <span className="font-medium text-slate-700">Signing secret(s) for {source.slug}</span>
              <textarea name="secrets" rows={2} required spellCheck={false} autoComplete="off" placeholder="whsec_…" className={`${inputClass} font-mono`} />
            </label>
            <p className="mt-1 text-xs text-slate-500">Several secrets, separated by spaces or new lines, all verify (for rotation).</p>
            <div className="mt-2 flex gap-2">
              <button type="submit" name="intent" value="replace-secrets" className={primaryButtonClass}>
                Replace secrets
              </button>
              <button type="submit" name="intent" value="add-secret" className={secondaryButtonClass} disabled={source.secrets.count === 0}>
                Add (keep the current ones)
              </button>
            </div>
          </Form>
          {source.secrets.count > 0 || source.secrets.unreadable ? (
            <Form method="post" className="self-start rounded-md border border-slate-200 p-3">
              <input type="hidden" name="slug" value={source.slug} />
              <p className="text-slate-600">Removing every secret makes ingest answer 503 until a new one is set.</p>
              <button type="submit" name="intent" value="clear-secrets" className={`${dangerButtonClass} mt-2`}>
                Remove all secrets of {source.slug}
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** After a secret change: the obvious next step is to re-check what failed with the old one. */
function ReverifyNow({ slug }: { slug: string }) {
  const weekAgo = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000).toISOString().slice(0, 16);
  return (
    <Form method="post" action="/deliveries?index" className="mt-2 flex flex-wrap items-center gap-2">
      <input type="hidden" name="intent" value="reverify-source" />
      <input type="hidden" name="source" value={slug} />
      <input type="hidden" name="since" value={weekAgo} />
      <span>Deliveries of {slug} that failed in the last 7 days can be checked again with the current secrets.</span>
      <button type="submit" className={secondaryButtonClass}>
        Re-verify failed deliveries of {slug}
      </button>
    </Form>
  );
}

export const meta: MetaFunction = () => [{ title: "Sources · Settings · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/settings/sources" backLabel="Back to sources" />;
}
