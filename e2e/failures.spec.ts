// Failures you can act on (issue 13, D): deliveries signed with a secret Hookline does not
// have are grouped by source and outcome on /deliveries, with what they claim to be, and
// "Re-verify N" once the secret is fixed shrinks the group to what still does not verify.
import crypto from "node:crypto";

import { expect, test, type Page, type TestInfo } from "@playwright/test";

import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

const secret = () => `whsec_${crypto.randomBytes(24).toString("base64")}`;

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    // Nothing wider than the window: wide tables scroll in their own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width} px`).toBeLessThanOrEqual(width);
    await page.screenshot({ path: testInfo.outputPath(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test("bad signatures show up as one group with its count and claimed type; re-verifying after the fix shrinks it", async ({ page }, testInfo) => {
  // Seven runs of the real CLI (a Node process each) and two sets of screenshots: on a loaded 2-core machine that takes more than the default minute.
  test.setTimeout(180_000);
  const right = secret();
  const wrong = secret();
  const stranger = secret();
  const slug = `fails-${Date.now().toString(36)}`;
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page);

  // A source whose secret was copied wrong.
  await page.goto("/settings/sources");
  const add = page.locator("form", { has: page.getByRole("button", { name: "Add source" }) });
  await add.getByLabel("Slug").fill(slug);
  await add.getByLabel("Name", { exact: true }).fill("Fails");
  await add.getByLabel("Signing secret(s) (optional)").fill(wrong);
  await add.getByRole("button", { name: "Add source" }).click();
  await expect(page.getByRole("listitem", { name: `Source ${slug}` }).getByTestId("secret-status")).toContainText("1 secret configured");

  // Clerk sends with the real secret (3), and someone else posts with a secret of their own (2): all refused, all kept.
  for (const [key, count] of [[right, 3], [stranger, 2]] as const) {
    for (let i = 0; i < count; i++) {
      expect(() => hookline(["send", "user.created", "--url", `${E2E.baseURL}/webhooks/${slug}`, "--secret", key])).toThrow();
    }
  }
  // And a delivery to a slug nothing is configured at.
  const nowhere = `nowhere-${Date.now().toString(36)}`;
  expect(() => hookline(["send", "session.created", "--url", `${E2E.baseURL}/webhooks/${nowhere}`, "--secret", right])).toThrow();

  await page.goto("/deliveries");
  const groups = page.getByTestId("failure-groups");
  const group = groups.locator(`[data-testid="failure-group"][data-source="${slug}"][data-outcome="invalid_signature"]`);
  await expect(group.getByTestId("failure-group-count")).toHaveText("5");
  await expect(group.getByRole("img", { name: new RegExp(`${slug} · invalid_signature: 5 failures`) })).toBeVisible();
  await expect(group).toContainText("No configured secret produces their signature");
  await expect(group.getByRole("link", { name: "Settings → Sources" })).toBeVisible();
  const unknown = groups.locator(`[data-testid="failure-group"][data-source="${nowhere}"][data-outcome="unknown_source"]`);
  await expect(unknown.getByTestId("failure-group-count")).toHaveText("1");
  await expect(unknown.getByRole("link", { name: "Add the source" })).toHaveAttribute("href", "/settings/sources");
  // Nothing is configured there, so there is nothing to re-verify with yet.
  await expect(unknown.getByRole("button", { name: /Re-verify/ })).toHaveCount(0);

  // The list says what the failed bodies claim to be, marked as unverified.
  const claimed = page.getByTestId("delivery-row").filter({ hasText: slug }).first().getByTestId("claimed-type");
  await expect(claimed).toContainText("user.created");
  await expect(claimed).toContainText("unverified");
  await expect(claimed).toHaveAttribute("title", /does not act on it/);
  await shoot(page, testInfo, "deliveries-failures");
  // Dark mode follows the OS: the same page, as it looks at 3 a.m.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await page.screenshot({ path: testInfo.outputPath("deliveries-failures-dark-1440.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.reload();

  // The filters apply: this source alone, via the group's own link.
  await group.getByRole("link", { name: /Show the 5 deliveries/ }).click();
  await expect(page).toHaveURL(new RegExp(`source=${slug}`));
  await expect(page.getByTestId("failure-group")).toHaveCount(1);
  await expect(page.getByTestId("delivery-row")).toHaveCount(5);

  // Fix the secret, come back, re-verify the group.
  await page.goto("/settings/sources");
  const card = page.getByRole("listitem", { name: `Source ${slug}` });
  await card.getByLabel(`Signing secret(s) for ${slug}`).fill(right);
  await card.getByRole("button", { name: "Replace secrets" }).click();
  await expect(page.getByRole("status").first()).toContainText(`${slug} has 1 signing secret`);

  await page.goto(`/deliveries?source=${slug}`);
  await page.getByRole("button", { name: "Re-verify 5" }).click();
  await expect(page.getByTestId("reverify-summary")).toContainText("Checked 5 deliveries");
  await expect(page.getByTestId("reverify-summary")).toContainText("3 became events; 2 still do not verify");
  // The group shrank to the two that were never Clerk's.
  const left = page.locator(`[data-testid="failure-group"][data-source="${slug}"]`);
  await expect(left.getByTestId("failure-group-count")).toHaveText("2");
  await expect(page.getByRole("button", { name: "Re-verify 2" })).toBeVisible();
  await shoot(page, testInfo, "deliveries-after-reverify");

  // A filter with no failures says so.
  await page.goto(`/deliveries?source=${slug}&outcome=no_secret`);
  await expect(page.getByTestId("failure-groups-empty")).toContainText(`No delivery failed verification in this window for ${slug}`);
});

test("the overview's failure chart uses the chips' colours", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(() => hookline(["send", "user.updated", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", secret()])).toThrow();
  expect(() => hookline(["send", "user.updated", "--url", `${E2E.baseURL}/webhooks/nobody-${Date.now().toString(36)}`, "--secret", secret()])).toThrow();
  await logIn(page);
  // The overview caches its numbers for 10 s; the failures above may be newer than that
  // (and other tests' invalid signatures may already be there: wait for both outcomes).
  await expect(async () => {
    await page.goto("/");
    await expect(page.getByTestId("failure-outcomes").locator('[data-outcome="invalid_signature"]')).toBeVisible({ timeout: 1000 });
    await expect(page.getByTestId("failure-outcomes").locator('[data-outcome="unknown_source"]')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  const chart = page.getByRole("img", { name: "Verification failures per hour by outcome" });
  // invalid_signature is red in the chip's dot and in the bars, unknown_source grey in both.
  const dot = page.getByTestId("failure-outcomes").locator('[data-outcome="invalid_signature"] span[aria-hidden]');
  await expect(dot).toHaveCSS("background-color", "rgb(220, 38, 38)");
  await expect(chart.locator('path.recharts-rectangle[fill="#dc2626"]').first()).toBeAttached();
  await expect(chart.locator('path.recharts-rectangle[fill="#64748b"]').first()).toBeAttached();
  await shoot(page, testInfo, "overview");
});
