import { expect, type Page } from "@playwright/test";

import { E2E } from "../../playwright.config";

export async function logIn(page: Page, account: { email: string; password: string } = E2E.admin) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}
