// Issue 13, B and C: support finds a person by name, tells matches apart, and reads
// their story from the top of the page: the timeline first (search it, jump to a date),
// field history last with five changes per field, organizations they created, inferred
// values marked. Screenshots at 1440 and 390 px.
import { expect, test, type Page } from "@playwright/test";

import { signDelivery } from "../app/catalog/sign";
import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

const SHOTS = ".cache/screenshots";
const run = Date.now().toString(36);
const USER = `user_e2eSupport${run}`;
const FIRST = `Zenobia${run}`;
const T = Date.now() - 3 * 24 * 3600_000;

async function post(envelope: Record<string, unknown>) {
  const body = JSON.stringify(envelope);
  const response = await fetch(`${E2E.baseURL}/webhooks/clerk`, { method: "POST", headers: signDelivery(E2E.secret, body).headers, body });
  expect(response.status).toBe(200);
}

const user = (id: string, last: string, extra: Record<string, unknown> = {}) => ({
  object: "event",
  type: "user.created",
  timestamp: T,
  instance_id: "ins_e2e",
  data: {
    id,
    object: "user",
    first_name: FIRST,
    last_name: last,
    username: `${last.toLowerCase()}_${run}`,
    created_at: T,
    email_addresses: [{ id: `idn_${id}`, object: "email_address", email_address: `${last.toLowerCase()}.${run}@a-rather-long-company-name.example` }],
    primary_email_address_id: `idn_${id}`,
    public_metadata: {},
    ...extra,
  },
});

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  hookline(["send", "all", "--user", USER, "--seed", "77", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
  // Two people who share a first name; one without primary_email_address_id.
  await post(user(`user_zq${run}`, "Quist"));
  await post(user(`user_zm${run}`, "Marlowe", { primary_email_address_id: null }));
  // An organization our user created, and seven plan changes (more than five per field).
  await post({ object: "event", type: "organization.created", timestamp: T + 60_000, instance_id: "ins_e2e", data: { object: "organization", id: `org_chenco${run}`, name: "Chen & Co", created_by: USER, created_at: T + 60_000 } });
  for (let i = 0; i < 7; i++) {
    await post({ ...user(`user_zq${run}`, "Quist", { public_metadata: { plan: i % 2 ? "business" : "free", seats: i } }), type: "user.updated", timestamp: T + (i + 1) * 3600_000 });
  }
});

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}-1440.png` });
  await page.screenshot({ path: `${SHOTS}/${name}-1440-full.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/${name}-390.png` });
  await page.screenshot({ path: `${SHOTS}/${name}-390-full.png`, fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
}

test("C: the header search finds people by first name, full name and username, and tells them apart", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page);
  // The full-text index fills about a second after an event arrives.
  await expect
    .poll(async () => {
      await page.goto(`/search?q=${FIRST}`);
      return page.getByTestId("user-match").count();
    }, { timeout: 15_000 })
    .toBe(2);
  const quist = page.locator(`[data-testid="user-match"][data-user-id="user_zq${run}"]`);
  await expect(quist.getByTestId("user-match-name")).toHaveText(`${FIRST} Quist`);
  await expect(quist.getByTestId("user-match-email")).toContainText(`quist.${run}@a-rather-long-company-name.example`);
  await expect(quist.getByTestId("user-match-signup")).toContainText(new Date(T).toISOString().slice(0, 10));
  await expect(quist.getByTestId("user-match-count")).toHaveText("8 events");
  const marlowe = page.locator(`[data-testid="user-match"][data-user-id="user_zm${run}"]`);
  await expect(marlowe.getByTestId("user-match-email")).toContainText("inferred");
  await shoot(page, "search-by-name");

  // A full name, either order, or a username goes straight to the one person.
  const header = page.getByRole("searchbox").first();
  await header.fill(`Marlowe ${FIRST}`);
  await header.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/users/user_zm${run}$`));
  await page.goto(`/search?q=quist_${run}`);
  await expect(page).toHaveURL(new RegExp(`/users/user_zq${run}$`));
});

test("B: the user page starts with the timeline, which can be searched and jumped by date", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page);
  await page.goto(`/users/${USER}`);
  const timeline = page.getByTestId("timeline-card");
  // Above the fold at both widths.
  expect((await timeline.boundingBox())!.y).toBeLessThan(900 - 200);
  await expect(page.getByTestId("timeline-entry").first()).toBeInViewport();
  await page.setViewportSize({ width: 390, height: 844 });
  expect((await timeline.boundingBox())!.y).toBeLessThan(844 - 150);
  await page.setViewportSize({ width: 1440, height: 900 });

  // The organization the user created is in their timeline, in words.
  await expect
    .poll(async () => {
      await page.goto(`/users/${USER}?q=organization.created`);
      return page.getByTestId("timeline-entry").filter({ hasText: "Created organization Chen & Co" }).count();
    }, { timeout: 15_000 })
    .toBe(1);
  await expect(page.getByTestId("memberships")).toContainText("Chen & Co");

  // Search within the timeline.
  await page.goto(`/users/${USER}`);
  await page.getByRole("searchbox", { name: "Search this timeline" }).fill("session.ended");
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page).toHaveURL(/q=session\.ended/);
  const types = await page.getByTestId("timeline-entry").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-type")));
  expect(types.length).toBeGreaterThan(0);
  expect(types.every((type) => type === "session.ended")).toBe(true);
  await expect(page.getByTestId("timeline-tools-active")).toContainText("session.ended");

  // Jump to a date: newest first, starting at the end of that day.
  await page.goto(`/users/${USER}?dir=asc`);
  const firstDay = (await page.getByTestId("timeline-entry").first().locator("time").getAttribute("datetime"))!.slice(0, 10);
  await page.goto(`/users/${USER}`);
  await page.getByLabel("Jump to date (UTC)").fill(firstDay);
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page).toHaveURL(new RegExp(`at=${firstDay}`));
  const firstTime = await page.getByTestId("timeline-entry").first().locator("time").getAttribute("datetime");
  expect(firstTime!.slice(0, 10) <= firstDay).toBe(true);
  await page.goto(`/users/${USER}`);
  await shoot(page, "user-page");
});

test("B: field history shows five changes per field, metadata per key, and the rest on request", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page);
  await page.goto(`/users/user_zq${run}`);
  const plan = page.locator('[data-testid="field-group"][data-field="publicMetadata.plan"]');
  await expect(plan).toContainText("7 changes");
  await expect(plan.getByTestId("field-change").filter({ visible: true })).toHaveCount(5);
  await expect(plan.getByTestId("field-change").first()).toContainText("plan:");
  await plan.getByTestId("field-show-all").click();
  await expect(plan.getByTestId("field-change").filter({ visible: true })).toHaveCount(7);
  // Emails wrap at @ and dots only: every break opportunity is a <wbr> before "." or after "@".
  const email = page.getByTestId("primary-email").locator("[data-email]");
  const html = await email.innerHTML();
  expect(html).toMatch(/@<\/span><span class="whitespace-nowrap"><wbr>/);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("field-history").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/user-field-history-390.png` });
  await page.setViewportSize({ width: 1440, height: 900 });

  // An inferred primary email is marked as such.
  await page.goto(`/users/user_zm${run}`);
  await expect(page.getByTestId("user-state")).toContainText("inferred");
  await expect(page.getByTestId("user-state")).toContainText("primary email is inferred");
});
