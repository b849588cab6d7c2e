// The security suite, against the built server:
// - a crawler over every route in the Remix manifest: without a session each answers
//   401 or redirects to the login (ingest, /healthz and the login page excepted), and
//   every API route answers 401 without a token; no POST succeeds without a session;
// - a cross-origin POST with a valid cookie is refused;
// - login is rate-limited, and the session cookie is HttpOnly and SameSite=Lax;
// - no plaintext `whsec_` target or source secret is in the database file;
// - an XSS corpus in payload fields, headers and target names renders inert.
import fs from "node:fs";
import path from "node:path";

import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { E2E } from "../playwright.config";
import { signDelivery } from "../app/catalog/sign";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

interface ManifestRoute {
  path?: string;
  index?: boolean;
  parentId?: string;
  module: { loader?: unknown; action?: unknown; default?: unknown };
}

/** Every route's URL, with its dynamic segments filled in. */
async function routeUrls(): Promise<{ id: string; url: string; hasLoader: boolean; hasAction: boolean; isApi: boolean }[]> {
  const build = (await import(path.resolve("build/server/index.js"))) as { routes: Record<string, ManifestRoute> };
  const fullPath = (id: string): string => {
    const route = build.routes[id]!;
    const own = route.path ?? "";
    return route.parentId ? [fullPath(route.parentId), own].filter(Boolean).join("/") : own;
  };
  return Object.entries(build.routes)
    .filter(([id]) => id !== "root")
    .map(([id, route]) => {
      const url = "/" + fullPath(id).replace(/:[A-Za-z]+/g, "x_does_not_exist").replace(/\*$/, "x");
      return { id, url, hasLoader: Boolean(route.module.loader), hasAction: Boolean(route.module.action), isApi: url.startsWith("/api/") || url === "/metrics" };
    });
}

const PUBLIC = new Set(["/login", "/logout", "/webhooks/x_does_not_exist"]);

async function anonymous(request: APIRequestContext, method: "GET" | "POST", url: string) {
  return request.fetch(url, {
    method,
    maxRedirects: 0,
    headers: method === "POST" ? { origin: E2E.baseURL, "content-type": "application/x-www-form-urlencoded" } : {},
    data: method === "POST" ? "intent=delete" : undefined,
  });
}

test("every route needs a session or a token, except ingest, health and login", async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: E2E.baseURL });
  const routes = await routeUrls();
  expect(routes.length).toBeGreaterThan(20);
  const problems: string[] = [];
  for (const route of routes) {
    if (PUBLIC.has(route.url)) continue;
    if (route.hasLoader) {
      const response = await anonymous(request, "GET", route.url);
      const location = response.headers()["location"] ?? "";
      const ok = route.isApi ? response.status() === 401 : response.status() === 401 || (response.status() >= 300 && response.status() < 400 && location.startsWith("/login"));
      if (!ok) problems.push(`GET ${route.url} (${route.id}) → ${response.status()} ${location}`);
    }
    const post = await anonymous(request, "POST", route.url);
    const location = post.headers()["location"] ?? "";
    const refused = [401, 403, 404, 405].includes(post.status()) || (post.status() >= 300 && post.status() < 400 && location.startsWith("/login"));
    if (!refused) problems.push(`POST ${route.url} (${route.id}) → ${post.status()} ${location}`);
  }
  expect(problems).toEqual([]);
  expect((await request.get("/healthz")).status()).toBe(200);
  await request.dispose();
});

test("a cross-origin POST with a valid session cookie is refused", async ({ page }) => {
  await logIn(page);
  const response = await page.request.fetch("/logout", {
    method: "POST",
    headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    data: "",
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  // Still signed in: the forged logout did nothing.
  await page.goto("/events");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("login is rate-limited and the session cookie is HttpOnly and SameSite=Lax", async ({ page, playwright }) => {
  const request = await playwright.request.newContext({ baseURL: E2E.baseURL });
  const email = `nobody-${Date.now()}@hookline.test`;
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const response = await request.post("/login", { form: { email, password: `wrong-${i}` }, headers: { origin: E2E.baseURL }, maxRedirects: 0 });
    statuses.push(response.status());
  }
  expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
  expect(statuses.slice(10)).toEqual([429, 429]);
  await request.dispose();

  await logIn(page);
  const cookie = (await page.context().cookies()).find((c) => c.name === "hookline_session")!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});

test("no plaintext whsec_ secret of a target or source is in the database file", async ({ page }) => {
  const targetSecret = "whsec_" + Buffer.from("e2e-target-secret-must-not-leak!").toString("base64");
  const sourceSecret = "whsec_" + Buffer.from("e2e-source-secret-must-not-leak!").toString("base64");
  const token = hookline(["token", "create", "--name", "security-suite", "--role", "admin"]).trim().split("\n").at(-1)!;
  const created = await page.request.post("/api/v1/targets", {
    headers: { authorization: `Bearer ${token}` },
    data: { name: "leak check", url: "http://127.0.0.1:9/leak", secret: targetSecret },
  });
  expect(created.status()).toBe(201);
  hookline(["source", "create", "--slug", `leakcheck${Date.now() % 100000}`], { input: sourceSecret });
  const file = E2E.databaseUrl.replace(/^file:/, "");
  const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
  expect(bytes.includes(Buffer.from(targetSecret))).toBe(false);
  expect(bytes.includes(Buffer.from(sourceSecret))).toBe(false);
  expect(bytes.includes(Buffer.from("e2e-target-secret"))).toBe(false);
  // The target's page never shows it either.
  await logIn(page);
  const target = (await created.json()) as { id: string };
  await page.goto(`/targets/${target.id}`);
  await expect(page.locator("body")).not.toContainText(targetSecret);
});

const XSS = [
  `<script>window.__xss = "script"</script>`,
  `<img src=x onerror="window.__xss='img'">`,
  `javascript:window.__xss='href'`,
  `<svg onload="window.__xss='svg'"><circle r=1 /></svg>`,
  `"><iframe src="javascript:parent.__xss='iframe'"></iframe>`,
  `{{constructor.constructor('window.__xss=1')()}}`,
];

async function sendEvent(type: string, data: Record<string, unknown>, extraHeaders: Record<string, string> = {}) {
  const body = JSON.stringify({ data, object: "event", type, timestamp: Date.now(), instance_id: "ins_xss" });
  const { headers } = signDelivery(E2E.secret, body);
  const response = await fetch(`${E2E.baseURL}/webhooks/clerk`, { method: "POST", body, headers: { ...headers, ...extraHeaders } });
  return (await response.json()) as { eventId: string; deliveryId: string };
}

async function expectInert(page: Page, url: string) {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  const injected = await page.evaluate(() => ({
    flag: (window as unknown as { __xss?: string }).__xss ?? null,
    img: document.querySelectorAll('img[src="x"]').length,
    svg: document.querySelectorAll("svg[onload]").length,
    javascriptLinks: [...document.querySelectorAll("a[href]")].filter((a) => a.getAttribute("href")!.trim().toLowerCase().startsWith("javascript:")).length,
  }));
  expect({ url, ...injected, dialogs }).toEqual({ url, flag: null, img: 0, svg: 0, javascriptLinks: 0, dialogs: [] });
}

test("an XSS corpus in payloads, headers, keys and target names renders inert on every page that shows it", async ({ page }) => {
  const userId = `user_xss${Date.now()}`;
  const orgId = `org_xss${Date.now()}`;
  const poisoned = Object.fromEntries(XSS.map((x, i) => [`field_${i}`, x]));
  const created = await sendEvent("user.created", {
    id: userId, object: "user", first_name: XSS[1], last_name: XSS[0], username: XSS[2], image_url: XSS[2], profile_image_url: XSS[2],
    email_addresses: [{ id: "idn_xss", email_address: `${XSS[1]}@example.com` }], primary_email_address_id: "idn_xss",
    public_metadata: { ...poisoned, [XSS[1]]: "poisoned key" }, created_at: Date.now(), updated_at: Date.now(),
  }, { "x-xss": XSS[1] });
  const updated = await sendEvent("user.updated", {
    id: userId, object: "user", first_name: XSS[3], last_name: XSS[4], username: XSS[5], image_url: XSS[2],
    public_metadata: { [XSS[0]]: XSS[3] }, created_at: Date.now(), updated_at: Date.now() + 1,
  });
  await sendEvent("organization.created", { id: orgId, object: "organization", name: XSS[1], slug: XSS[2], image_url: XSS[2], public_metadata: poisoned });
  await sendEvent("email.created", { id: `ema_xss${Date.now()}`, object: "email", user_id: userId, subject: XSS[0], body: `<p>${XSS[1]}</p>${XSS[0]}`, body_plain: XSS[1], to_email_address: "x@example.com", data: { otp_code: "123456" } });
  // An unverified delivery with a poisoned body and headers.
  const forged = await fetch(`${E2E.baseURL}/webhooks/clerk`, {
    method: "POST",
    body: JSON.stringify({ object: "event", type: XSS[1], data: poisoned }),
    headers: { "svix-id": `msg_${XSS[1]}`, "svix-timestamp": "1", "svix-signature": "v1,AAAA", "x-xss": XSS[0] },
  });
  const forgedDelivery = ((await forged.json()) as { deliveryId: string }).deliveryId;

  const token = hookline(["token", "create", "--name", "xss-suite", "--role", "admin"]).trim().split("\n").at(-1)!;
  const target = await page.request.post("/api/v1/targets", {
    headers: { authorization: `Bearer ${token}` },
    data: { name: XSS[1], url: "http://127.0.0.1:9/xss" },
  });
  const targetId = ((await target.json()) as { id: string }).id;

  await logIn(page);
  const pages = [
    "/events", `/events?q=${encodeURIComponent("xss")}`, `/events/${created.eventId}`, `/events/${updated.eventId}`,
    "/deliveries", "/deliveries?outcome=all", `/deliveries/${created.deliveryId}`, `/deliveries/${forgedDelivery}`,
    `/users/${userId}`, `/organizations/${orgId}`, "/targets", `/targets/${targetId}`, "/replays", "/billing", `/search?q=${encodeURIComponent(XSS[1]!)}`,
    "/settings/audit",
  ];
  for (const url of pages) await expectInert(page, url);
  await page.goto(`/events/${created.eventId}`);
  // Shown as text (JSON-escaped in the tree), not as an element.
  await expect(page.getByText(/<img src=x onerror=/).filter({ visible: true }).first()).toBeVisible();
  await page.screenshot({ path: ".cache/e2e-screenshots/xss-event.png", fullPage: true });
});

test("pages send the security headers and run under their Content-Security-Policy without violations", async ({ page }) => {
  // Collected by the page itself, so a blocked script or style anywhere is seen.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const consoleViolations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) consoleViolations.push(message.text());
  });

  const userId = `user_csp${Date.now()}`;
  const email = await sendEvent("email.created", {
    id: `ema_csp${Date.now()}`, object: "email", user_id: userId, subject: "Welcome", to_email_address: "jane@example.com",
    body: `<p style="color:red">Hello</p>`, body_plain: "Hello",
  });
  await sendEvent("user.created", { id: userId, object: "user", first_name: "Csp", created_at: Date.now(), updated_at: Date.now() });

  const check = async (url: string) => {
    const response = await page.goto(url);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp, url).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp, url).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"], url).toBe("nosniff");
    expect(headers["referrer-policy"], url).toBe("strict-origin-when-cross-origin");
    await page.waitForLoadState("networkidle");
    // Remix hydrated: its inline scripts ran under the nonce.
    expect(await page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter), url).toBe("object");
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), url).toEqual([]);
  };

  await check("/login");
  await logIn(page);
  for (const url of ["/", "/events", `/events/${email.eventId}`, `/users/${userId}`, "/deliveries", `/deliveries/${email.deliveryId}`, "/billing", "/targets", "/settings/tokens"]) {
    await check(url);
  }
  // The email preview keeps its sandbox and its own stricter policy (no remote images).
  await page.goto(`/events/${email.eventId}`);
  await page.getByRole("button", { name: "Reveal" }).click();
  await expect(page.getByTestId("revealed-notice")).toBeVisible();
  const preview = page.getByTestId("email-preview");
  await expect(preview).toHaveAttribute("sandbox", "");
  expect(await preview.getAttribute("srcdoc")).toContain("default-src 'none'");
  await expect(page.frameLocator('[data-testid="email-preview"]').locator("p")).toHaveText("Hello");
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
  // A client-side navigation works too.
  await page.getByRole("link", { name: "Deliveries" }).first().click();
  await expect(page).toHaveURL(/\/deliveries/);
  expect(consoleViolations).toEqual([]);
});
