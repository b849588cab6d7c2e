// Settings → Accounts (admins): create logins, change roles, disable and enable, set a
// new password. Hookline always keeps one enabled admin, and nobody disables themselves.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import {
  AccountPolicyError,
  changeRole,
  createAccountAsAdmin,
  listAccounts,
  PasswordInput,
  RoleInput,
  setDisabled,
  setPassword,
} from "~/auth/account-admin.server";
import { ROLES } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { dangerButtonClass, inputClass, primaryButtonClass, secondaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { database, db } from "~/db/prisma.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const account = await requireUser(request, "admin");
  return { accounts: await listAccounts(db(), account) };
}

const accountId = z.string().min(1).max(100);
const AccountAction = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    email: z.string(),
    name: z.string().optional(),
    role: z.string(),
    password: z.string(),
  }),
  z.object({ intent: z.literal("role"), accountId, role: RoleInput }),
  z.object({ intent: z.literal("disable"), accountId }),
  z.object({ intent: z.literal("enable"), accountId }),
  z.object({
    intent: z.literal("password"),
    accountId,
    password: PasswordInput,
    // A hidden "0" precedes the checkbox's "1": unchecked sends "0", a form without it signs out.
    signOutEverywhere: z.enum(["0", "1"]).default("1"),
  }),
]);

type ActionResult = { error: string | null; message: string | null };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireUser(request, "admin");
  const parsed = AccountAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data<ActionResult>({ error: parsed.error.issues[0]!.message, message: null }, { status: 400 });
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "create": {
        const created = await createAccountAsAdmin(db(), actor, { email: input.email, name: input.name || undefined, role: input.role as never, password: input.password });
        return { error: null, message: `Created ${created.email} (${created.role}). Give them the password by a private channel.` } satisfies ActionResult;
      }
      case "role": {
        const changed = await changeRole(database(), actor, input.accountId, input.role);
        return { error: null, message: `${changed.email} is now ${changed.role}.` } satisfies ActionResult;
      }
      case "disable":
      case "enable": {
        const changed = await setDisabled(database(), actor, input.accountId, input.intent === "disable");
        return {
          error: null,
          message: input.intent === "disable" ? `Disabled ${changed.email}: signed out everywhere, API tokens revoked.` : `Enabled ${changed.email}.`,
        } satisfies ActionResult;
      }
      case "password": {
        const reset = await setPassword(db(), actor, input.accountId, input.password, { signOutEverywhere: input.signOutEverywhere === "1" });
        const message =
          input.signOutEverywhere === "1"
            ? `Password set for ${reset.email}; signed out everywhere (${reset.endedSessions} session(s)) and ${reset.revokedTokens} API token(s) revoked.`
            : `Password set for ${reset.email}; its sessions and API tokens were left as they were.`;
        return { error: null, message } satisfies ActionResult;
      }
    }
  } catch (error) {
    if (error instanceof AccountPolicyError) return data<ActionResult>({ error: error.message, message: null }, { status: 409 });
    if (error instanceof z.ZodError) return data<ActionResult>({ error: error.issues[0]!.message, message: null }, { status: 400 });
    throw error;
  }
}

export default function Accounts() {
  const { accounts } = useLoaderData<typeof loader>();
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
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {actionData.message}
        </p>
      ) : null}

      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-account">
        <h2 id="new-account" className="text-base font-semibold">
          Create an account
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Viewers read (one-time codes masked); operators also replay and manage targets; admins also manage accounts, sources
          and secrets.
        </p>
        <Form method="post" className="mt-3 grid max-w-4xl grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" key={actionData?.message ?? "form"}>
          <input type="hidden" name="intent" value="create" />
          <label className="text-sm">
            <span className="font-medium text-slate-700">Email</span>
            <input name="email" type="email" required autoComplete="off" className={inputClass} />
          </label>
          <label className="text-sm">
            <span className="font-medium text-slate-700">Name (optional)</span>
            <input name="name" maxLength={100} autoComplete="off" className={inputClass} />
          </label>
          <label className="text-sm">
            <span className="font-medium text-slate-700">Role</span>
            <select name="role" defaultValue="viewer" className={inputClass}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            <span className="font-medium text-slate-700">Initial password</span>
            <input name="password" type="password" required minLength={8} autoComplete="new-password" className={inputClass} />
          </label>
          <div>
            <button type="submit" disabled={creating} className={primaryButtonClass}>
              {creating ? "Creating…" : "Create account"}
            </button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="account-list">
        <h2 id="account-list" className="text-base font-semibold">
          Accounts
        </h2>
        <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Email</th>
                <th scope="col" className="px-3 py-2">Role</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Last seen</th>
                <th scope="col" className="px-3 py-2 text-right">Tokens</th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {accounts.map((account) => (
                <tr key={account.id} data-testid="account-row" className={account.disabled ? "text-slate-500" : undefined}>
                  <td className="px-3 py-2">
                    <span className="font-medium">{account.email}</span>
                    {account.name ? <span className="ml-2 text-slate-500">{account.name}</span> : null}
                    {account.isYou ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">you</span> : null}
                  </td>
                  <td className="px-3 py-2">
                    <Form method="post" className="flex items-center gap-2">
                      <input type="hidden" name="intent" value="role" />
                      <input type="hidden" name="accountId" value={account.id} />
                      <label className="sr-only" htmlFor={`role-${account.id}`}>
                        Role of {account.email}
                      </label>
                      <select id={`role-${account.id}`} name="role" defaultValue={account.role} className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-sm">
                        {ROLES.map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className={secondaryButtonClass}>
                        Save role
                      </button>
                    </Form>
                  </td>
                  <td className="px-3 py-2">{account.disabled ? "disabled" : "active"}</td>
                  <td className="px-3 py-2">{account.lastSeenAt ? <Timestamp iso={account.lastSeenAt} /> : "never"}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{account.activeTokens}</td>
                  <td className="px-3 py-2">
                    <div className="flex items-center justify-end gap-2">
                      <details className="relative">
                        <summary className={`${secondaryButtonClass} cursor-pointer list-none`}>Set password</summary>
                        <Form method="post" className="absolute right-0 z-10 mt-1 flex w-80 flex-wrap gap-2 rounded-md border border-slate-200 bg-white p-2 shadow">
                          <input type="hidden" name="intent" value="password" />
                          <input type="hidden" name="accountId" value={account.id} />
                          <label className="sr-only" htmlFor={`password-${account.id}`}>
                            New password for {account.email}
                          </label>
                          <input
                            id={`password-${account.id}`}
                            name="password"
                            type="password"
                            minLength={8}
                            required
                            autoComplete="new-password"
                            placeholder="new password"
                            className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1 text-sm"
                          />
                          <button type="submit" className={secondaryButtonClass}>
                            Set
                          </button>
                          <input type="hidden" name="signOutEverywhere" value="0" />
                          <label className="flex w-full items-center gap-2 text-xs text-slate-700">
                            <input type="checkbox" name="signOutEverywhere" value="1" defaultChecked />
                            Also sign out everywhere and revoke API tokens
                          </label>
                        </Form>
                      </details>
                      {account.isYou ? null : (
                        <Form method="post">
                          <input type="hidden" name="accountId" value={account.id} />
                          {account.disabled ? (
                            <button type="submit" name="intent" value="enable" className={secondaryButtonClass}>
                              Enable
                            </button>
                          ) : (
                            <button type="submit" name="intent" value="disable" className={dangerButtonClass} aria-label={`Disable ${account.email}`}>
                              Disable
                            </button>
                          )}
                        </Form>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Accounts · Settings · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/settings/tokens" backLabel="Back to settings" />;
}
