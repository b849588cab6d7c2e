// Support staff's path: paste a user id in the header search, read the user's story
// (state, timeline, field history), then open the subscription's billing timeline.
import { expect, test } from "@playwright/test";

import { buildSampleStory } from "../app/catalog/samples";
import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { checkWidths, pageOverflow } from "./support/layout";
import { logIn } from "./support/login";

const SHOTS = ".cache/e2e-screenshots";
const run = Date.now().toString(36);
const USER = `user_e2eLifecycle${run}`;

test.describe.configure({ mode: "serial" });

test.beforeAll(() => {
  // One linked story (a user, an org, a subscription) whose user id we know.
  const output = hookline(["send", "all", "--user", USER, "--seed", "4242", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
  expect(output).toMatch(/200/);
});

test("search a user id in the header, read the timeline and field history, open the billing timeline", async ({ page }) => {
  page.on("dialog", (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  await logIn(page);

  const search = page.getByRole("searchbox", { name: /^Search by/ });
  await search.fill(USER);
  await search.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/users/${USER}$`));

  // State: the story ends with user.deleted; the profile is the last one known.
  const state = page.getByTestId("user-state");
  await expect(state.getByTestId("deleted-banner")).toContainText("user.deleted");
  await expect(state).toContainText("Primary email");
  await expect(state.getByTestId("freshness")).toContainText("user.updated");
  await expect(state).toContainText("Inferred:");

  // Timeline: newest first, grouped by day, each entry linking to its event.
  const entries = page.getByTestId("timeline-entry");
  await expect(entries.first()).toHaveAttribute("data-type", "user.deleted");
  expect(await entries.count()).toBeGreaterThan(30);
  await expect(page.getByTestId("timeline").locator("h3").first()).toBeVisible();
  await expect(entries.filter({ hasText: "Joined" }).first()).toBeVisible();
  const href = await entries.first().getByRole("link", { name: "user.deleted" }).getAttribute("href");
  expect(href).toMatch(/^\/events\/[0-9A-Z]{26}$/);

  // Field history: the work address became primary.
  const history = page.getByTestId("field-history");
  const emailChange = history.locator('[data-field="primaryEmail"]').getByTestId("field-change").filter({ hasText: "→" });
  await expect(emailChange).toHaveCount(1);
  await expect(emailChange.locator("del")).toContainText("@example.com");
  await expect(emailChange.locator("ins")).toContainText(".example");

  await page.screenshot({ path: `${SHOTS}/lifecycle-user.png`, fullPage: true });
  await page.screenshot({ path: `${SHOTS}/lifecycle-user-top.png` });

  // Category filter lives in the URL.
  await page.getByRole("navigation", { name: "Filter by category" }).getByRole("link", { name: /^Sessions/ }).click();
  await expect(page).toHaveURL(/category=sessions/);
  await expect(entries.first()).toHaveAttribute("data-type", /^session\./);
  const types = await entries.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-type")));
  expect(types.every((type) => type?.startsWith("session."))).toBe(true);

  // Memberships: left the organization; its page is one click away.
  await expect(page.getByTestId("memberships")).toContainText("left");

  // Billing: the user is the payer of one subscription.
  await page.getByTestId("user-billing").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/billing\/subscriptions\/csub_/);
  const chart = page.getByTestId("billing-chart");
  await expect(chart).toBeVisible();
  // One lane for the subscription, one per item (Pro, two Business attempts, Free).
  await expect(chart.getByTestId("chart-lane")).toHaveCount(5);
  await expect(chart.locator('[data-testid="status-period"][data-status="past_due"]')).toHaveCount(2);
  await expect(chart.locator('[data-testid="payment-mark"][data-status="failed"]')).toHaveCount(1);
  await expect(chart.locator('[data-testid="payment-mark"][data-status="paid"]')).toHaveCount(1);
  await expect(chart.getByTestId("trial-marker")).toHaveCount(1);
  // Hover details: amount and currency on the payment mark.
  await expect(chart.locator('[data-testid="payment-mark"][data-status="failed"] title')).toHaveText(/Payment failed · \$20\.00 USD/);
  await expect(page.getByTestId("chart-legend")).toContainText("Past due");
  await expect(page.getByTestId("billing-state")).toContainText("Active");
  await expect(page.getByTestId("payer")).toContainText(USER);
  await page.screenshot({ path: `${SHOTS}/lifecycle-billing.png`, fullPage: true });
  await chart.screenshot({ path: `${SHOTS}/lifecycle-billing-chart.png` });
  await checkWidths(page, SHOTS, "lifecycle-billing");

  // Dark mode: the lanes and their labels turn over with the page, and every label keeps
  // 4.5:1 against its lane (the fills were light-only hex before, a white block at night).
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/dark/);
  expect(await chartContrast(page)).toEqual({ darkLanes: true, lowContrast: [] });
  await chart.screenshot({ path: `${SHOTS}/lifecycle-billing-chart-dark-1440.png` });

  // A phone: the lane names sit above their bars and the chart fits the screen, in both themes.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(chart).toHaveAttribute("data-layout", "narrow");
  await expect(chart.getByTestId("chart-lane")).toHaveCount(5);
  expect((await chart.boundingBox())!.width).toBeLessThanOrEqual(390);
  await expect.poll(() => pageOverflow(page), { timeout: 5_000 }).toBeLessThanOrEqual(1);
  expect(await chartContrast(page)).toEqual({ darkLanes: true, lowContrast: [] });
  await chart.screenshot({ path: `${SHOTS}/lifecycle-billing-chart-dark-390.png` });
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  expect(await chartContrast(page)).toEqual({ darkLanes: false, lowContrast: [] });
  await chart.screenshot({ path: `${SHOTS}/lifecycle-billing-chart-light-390.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(chart).toHaveAttribute("data-layout", "wide");

  // The subscription list, filtered by status.
  await page.goto("/billing?status=active");
  await expect(page.getByTestId("subscription-row").filter({ hasText: USER })).toHaveCount(1);
  await expect(page.getByLabel("Status")).toHaveValue("active");
  await page.screenshot({ path: `${SHOTS}/lifecycle-billing-list.png` });
});

test("the organization page shows members over time and invitations", async ({ page }) => {
  await logIn(page);
  await page.goto(`/users/${USER}`);
  await page.getByTestId("memberships").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/organizations\/org_/);
  const history = page.getByTestId("member-history");
  await expect(history.getByTestId("member-change")).toHaveCount(3);
  await expect(history.locator('[data-change="role_changed"]')).toContainText("org:admin");
  await expect(page.getByTestId("invitations")).toContainText("accepted");
  await expect(page.getByTestId("invitations")).toContainText("revoked");
  await page.screenshot({ path: `${SHOTS}/lifecycle-organization.png`, fullPage: true });
  // On a phone each membership change is a block, its event link in view rather than off to the right.
  await checkWidths(page, SHOTS, "lifecycle-organization", async () => {
    const change = history.locator('[data-change="role_changed"]');
    await change.scrollIntoViewIfNeeded();
    await expect(change.getByRole("link", { name: "organizationMembership.updated" })).toBeInViewport({ ratio: 1 });
  });
});

test("an email address and a session id both lead to the user", async ({ page }) => {
  await logIn(page);
  // The CLI's story is deterministic for a seed, so the test knows its session ids.
  const story = buildSampleStory({ seed: 4242, userId: USER });
  const sessionId = story.find((e) => e.type === "session.created")!.data.id as string;
  await page.goto(`/search?q=${sessionId}`);
  await expect(page).toHaveURL(new RegExp(`/users/${USER}$`));

  // Nothing matches: the search page says so and offers the event list.
  await page.goto("/search?q=nobody-at-all%40example.com");
  await expect(page.getByTestId("no-matches")).toContainText("No stored event mentions this address");
  await page.screenshot({ path: `${SHOTS}/lifecycle-search-none.png` });

  // Emails are found in payload text, indexed by the worker about a second after arrival.
  await page.goto(`/users/${USER}`);
  const email = (await page.getByTestId("field-history").locator('[data-field="primaryEmail"]').getByTestId("field-change").locator("ins").first().textContent())!.trim();
  await expect(async () => {
    await page.goto(`/search?q=${encodeURIComponent(email)}`);
    await expect(page).toHaveURL(new RegExp(`/users/${USER}$`));
  }).toPass({ timeout: 30_000 });
});

/**
 * The billing chart's text against the lane behind it, as the browser paints them:
 * each colour is drawn on a canvas and read back as sRGB, then compared (WCAG ratio).
 */
function chartContrast(page: import("@playwright/test").Page) {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    const rgb = (color: string) => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = color;
      context.fillRect(0, 0, 1, 1);
      return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    };
    const luminance = (color: string) => {
      const [r, g, b] = rgb(color).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const ratio = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    const svg = document.querySelector('[data-testid="billing-chart"]')!;
    const backgrounds = [...svg.querySelectorAll('[data-testid="lane-background"]')].map((rect) => getComputedStyle(rect).fill);
    // Lane names, ids, axis and status labels: the text drawn on the lanes (a status name
    // inside its coloured bar is white or black on that colour, the same in both themes).
    const labels = [...svg.querySelectorAll("text, tspan")].filter(
      (text) => !text.hasAttribute("data-on-bar") && [...text.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim()),
    );
    const lowContrast: string[] = [];
    for (const label of labels) {
      const fill = getComputedStyle(label).fill;
      for (const background of new Set(backgrounds)) {
        const value = ratio(fill, background);
        if (value < 4.5) lowContrast.push(`${label.textContent!.trim().slice(0, 30)}: ${value.toFixed(2)}`);
      }
    }
    return { darkLanes: backgrounds.every((background) => luminance(background) < 0.1), lowContrast: [...new Set(lowContrast)] };
  });
}
