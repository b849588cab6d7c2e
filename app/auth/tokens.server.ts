// API tokens: `hl_` + 32 random bytes, shown once; only the SHA-256 is stored.
import crypto from "node:crypto";

import { json } from "@remix-run/node";

import { db, type Db } from "~/db/prisma.server";
import { apiTokenLimiter } from "./api-rate-limit.server";
import { hasRole, type Role } from "./roles";
import { hashToken } from "./session.server";

export async function createApiToken(
  database: Db,
  input: { name: string; role: Role; accountId?: string | null },
): Promise<{ id: string; token: string }> {
  const token = `hl_${crypto.randomBytes(32).toString("base64url")}`;
  const row = await database.apiToken.create({
    data: {
      name: input.name,
      role: input.role,
      accountId: input.accountId ?? null,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
    },
    select: { id: true },
  });
  return { id: row.id, token };
}

export interface ApiPrincipal {
  tokenId: string;
  name: string;
  role: Role;
}

function apiError(status: 401 | 403, message: string) {
  return json({ error: status === 401 ? "unauthorized" : "forbidden", message }, {
    status,
    headers: status === 401 ? { "WWW-Authenticate": 'Bearer realm="hookline"' } : undefined,
  });
}

/**
 * The API caller, from `Authorization: Bearer <token>`; 401 without one, 403 if the
 * role is too low, 429 past the token's rate limit (counted before the database is
 * asked, so guessing at tokens is limited too).
 */
export async function requireApiToken(request: Request, role: Role = "viewer"): Promise<ApiPrincipal> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw apiError(401, "Send Authorization: Bearer <token>. Create one with `npx hookline token create`.");
  const tokenHash = hashToken(match[1]!);
  const wait = apiTokenLimiter().take(tokenHash);
  if (wait > 0) {
    throw json(
      { error: "rate_limited", message: `Too many requests with this token; retry in ${wait} s.` },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  const row = await db().apiToken.findUnique({ where: { tokenHash } });
  if (!row || row.revokedAt) throw apiError(401, "This token is not valid or was revoked.");
  if (!hasRole(row.role, role)) throw apiError(403, `This needs the ${role} role; the token has ${row.role}.`);
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { tokenId: row.id, name: row.name, role: row.role as Role };
}
