import { json, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { authenticate } from "~/auth/accounts.server";
import { beginLoginAttempt, loginSucceeded } from "~/auth/login-throttle.server";
import { createSession, getSessionAccount, safeRedirect } from "~/auth/session.server";
import { db } from "~/db/prisma.server";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionAccount(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  const hasAccounts = (await db().account.count()) > 0;
  return { hasAccounts };
}

const LoginForm = z.object({
  email: z.string().trim().toLowerCase().email("Enter your email address"),
  password: z.string().min(1, "Enter your password").max(200),
  redirectTo: z.string().optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = LoginForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return json({ error: parsed.error.issues[0]!.message }, { status: 400 });
  }
  const { email, password, redirectTo } = parsed.data;
  const address = typeof context.remoteAddr === "string" ? context.remoteAddr : "unknown";
  const keys = { email, address };
  const attempt = await beginLoginAttempt(db(), keys);
  const wait = attempt.retryAfter;
  if (wait > 0) {
    return json(
      { error: `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).` },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  const account = await authenticate(db(), email, password);
  if (!account) {
    return json({ error: "That email and password do not match an account." }, { status: 401 });
  }
  await loginSucceeded(db(), keys, attempt);
  const cookie = await createSession(account.id, request.headers.get("user-agent"));
  return redirect(safeRedirect(redirectTo, "/"), { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const { hasAccounts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <div className="mx-auto mt-12 max-w-sm">
      <h1 className="text-xl font-semibold">Sign in to Hookline</h1>
      {!hasAccounts ? (
        <div className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          No accounts exist yet. Set <code>HOOKLINE_ADMIN_EMAIL</code> and <code>HOOKLINE_ADMIN_PASSWORD</code> and
          restart, or run <code>npx hookline user create --email you@example.com --role admin</code>.
        </div>
      ) : null}
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Email</span>
          <input
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
          />
        </label>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
          />
        </label>
        {actionData?.error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {actionData.error}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={busy}
          className="w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Sign in · Hookline" }];

/** A refused sign-in tells the browser (and scripts) when to try again. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
