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

const PROBE_ORIGIN = "http://hookline.invalid";

/**
 * Only paths on this site, so a crafted ?redirectTo= cannot send people elsewhere.
 * NOTE: browsers drop tabs and newlines from URLs and read `\` as `/`
 * (https://url.spec.whatwg.org/#concept-basic-url-parser), so `/\t/evil.example`
 * and `/\\evil.example` are protocol-relative links to another host. A value with
 * control characters, or whose path has a backslash or starts with `//` (also once
 * percent-decoded, up to three times), is refused; what remains must resolve to
 * this origin. Returns the resolved path, query and fragment.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || to.length > 4000 || !to.startsWith("/") || CONTROL.test(to)) return fallback;
  const path = to.split(/[?#]/, 1)[0]!;
  let decoded = path;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (!isPlainPath(next)) return fallback;
    if (next === decoded) break;
    decoded = next;
  }
  if (!isPlainPath(path)) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(to, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (resolved.origin !== PROBE_ORIGIN || resolved.pathname.startsWith("//")) return fallback;
  return resolved.pathname + resolved.search + resolved.hash;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

function isPlainPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.includes("\\") && !CONTROL.test(path);
}
