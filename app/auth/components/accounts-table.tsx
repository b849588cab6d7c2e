// Settings → Accounts: every login with its role, status, last sign-in and tokens, and
// per row the admin's actions (change role, set a password, disable or enable).
import { Form } from "@remix-run/react";

import type { AccountListItem } from "~/auth/account-admin.server";
import { ROLES } from "~/auth/roles";
import { dangerButtonClass, secondaryButtonClass } from "~/components/form-styles";
import { Timestamp } from "~/components/time";

export function AccountsTable({ accounts }: { accounts: AccountListItem[] }) {
  return (
    <section aria-labelledby="account-list">
      <h2 id="account-list" className="text-base font-semibold">
        Accounts
      </h2>
      <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">
                Email
              </th>
              <th scope="col" className="px-3 py-2">
                Role
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                Last seen
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Tokens
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {accounts.map((account) => (
              <AccountRow key={account.id} account={account} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AccountRow({ account }: { account: AccountListItem }) {
  return (
    <tr data-testid="account-row" className={account.disabled ? "text-slate-500" : undefined}>
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
          <button type="submit" className={`${secondaryButtonClass} whitespace-nowrap`}>
            Save role
          </button>
        </Form>
      </td>
      <td className="px-3 py-2">{account.disabled ? "disabled" : "active"}</td>
      <td className="px-3 py-2">{account.lastSeenAt ? <Timestamp iso={account.lastSeenAt} /> : "never"}</td>
      <td className="px-3 py-2 text-right tabular-nums">{account.activeTokens}</td>
      <td className="px-3 py-2">
        <div className="flex items-center justify-end gap-2">
          <SetPassword account={account} />
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
  );
}

function SetPassword({ account }: { account: AccountListItem }) {
  return (
    <details className="relative">
      <summary className={`${secondaryButtonClass} cursor-pointer list-none whitespace-nowrap`}>Set password</summary>
      <Form method="post" className="absolute right-0 z-10 mt-1 flex w-80 max-w-[calc(100vw-2rem)] flex-wrap gap-2 rounded-md border border-slate-200 bg-white p-2 shadow">
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
        {/* A hidden "0" precedes the checkbox's "1": unchecked sends "0". */}
        <input type="hidden" name="signOutEverywhere" value="0" />
        <label className="flex w-full items-center gap-2 text-xs text-slate-700">
          <input type="checkbox" name="signOutEverywhere" value="1" defaultChecked />
          Also sign out everywhere and revoke API tokens
        </label>
      </Form>
    </details>
  );
}
