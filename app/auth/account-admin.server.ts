// Admins manage logins: create, change role, disable and enable, set a new password.
// Two rules keep Hookline administrable: there is always at least one enabled admin
// (checked inside the transaction, with the admin rows locked on Postgres, so two
// admins demoting each other at once cannot both succeed), and nobody disables
// their own account. Disabling also ends the account's sessions and revokes its API
// tokens; lowering a role revokes its tokens above the new role.
import { z } from "zod";

import { recordAudit } from "~/audit/audit.server";
import type { DatabaseHandle, Db } from "~/db/prisma.server";
import { AccountInput, createAccount, type AuthenticatedAccount } from "./accounts.server";
import { hashPassword } from "./password.server";
import { ROLES, type Role } from "./roles";

export class AccountPolicyError extends Error {}

export interface AccountListItem {
  id: string;
  email: string;
  name: string | null;
  role: string;
  disabled: boolean;
  createdAt: string;
  lastSeenAt: string | null;
  activeTokens: number;
  isYou: boolean;
}

export async function listAccounts(db: Db, viewer: AuthenticatedAccount): Promise<AccountListItem[]> {
  const rows = await db.account.findMany({
    orderBy: [{ disabled: "asc" }, { email: "asc" }],
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabled: true,
      createdAt: true,
      sessions: { select: { lastSeenAt: true }, orderBy: { lastSeenAt: "desc" }, take: 1 },
      _count: { select: { apiTokens: { where: { revokedAt: null } } } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: Boolean(row.disabled),
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.sessions[0]?.lastSeenAt.toISOString() ?? null,
    activeTokens: row._count.apiTokens,
    isYou: row.id === viewer.id,
  }));
}

export async function createAccountAsAdmin(db: Db, actor: AuthenticatedAccount, input: z.input<typeof AccountInput>) {
  const parsed = AccountInput.parse(input);
  if (await db.account.findUnique({ where: { email: parsed.email }, select: { id: true } })) {
    throw new AccountPolicyError(`An account for ${parsed.email} already exists.`);
  }
  try {
    const account = await createAccount(db, parsed);
    await recordAudit(db, { actor: actor.email, action: "account.create", subject: account.email, detail: { role: account.role } });
    return account;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AccountPolicyError(`An account for ${parsed.email} already exists.`);
    throw error;
  }
}

const NO_ADMIN_LEFT = "Hookline needs at least one enabled admin: make another account admin first.";

/**
 * Runs `change` in a transaction and refuses it if no enabled admin would remain.
 * NOTE: on Postgres (read committed) the admin rows are locked first, so concurrent
 * changes are serialised; SQLite transactions are serialised already.
 */
async function keepingAnAdmin<T>(handle: DatabaseHandle, change: (tx: Db) => Promise<T>): Promise<T> {
  return handle.db.$transaction(async (tx) => {
    if (handle.provider === "postgres") {
      await tx.$queryRaw`SELECT "id" FROM "Account" WHERE "role" = 'admin' AND "disabled" = false FOR UPDATE`;
    }
    const result = await change(tx as unknown as Db);
    const admins = await tx.account.count({ where: { role: "admin", disabled: false } });
    if (admins === 0) throw new AccountPolicyError(NO_ADMIN_LEFT);
    return result;
  });
}

async function accountOrThrow(db: Db, accountId: string) {
  const account = await db.account.findUnique({ where: { id: accountId } });
  if (!account) throw new AccountPolicyError("No such account.");
  return account;
}

export const RoleInput = z.enum(ROLES, { message: "Pick a role: viewer, operator or admin" });

export async function changeRole(handle: DatabaseHandle, actor: AuthenticatedAccount, accountId: string, role: Role) {
  const target = await accountOrThrow(handle.db, accountId);
  if (target.role === role) return target;
  const revokedTokens = await keepingAnAdmin(handle, async (tx) => {
    await tx.account.update({ where: { id: accountId }, data: { role } });
    // A token never outranks its owner.
    const above = ROLES.slice(ROLES.indexOf(role) + 1);
    const revoked = await tx.apiToken.updateMany({ where: { accountId, revokedAt: null, role: { in: [...above] } }, data: { revokedAt: new Date() } });
    return revoked.count;
  });
  await recordAudit(handle.db, { actor: actor.email, action: "account.role", subject: target.email, detail: { from: target.role, to: role, revokedTokens } });
  return { ...target, role };
}

export async function setDisabled(handle: DatabaseHandle, actor: AuthenticatedAccount, accountId: string, disabled: boolean) {
  const target = await accountOrThrow(handle.db, accountId);
  if (disabled && target.id === actor.id) throw new AccountPolicyError("You cannot disable your own account; ask another admin.");
  if (Boolean(target.disabled) === disabled) return target;
  const revokedTokens = await keepingAnAdmin(handle, async (tx) => {
    await tx.account.update({ where: { id: accountId }, data: { disabled } });
    if (!disabled) return 0;
    await tx.session.deleteMany({ where: { accountId } });
    return (await tx.apiToken.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: new Date() } })).count;
  });
  await recordAudit(handle.db, { actor: actor.email, action: disabled ? "account.disable" : "account.enable", subject: target.email, detail: disabled ? { revokedTokens } : null });
  return { ...target, disabled };
}

export const PasswordInput = AccountInput.shape.password;

/**
 * Sets a new password. With `signOutEverywhere` (the form's default) the account's
 * sessions end and its API tokens are revoked in the same transaction: a reset after
 * a leak must not leave a stolen token working.
 */
export async function setPassword(
  db: Db,
  actor: AuthenticatedAccount,
  accountId: string,
  password: string,
  { signOutEverywhere = true }: { signOutEverywhere?: boolean } = {},
) {
  const target = await accountOrThrow(db, accountId);
  const passwordHash = await hashPassword(PasswordInput.parse(password));
  return db.$transaction(async (tx) => {
    await tx.account.update({ where: { id: accountId }, data: { passwordHash } });
    let endedSessions = 0;
    let revokedTokens = 0;
    if (signOutEverywhere) {
      endedSessions = (await tx.session.deleteMany({ where: { accountId } })).count;
      revokedTokens = (await tx.apiToken.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: new Date() } })).count;
    }
    await recordAudit(tx as unknown as Db, {
      actor: actor.email,
      action: "account.password",
      subject: target.email,
      detail: { signOutEverywhere, endedSessions, revokedTokens },
    });
    return { email: target.email, endedSessions, revokedTokens };
  });
}
