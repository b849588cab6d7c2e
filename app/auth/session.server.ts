// Browser sessions: a random token in an HttpOnly, SameSite=Lax cookie (signed with
// SESSION_SECRET); the database keeps only its SHA-256, so a copy of the database
// cannot be used to log in.
import crypto from "node:crypto";

import { createCookie, redirect } from "@remix-run/node";

import { env } from "~/config/env.server";
import { db } from "~/db/prisma.server";
import type { AuthenticatedAccount } from "./accounts.server";
import { hasRole, type Role } from "./roles";

const SESSION_DAYS = 7;
const TOUCH_INTERVAL_MS = 60_000;

let cookie: ReturnType<typeof createCookie> | null = null;
export function sessionCookie() {
  cookie ??= createCookie("hookline_session", {
    httpOnly: true,
    sameSite: "lax",
    secure: env().NODE_ENV === "production" && process.env.HOOKLINE_INSECURE_COOKIES !== "1",
    path: "/",
    maxAge: SESSION_DAYS * 24 * 60 * 60,
    secrets: [env().SESSION_SECRET],
  });
  return cookie;
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Creates a session and returns the Set-Cookie header value. */
export async function createSession(accountId: string, userAgent: string | null): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  await db().session.create({
    data: {
      id: hashToken(token),
      accountId,
      expiresAt: new Date(Date.now() + SESSION_DAYS * 24 * 60 * 60 * 1000),
      userAgent: userAgent?.slice(0, 300) ?? null,
    },
  });
  return sessionCookie().serialize(token);
}

async function sessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("cookie"));
  return typeof value === "string" ? value : null;
}

export async function getSessionAccount(request: Request): Promise<AuthenticatedAccount | null> {
  const token = await sessionToken(request);
  if (!token) return null;
  const session = await db().session.findUnique({
    where: { id: hashToken(token) },
    include: { account: { select: { id: true, email: true, name: true, role: true, disabled: true } } },
  });
  if (!session || session.expiresAt < new Date() || session.account.disabled) return null;
  if (Date.now() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db().session.update({ where: { id: session.id }, data: { lastSeenAt: new Date() } });
  }
  const { id, email, name, role } = session.account;
  return { id, email, name, role: role as Role };
}

/** The signed-in account, or a redirect to the login page; 403 when the role is too low. */
export async function requireUser(request: Request, role: Role = "viewer"): Promise<AuthenticatedAccount> {
  const account = await getSessionAccount(request);
  if (!account) {
    const url = new URL(request.url);
    const redirectTo = `${url.pathname}${url.search}`;
    throw redirect(`/login?${new URLSearchParams({ redirectTo })}`);
  }
  if (!hasRole(account.role, role)) {
    throw new Response(`This needs the ${role} role; you are signed in as ${account.role}.`, { status: 403 });
  }
  return account;
}

export async function destroySession(request: Request): Promise<string> {
  const token = await sessionToken(request);
  if (token) await db().session.deleteMany({ where: { id: hashToken(token) } });
  return sessionCookie().serialize("", { maxAge: 0 });
}

/** Only same-site paths, so a crafted ?redirectTo= cannot send people elsewhere. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
