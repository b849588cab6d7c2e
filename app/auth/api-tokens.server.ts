// Managing API tokens from the settings page. Policy:
// - anyone signed in may create tokens for themselves, with a role up to their own
//   (a token is a way to act as yourself from a script, never a way to act above it);
// - everyone sees and revokes their own tokens; admins see and revoke all of them.
// The token itself is returned once, by createOwnToken, and never stored or shown again.
import { z } from "zod";

import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import type { AuthenticatedAccount } from "./accounts.server";
import { hasRole, ROLES, type Role } from "./roles";
import { createApiToken } from "./tokens.server";

export class TokenPolicyError extends Error {}

export const NewTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token (what will use it?)").max(100, "Keep the name under 100 characters"),
  role: z.enum(ROLES, { message: "Pick a role: viewer, operator or admin" }),
});

export interface TokenListItem {
  id: string;
  name: string;
  prefix: string;
  role: string;
  owner: string | null;
  mine: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function listTokensFor(db: Db, account: AuthenticatedAccount): Promise<TokenListItem[]> {
  const rows = await db.apiToken.findMany({
    where: account.role === "admin" ? {} : { accountId: account.id },
    orderBy: [{ revokedAt: { sort: "asc", nulls: "first" } }, { createdAt: "desc" }],
    include: { account: { select: { email: true } } },
    take: 500,
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    owner: row.account?.email ?? null,
    mine: row.accountId === account.id,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }));
}

/** Creates a token owned by `account`; the plaintext is in the answer and nowhere else. */
export async function createOwnToken(db: Db, account: AuthenticatedAccount, input: z.input<typeof NewTokenInput>) {
  const { name, role } = NewTokenInput.parse(input);
  if (!hasRole(account.role, role)) {
    throw new TokenPolicyError(`You are ${account.role === "admin" ? "an" : "a"} ${account.role}; a token can have your role or a lower one, not ${role}.`);
  }
  const created = await createApiToken(db, { name, role: role as Role, accountId: account.id });
  await recordAudit(db, { actor: account.email, action: "token.create", subject: created.id, detail: { name, role } });
  return { id: created.id, token: created.token, name, role };
}

export async function revokeToken(db: Db, account: AuthenticatedAccount, tokenId: string) {
  const token = await db.apiToken.findUnique({ where: { id: tokenId } });
  // Someone else's token looks like no token at all to a non-admin.
  if (!token || (account.role !== "admin" && token.accountId !== account.id)) throw new TokenPolicyError("No such token.");
  if (token.revokedAt) return token;
  const revoked = await db.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
  await recordAudit(db, { actor: account.email, action: "token.revoke", subject: tokenId, detail: { name: token.name, role: token.role } });
  return revoked;
}
