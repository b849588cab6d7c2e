// Issue 13, G and H: every page, signed in as an admin and as a viewer, passes axe with
// no serious or critical violation, fits 1280 and 1440 px without sideways scrolling,
// and fits a 390 px phone (wide tables scroll in their own box). Screenshots of every
// page at 1440 and 390 px are kept as test artifacts (playwright.config.ts outputDir).
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";

import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

const run = Date.now().toString(36);
const VIEWER = { email: `a11y-viewer-${run}@hookline.test`, password: "viewer-password-123" };
const LONG_SOURCE = `production-eu-west-customer-portal-${run}`;

let token = "";
const pages: string[] = [];

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${E2E.baseURL}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

type ListedEvent = { id: string; type: string; userId: string | null; organizationId: string | null; subscriptionId: string | null; payerId: string | null };

test.beforeAll(async () => {
  // A fixed seed whose names and emails differ from e2e/lifecycle.spec.ts (seed 4242), so its email search still finds one person.
  hookline(["send", "all", "--count", "1", "--seed", "13013", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
  // A source with a long slug, and events from it: the event page must still fit.
  const secret = "whsec_" + Buffer.from(`a11y-long-source-${run}`).toString("base64");
  // beforeAll runs again in a fresh worker after a failure: the source may exist already.
  try {
    hookline(["source", "create", "--slug", LONG_SOURCE, "--name", "Production EU west customer portal"]);
  } catch {
    // it does
  }
  hookline(["source", "secrets", "--slug", LONG_SOURCE], { input: `${secret}\n` });
  hookline(["send", "user.updated", "--count", "1", "--url", `${E2E.baseURL}/webhooks/${LONG_SOURCE}`, "--secret", secret]);
  try {
    hookline(["target", "create", "--name", `Users service (staging, eu-west) ${run}`, "--url", "http://127.0.0.1:9/hooks", "--types", "user.*,session.*,organizationMembership.*"]);
  } catch {
    // created by an earlier worker
  }
  try {
    hookline(["user", "create", "--email", VIEWER.email, "--role", "viewer"], { input: `${VIEWER.password}\n` });
  } catch {
    // created by an earlier worker
  }
  token = hookline(["token", "create", "--name", `a11y-${run}`, "--role", "admin"]).trim().split("\n").pop()!;

  const { events } = await api<{ events: ListedEvent[] }>("/api/v1/events?limit=500");
  const first = (predicate: (e: ListedEvent) => boolean) => events.find(predicate);
  const longSourced = (await api<{ events: ListedEvent[] }>(`/api/v1/events?source=${LONG_SOURCE}`)).events[0];
  const updated = first((e) => e.type === "user.updated");
  const payment = first((e) => e.type.startsWith("paymentAttempt."));
  const subscription = first((e) => Boolean(e.subscriptionId));
  const user = first((e) => Boolean(e.userId));
  const org = first((e) => Boolean(e.organizationId));
  const { targets } = await api<{ targets: { id: string }[] }>("/api/v1/targets");
  const deliveries = await api<{ deliveries: { id: string }[] }>("/api/v1/deliveries?limit=1");

  pages.push(
    "/",
    "/events",
    "/events?type=user.updated",
    "/deliveries",
    "/deliveries?outcome=all",
    "/billing",
    "/targets",
    "/replays",
    "/replays/new",
    "/listeners",
    "/issues",
    "/settings",
    "/settings/sources",
    "/settings/accounts",
    "/settings/notifications",
    "/settings/audit",
    "/search?q=example.com",
    "/no-such-page",
  );
  if (longSourced) pages.push(`/events/${longSourced.id}`);
  if (updated) pages.push(`/events/${updated.id}`);
  if (payment) pages.push(`/events/${payment.id}`);
  if (deliveries.deliveries[0]) pages.push(`/deliveries/${deliveries.deliveries[0].id}`);
  if (subscription?.subscriptionId) pages.push(`/billing/subscriptions/${subscription.subscriptionId}`);
  if (subscription?.payerId) pages.push(`/billing/payers/${subscription.payerId}`);
  if (user?.userId) pages.push(`/users/${user.userId}`);
  if (org?.organizationId) pages.push(`/organizations/${org.organizationId}`);
  if (targets[0]) pages.push(`/targets/${targets[0].id}`);
});

/** Wider than the window, ignoring boxes that scroll on their own. */
async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

const slug = (path: string) => path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "").slice(0, 60) || "overview";

for (const role of ["admin", "viewer"] as const) {
  test(`every page passes axe and fits 1280, 1440 and 390 px (${role})`, async ({ page }, testInfo) => {
    test.setTimeout(240_000);
    await logIn(page, role === "admin" ? E2E.admin : VIEWER);
    const problems: string[] = [];
    for (const path of pages) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      for (const violation of await seriousViolations(page)) problems.push(`${path}: ${violation}`);
      if ((await pageOverflow(page)) > 1) problems.push(`${path}: wider than 1440 px`);
      await shoot(page, testInfo, `${role}-${slug(path)}-1440`);
      await page.setViewportSize({ width: 1280, height: 800 });
      if ((await pageOverflow(page)) > 1) problems.push(`${path}: wider than 1280 px`);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(100);
      if ((await pageOverflow(page)) > 1) problems.push(`${path}: wider than a 390 px phone by ${await pageOverflow(page)} px`);
      await shoot(page, testInfo, `${role}-${slug(path)}-390`);
    }
    expect(problems).toEqual([]);
  });
}

test("at 390 px the header folds into a menu with every link, the issue count and sign out", async ({ page }, testInfo) => {
  await logIn(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  // Sign out moved into the menu: the header has no room for it.
  await expect(page.getByRole("button", { name: "Sign out" })).toBeHidden();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await page.getByTestId("menu-button").click();
  await expect(nav).toBeVisible();
  for (const label of ["Overview", "Events", "Deliveries", "Billing", "Targets", "Replays", "Listeners", "Issues", "Settings"]) {
    await expect(nav.getByRole("link", { name: new RegExp(`^${label}`) })).toBeVisible();
  }
  await expect(nav.getByRole("button", { name: "Sign out" })).toBeVisible();
  await shoot(page, testInfo, "header-menu-390");
  await nav.getByRole("link", { name: /^Targets/ }).click();
  await expect(page).toHaveURL(/\/targets$/);
  await expect(nav).toBeHidden();
});

test("a skip link, a 2 px focus ring and a remembered dark mode", async ({ page }) => {
  await logIn(page);
  await page.goto("/events");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  // The next focusable control shows a solid outline of at least 2 px.
  await page.keyboard.press("Tab");
  const outline = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement as Element);
    return { width: parseFloat(style.outlineWidth), style: style.outlineStyle };
  });
  expect(outline.style).toBe("solid");
  expect(outline.width).toBeGreaterThanOrEqual(2);

  // Dark mode follows the OS by default...
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  // ...and a choice in the header is remembered over the OS setting.
  const toggle = page.getByTestId("theme-toggle");
  await toggle.click(); // system -> light
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  await page.getByTestId("theme-toggle").click(); // light -> dark
  await page.emulateMedia({ colorScheme: "light" });
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  expect(await seriousViolations(page)).toEqual([]);
});

test("the 404 page keeps the navigation and shows no router internals", async ({ page }) => {
  await logIn(page);
  const response = await page.goto("/this/page/does-not-exist");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("No route matches");
});

test("epoch-millisecond values in a payload show a readable date on hover", async ({ page }) => {
  await logIn(page);
  const { events } = await api<{ events: ListedEvent[] }>("/api/v1/events?type=user.created&limit=1");
  await page.goto(`/events/${events[0].id}`);
  const stamp = page.getByTestId("json-tree").locator("time").first();
  await expect(stamp).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
});
