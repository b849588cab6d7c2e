// Settings → Accounts: the form that creates a login with its role and first password.
import { Form } from "@remix-run/react";

import { ROLES } from "~/auth/roles";
import { inputClass, primaryButtonClass } from "~/components/form-styles";

export function AccountCreateForm({ creating, resetKey }: { creating: boolean; resetKey: string }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-account">
      <h2 id="new-account" className="text-base font-semibold">
        Create an account
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Viewers read (one-time codes masked); operators also replay and manage targets; admins also manage accounts, sources and secrets.
      </p>
      {/* A new key after each success empties the fields. */}
      <Form method="post" className="mt-3 grid max-w-4xl grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" key={resetKey}>
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
  );
}
