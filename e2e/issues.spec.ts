import crypto from "node:crypto";

import { expect, test } from "@playwright/test";

import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { checkWidths } from "./support/layout";
import { logIn } from "./support/login";

const shots = ".cache/e2e-screenshots";
const secret = () => `whsec_${crypto.randomBytes(24).toString("base64")}`;

test("a wrong-secret burst opens an issue seen in the header; fixing the secret and re-verifying resolves it", async ({ page }) => {
  const right = secret();
  const wrong = secret();
  const slug = `alerts-${Date.now().toString(36)}`;
  await logIn(page);

  // A source whose secret was copied wrong...
  await page.goto("/settings/sources");
  const add = page.locator("form", { has: page.getByRole("button", { name: "Add source" }) });
  await add.getByLabel("Slug").fill(slug);
  await add.getByLabel("Name", { exact: true }).fill("Alerts");
  await add.getByLabel("Signing secret(s) (optional)").fill(wrong);
  await add.getByRole("button", { name: "Add source" }).click();
  await expect(page.getByRole("listitem", { name: `Source ${slug}` }).getByTestId("secret-status")).toContainText("1 secret configured");

  // ...and Clerk sending with the real one: every delivery is refused (and kept).
  expect(() => hookline(["send", "user.created", "--count", "4", "--url", `${E2E.baseURL}/webhooks/${slug}`, "--secret", right])).toThrow();

  // The worker opens an issue; the header counts it.
  await page.goto("/");
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("open-issues-count")).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 30_000 });
  await page.getByRole("link", { name: /^Issues/ }).click();
  const row = page.getByRole("row").filter({ hasText: `${slug}: invalid_signature ×4` });
  // Other tests' issues may already make the header count visible: wait for this one.
  await expect(page).toHaveURL(/\/issues$/);
  await expect(async () => {
    await page.goto("/issues");
    await expect(row).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 30_000 });
  await expect(row).toContainText("Was the signing secret rotated in Clerk?");
  await expect(row).toContainText("open");
  await page.screenshot({ path: `${shots}/issues.png`, fullPage: true });
  // On a phone the list keeps status, title and count in view; kind and last seen go under the title.
  await checkWidths(page, shots, "issues", async () => {
    await expect(row.getByRole("link")).toBeInViewport();
    await expect(row.getByText("Verification failures · last seen")).toBeVisible();
  });
  await row.getByRole("link").click();
  await expect(page.getByTestId("issue-title")).toContainText(`${slug}: invalid_signature ×4`);
  await expect(page.getByTestId("issue-samples").getByRole("listitem")).toHaveCount(4);
  await checkWidths(page, shots, "issue", async () => {
    await expect(page.getByRole("button", { name: "Re-verify the 4 failed deliveries" })).toBeInViewport({ ratio: 1 });
  });
  const issueUrl = page.url();

  // Fix the secret in Settings, come back, and re-verify from the issue.
  await page.goto("/settings/sources");
  const card = page.getByRole("listitem", { name: `Source ${slug}` });
  await card.getByLabel(`Signing secret(s) for ${slug}`).fill(right);
  await card.getByRole("button", { name: "Replace secrets" }).click();
  await expect(page.getByRole("status").first()).toContainText(`${slug} has 1 signing secret`);
  await page.goto(issueUrl);
  await page.getByRole("button", { name: "Re-verify the 4 failed deliveries" }).click();
  await expect(page.getByRole("status").first()).toContainText("4 became events");
  await expect(page.getByTestId("issue-status")).toHaveText("resolved");
  await page.screenshot({ path: `${shots}/issue-resolved.png`, fullPage: true });

  // It is listed as resolved, and its history says who resolved it.
  await expect(page.getByText(`resolved by ${E2E.admin.email}`)).toBeVisible();
  await page.goto(`/issues?status=resolved`);
  await expect(page.getByRole("row").filter({ hasText: `${slug}: invalid_signature ×4` })).toContainText("resolved");
});
