import { z } from "zod";

import type { Db } from "~/db/prisma.server";
import { logger } from "~/observability/logger.server";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password.server";
import { ROLES, type Role } from "./roles";

export const AccountInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address"),
  password: z.string().min(8, "Passwords are at least 8 characters").max(200),
  role: z.enum(ROLES),
  name: z.string().trim().max(100).optional(),
});

export async function createAccount(db: Db, input: z.input<typeof AccountInput>) {
  const account = AccountInput.parse(input);
  return db.account.create({
    data: {
      email: account.email,
      name: account.name,
      role: account.role,
      passwordHash: await hashPassword(account.password),
    },
    select: { id: true, email: true, role: true },
  });
}

export interface AuthenticatedAccount {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

export async function authenticate(db: Db, email: string, password: string): Promise<AuthenticatedAccount | null> {
  const account = await db.account.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!account || account.disabled) return verifyAgainstDummy(password).then(() => null);
  if (!(await verifyPassword(password, account.passwordHash))) return null;
  return { id: account.id, email: account.email, name: account.name, role: account.role as Role };
}

/** HOOKLINE_ADMIN_EMAIL / HOOKLINE_ADMIN_PASSWORD create the first admin when none exists. */
export async function bootstrapAdmin(db: Db, email: string | undefined, password: string | undefined) {
  if (!email || !password) return null;
  if ((await db.account.count()) > 0) return null;
  try {
    const account = await createAccount(db, { email, password, role: "admin" });
    logger.info("created the first admin account from HOOKLINE_ADMIN_EMAIL", { email: account.email });
    return account;
  } catch (error) {
    // Another instance created it at the same moment.
    if ((error as { code?: string }).code === "P2002") return null;
    throw error;
  }
}
