// Issue 13, A: rows that explain themselves. A summary per row, no columns that repeat
// themselves, relative times with the exact time on hover, a preview panel driven by
// j / k / Enter / Esc, and "Replay these N events" only under a filter.
import { expect, test } from "@playwright/test";

import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

test.beforeAll(() => {
  // A fixed seed whose names and emails differ from e2e/lifecycle.spec.ts (seed 4242).
  hookline(["send", "all", "--count", "1", "--seed", "2027", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
});

test("each row says what happened, and only unusual rows carry flags", async ({ page }, testInfo) => {
  await logIn(page);
  await page.goto("/events");
  const table = page.getByTestId("events-table");
  await expect(table.getByRole("columnheader", { name: "Summary" })).toBeVisible();
  for (const hidden of ["Outcome", "Deliveries", "Order"]) await expect(table.getByRole("columnheader", { name: hidden })).toHaveCount(0);

  // The summary is words, not the type again.
  await page.goto("/events?type=organizationMembership.created");
  await expect(page.getByTestId("event-summary").first()).toHaveText(/^Joined .+/);
  await page.goto("/events?type=session.created");
  await expect(page.getByTestId("event-summary").first()).toHaveText(/^Signed in/);

  // Relative time, with the exact time on hover; the UTC / local choice is remembered.
  const time = page.getByTestId("event-row").first().locator("time").first();
  await expect(time).toHaveText(/ago|just now/);
  await expect(time).toHaveAttribute("title", /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\n/);
  await page.getByRole("button", { name: "Local" }).click();
  await page.reload();
  await expect(page.getByRole("button", { name: "Local" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("event-row").first().locator("time").first()).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC[+−]/);
  await page.getByRole("button", { name: "UTC" }).click();

  // Full ids copy from the row while the cell stays truncated.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const row = page.getByTestId("event-row").first();
  const userId = (await row.getByRole("link", { name: /^user_/ }).first().textContent())!;
  await row.hover();
  await row.getByRole("button", { name: "Copy" }).first().click();
  await expect(row.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(userId).toMatch(/^user_/);
  await page.screenshot({ path: testInfo.outputPath("events-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("events-390.png"), fullPage: true });
});

test("j / k preview events beside the list, Enter opens one, Esc closes the panel", async ({ page }, testInfo) => {
  await logIn(page);
  await page.goto("/events?type=user.created");
  const rows = page.getByTestId("event-row");
  await expect(rows.first()).toBeVisible();
  await page.keyboard.press("j");
  const preview = page.getByTestId("event-preview");
  await expect(preview).toBeVisible();
  await expect(page.getByTestId("preview-summary")).toHaveText(/^Signed up/);
  const firstId = await rows.nth(0).getAttribute("data-event-id");
  await expect(preview).toHaveAttribute("data-event-id", firstId!);
  if ((await rows.count()) > 1) {
    await page.keyboard.press("j");
    await expect(preview).toHaveAttribute("data-event-id", (await rows.nth(1).getAttribute("data-event-id"))!);
    await page.keyboard.press("k");
    await expect(preview).toHaveAttribute("data-event-id", firstId!);
  }
  await expect(preview.getByTestId("json-tree")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("events-preview-1440.png") });
  await page.keyboard.press("Escape");
  await expect(preview).toBeHidden();

  // A click on a summary previews too; Enter opens the selected event's page.
  await page.getByTestId("event-summary").first().click();
  await expect(preview).toBeVisible();
  await page.locator("h1").first().click();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/events/${firstId}$`));
});

test("Replay these N events appears only under a filter, as a secondary button", async ({ page }) => {
  await logIn(page);
  await page.goto("/events");
  await expect(page.getByTestId("events-table")).toBeVisible();
  await expect(page.getByTestId("replay-link")).toHaveCount(0);
  await page.goto("/events?type=user.*");
  const link = page.getByTestId("replay-link");
  await expect(link).toHaveText(/^Replay these [\d,]+ events$/);
  await expect(link).not.toHaveClass(/bg-indigo-600/);
});
