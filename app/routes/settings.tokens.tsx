// Settings → API tokens: anyone signed in creates tokens for themselves (up to their
// own role) and revokes them; admins see and revoke every token. A new token is
// shown once, in the answer to the form, and never again.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";

import { createOwnToken, listTokensFor, NewTokenInput, revokeToken, TokenPolicyError } from "~/auth/api-tokens.server";
import { hasRole, ROLES } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { inputClass, primaryButtonClass, dangerButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const tokens = await listTokensFor(db(), account);
  return {
    tokens,
    isAdmin: account.role === "admin",
    roles: ROLES.filter((role) => hasRole(account.role, role)),
    apiUrl: `${new URL(request.url).origin}/api/v1/deliveries`,
  };
}

const TokenAction = z.discriminatedUnion("intent", [
  NewTokenInput.extend({ intent: z.literal("create") }),
  z.object({ intent: z.literal("revoke"), tokenId: z.string().min(1).max(100) }),
]);

type ActionResult = { error: string | null; created: { token: string; name: string; role: string } | null; revoked: string | null };

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request);
  const parsed = TokenAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data<ActionResult>({ error: parsed.error.issues[0]!.message, created: null, revoked: null }, { status: 400 });
  try {
    if (parsed.data.intent === "create") {
      const created = await createOwnToken(db(), account, parsed.data);
      return data<ActionResult>({ error: null, created: { token: created.token, name: created.name, role: created.role }, revoked: null }, { headers: { "Cache-Control": "no-store" } });
    }
    const revoked = await revokeToken(db(), account, parsed.data.tokenId);
    return { error: null, created: null, revoked: revoked.name } satisfies ActionResult;
  } catch (error) {
    if (error instanceof TokenPolicyError) return data<ActionResult>({ error: error.message, created: null, revoked: null }, { status: 403 });
    throw error;
  }
}

export default function Tokens() {
  const { tokens, isAdmin, roles, apiUrl } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  return (
    <div className="space-y-6">
      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-token">
        <h2 id="new-token" className="text-base font-semibold">
          Create an API token
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Tokens call the JSON API under <code>/api/v1</code> as you, with <code>Authorization: Bearer &lt;token&gt;</code>. A
          token can have your role ({roles.at(-1)}) or a lower one. It is shown once; Hookline keeps only its hash.
        </p>
        <Form method="post" className="mt-3 flex flex-wrap items-end gap-3">
          <input type="hidden" name="intent" value="create" />
          <label className="w-72 text-sm">
            <span className="font-medium text-slate-700">Name</span>
            <input name="name" required maxLength={100} placeholder="e.g. nightly export" className={inputClass} />
          </label>
          <label className="text-sm">
            <span className="font-medium text-slate-700">Role</span>
            <select name="role" defaultValue="viewer" className={inputClass}>
              {roles.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={submitting === "create"} className={primaryButtonClass}>
            {submitting === "create" ? "Creating…" : "Create token"}
          </button>
        </Form>
        {actionData?.error ? (
          <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {actionData.error}
          </p>
        ) : null}
        {actionData?.created ? <NewToken created={actionData.created} apiUrl={apiUrl} /> : null}
        {actionData?.revoked ? (
          <p role="status" className="mt-3 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-800">
            Revoked “{actionData.revoked}”. Requests with it now get 401.
          </p>
        ) : null}
      </section>

      <section aria-labelledby="token-list">
        <h2 id="token-list" className="text-base font-semibold">
          {isAdmin ? "Every API token" : "Your API tokens"}
        </h2>
        {tokens.length === 0 ? (
          <p className="mt-2 rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
            No tokens yet. Create one above, or from a shell with <code>npx hookline token create --name N --role viewer</code>.
          </p>
        ) : (
          <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="px-3 py-2">Token</th>
                  <th scope="col" className="px-3 py-2">Role</th>
                  {isAdmin ? <th scope="col" className="px-3 py-2">Owner</th> : null}
                  <th scope="col" className="px-3 py-2">Created</th>
                  <th scope="col" className="px-3 py-2">Last used</th>
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((token) => (
                  <tr key={token.id} data-testid="token-row" className={token.revokedAt ? "text-slate-500" : undefined}>
                    <td className="px-3 py-2 font-medium">{token.name}</td>
                    <td className="px-3 py-2 font-mono text-xs">{token.prefix}…</td>
                    <td className="px-3 py-2">{token.role}</td>
                    {isAdmin ? <td className="px-3 py-2">{token.owner ?? <span className="text-slate-500">CLI</span>}</td> : null}
                    <td className="px-3 py-2">
                      <Timestamp iso={token.createdAt} />
                    </td>
                    <td className="px-3 py-2">{token.lastUsedAt ? <Timestamp iso={token.lastUsedAt} /> : "never"}</td>
                    <td className="px-3 py-2 text-right">
                      {token.revokedAt ? (
                        <span className="text-xs">revoked</span>
                      ) : (
                        <Form method="post">
                          <input type="hidden" name="tokenId" value={token.id} />
                          <button type="submit" name="intent" value="revoke" className={dangerButtonClass} aria-label={`Revoke token ${token.name}`}>
                            Revoke
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function NewToken({ created, apiUrl }: { created: { token: string; name: string; role: string }; apiUrl: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="new-token">
      <p className="font-medium">
        Token “{created.name}” ({created.role}) created. Copy it now: it will not be shown again.
      </p>
      <div className="mt-2 flex items-center gap-2">
        <code className="block select-all break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900 ring-1 ring-emerald-200" data-testid="new-token-value">
          {created.token}
        </code>
        <button
          type="button"
          className="rounded border border-emerald-300 bg-white px-2 py-1 text-xs font-medium hover:bg-emerald-100"
          onClick={() => {
            void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre className="mt-2 overflow-x-auto rounded bg-slate-900 px-3 py-2 text-xs text-slate-100">
        curl -H &quot;Authorization: Bearer {created.token}&quot; {apiUrl}
      </pre>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "API tokens · Settings · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/settings/tokens" backLabel="Back to API tokens" />;
}
