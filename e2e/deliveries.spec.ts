import { expect, test } from "@playwright/test";

import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

test("an operator signs in, sends signed sample events with the CLI and sees each delivery", async ({ page }) => {
  await page.goto("/deliveries");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdeliveries/);
  await logIn(page);
  // The page shows failed deliveries by default; this test looks at every one.
  await page.goto("/deliveries?outcome=all");

  hookline(["send", "all", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
  const output = hookline(["send", "user.created", "--count", "3", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
  expect(output).toMatch(/200/);

  await page.reload();
  const rows = page.getByTestId("delivery-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(20);
  const created = rows.filter({ hasText: "user.created" });
  expect(await created.count()).toBeGreaterThanOrEqual(3);
  await expect(created.first().locator('[data-outcome="verified"]')).toBeVisible();
  await expect(created.first()).toContainText(/msg_/);

  // A delivery signed with the wrong secret shows up too, with its outcome.
  const wrong = "whsec_" + Buffer.from("definitely-not-the-right-secret").toString("base64");
  expect(() =>
    hookline(["send", "user.updated", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", wrong]),
  ).toThrow();
  await page.reload();
  await expect(rows.first().locator('[data-outcome="invalid_signature"]')).toBeVisible();
  // Its type is what the body claims, marked as not verified; it links to no event.
  await expect(rows.first().getByTestId("claimed-type")).toHaveText(/user\.updated\s*unverified/);

  await page.screenshot({ path: ".cache/e2e-screenshots/deliveries.png", fullPage: true });
});
