// Settings → Accounts (admins): create logins, change roles, disable and enable, set a
// new password. Hookline always keeps one enabled admin, and nobody disables themselves.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
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
import { AccountCreateForm } from "~/auth/components/account-create-form";
import { AccountsTable } from "~/auth/components/accounts-table";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
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
      <AccountCreateForm creating={creating} resetKey={actionData?.message ?? "form"} />
      <AccountsTable accounts={accounts} />
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Accounts · Settings · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/settings/tokens" backLabel="Back to settings" />;
}
