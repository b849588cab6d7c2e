import crypto from "node:crypto";

import { expect, test } from "@playwright/test";

import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { checkWidths } from "./support/layout";
import { logIn } from "./support/login";

const shots = ".cache/e2e-screenshots";
const secret = () => `whsec_${crypto.randomBytes(24).toString("base64")}`;

test("an admin creates a viewer and an API token (shown once), and the token reads /api/v1/deliveries", async ({ page, browser }) => {
  await logIn(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings\/tokens$/);

  // A viewer account for support staff.
  await page.getByRole("link", { name: "Accounts" }).click();
  const viewer = { email: `support-${Date.now()}@hookline.test`, password: "support-staff-password" };
  const create = page.locator("form", { has: page.getByRole("button", { name: "Create account" }) });
  await create.getByLabel("Email").fill(viewer.email);
  await create.getByLabel("Name (optional)").fill("Support");
  await create.getByLabel("Role").selectOption("viewer");
  await create.getByLabel("Initial password").fill(viewer.password);
  await create.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText(`Created ${viewer.email} (viewer)`);
  const row = page.getByTestId("account-row").filter({ hasText: viewer.email });
  await expect(row.getByLabel(`Role of ${viewer.email}`)).toHaveValue("viewer");
  await page.screenshot({ path: `${shots}/settings-accounts.png`, fullPage: true });

  // An API token: shown once, then only its prefix.
  await page.getByRole("link", { name: "API tokens" }).click();
  await page.getByLabel("Name", { exact: true }).fill("nightly export");
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token-value");
  await expect(shown).toHaveText(/^hl_[\w-]{40,}$/);
  const token = (await shown.textContent())!.trim();
  await page.screenshot({ path: `${shots}/settings-token-created.png`, fullPage: true });
  await page.reload();
  await expect(page.getByTestId("new-token-value")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await expect(page.getByTestId("token-row").filter({ hasText: "nightly export" })).toContainText(token.slice(0, 10));

  // The token works against the JSON API; nothing else does.
  const anonymous = await fetch(`${E2E.baseURL}/api/v1/deliveries`);
  expect(anonymous.status).toBe(401);
  hookline(["send", "user.created", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
  const response = await fetch(`${E2E.baseURL}/api/v1/deliveries?limit=5&outcome=verified`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { deliveries: { outcome: string; type: string | null; headers: [string, string][] }[]; nextCursor: string | null };
  expect(body.deliveries.length).toBeGreaterThan(0);
  expect(body.deliveries[0]).toMatchObject({ outcome: "verified", type: "user.created" });
  expect(body.deliveries[0]!.headers.map(([name]) => name.toLowerCase())).toContain("svix-signature");
  const bad = await fetch(`${E2E.baseURL}/api/v1/deliveries?limit=9999`, { headers: { authorization: `Bearer ${token}` } });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ error: "invalid_parameter", parameter: "limit" });

  // The new viewer can sign in, read deliveries, and cannot open the admin pages.
  const context = await browser.newContext();
  const viewerPage = await context.newPage();
  await logIn(viewerPage, viewer);
  await viewerPage.goto("/settings");
  await expect(viewerPage.getByRole("link", { name: "Accounts" })).toHaveCount(0);
  const forbidden = await viewerPage.goto("/settings/accounts");
  expect(forbidden?.status()).toBe(403);
  await context.close();
});

test("an admin fixes a wrong source secret and re-verifies: the stored delivery becomes an event", async ({ page }) => {
  const right = secret();
  const wrong = secret();
  const slug = `staging-${Date.now().toString(36)}`;
  await logIn(page);

  // A new source, with a secret copied wrong.
  await page.goto("/settings/sources");
  const add = page.locator("form", { has: page.getByRole("button", { name: "Add source" }) });
  await add.getByLabel("Slug").fill(slug);
  await add.getByLabel("Name", { exact: true }).fill("Staging");
  await add.getByLabel("Signing secret(s) (optional)").fill(wrong);
  await add.getByRole("button", { name: "Add source" }).click();
  const card = page.getByRole("listitem", { name: `Source ${slug}` });
  await expect(card.getByTestId("secret-status")).toContainText("1 secret configured, last changed");
  expect(await page.content()).not.toContain(wrong);

  // Clerk's staging instance sends with the real secret: refused and kept.
  expect(() => hookline(["send", "user.created", "--url", `${E2E.baseURL}/webhooks/${slug}`, "--secret", right])).toThrow();
  await page.goto(`/deliveries?source=${slug}`);
  const failed = page.getByTestId("delivery-row");
  await expect(failed).toHaveCount(1);
  await expect(failed.locator('[data-outcome="invalid_signature"]')).toBeVisible();
  await expect(failed).toContainText("No configured secret");
  await page.screenshot({ path: `${shots}/deliveries-failed.png`, fullPage: true });

  // Fix the secret; the page offers to re-verify what failed.
  await page.goto("/settings/sources");
  const fixed = page.getByRole("listitem", { name: `Source ${slug}` });
  await fixed.getByLabel(`Signing secret(s) for ${slug}`).fill(right);
  await fixed.getByRole("button", { name: "Replace secrets" }).click();
  await expect(page.getByRole("status").first()).toContainText(`${slug} has 1 signing secret`);
  // Saved and gone: the secret is not left on the screen, nor in the page.
  await expect(fixed.getByLabel(`Signing secret(s) for ${slug}`)).toHaveValue("");
  expect(await page.content()).not.toContain(right);
  await page.screenshot({ path: `${shots}/settings-sources.png`, fullPage: true });
  await page.getByRole("button", { name: `Re-verify failed deliveries of ${slug}` }).click();

  await expect(page).toHaveURL(/\/deliveries/);
  await expect(page.getByTestId("reverify-summary")).toContainText("1 became an event");
  await page.screenshot({ path: `${shots}/deliveries-reverified.png`, fullPage: true });

  // The delivery now shows its event and its history; the event is there too.
  await page.goto(`/deliveries?source=${slug}&outcome=all`);
  const row = page.getByTestId("delivery-row");
  await expect(row).toHaveCount(1);
  await expect(row.locator('[data-outcome="verified"]')).toBeVisible();
  await row.getByRole("link").first().click();
  await expect(page.getByTestId("delivery-event")).toContainText("Became event user.created");
  await expect(page.getByTestId("outcome-detail")).toContainText("was invalid_signature");
  await expect(page.getByTestId("delivery-body")).toContainText('"type":"user.created"');
  await page.screenshot({ path: `${shots}/delivery-detail.png`, fullPage: true });
  await page.getByTestId("delivery-event").getByRole("link").click();
  await expect(page).toHaveURL(/\/events\/[0-9A-Z]{26}/);
  await expect(page.getByText("user.created").first()).toBeVisible();

  // The audit log says who did it.
  await page.goto("/settings/audit");
  await expect(page.getByTestId("audit-row").filter({ hasText: "deliveries.reverify" }).filter({ hasText: slug })).toHaveCount(1);
  await expect(page.getByTestId("audit-row").filter({ hasText: "source.secrets" }).first()).toContainText(E2E.admin.email);
  await page.screenshot({ path: `${shots}/settings-audit.png`, fullPage: true });
});

test("an admin's password reset signs the account out everywhere and revokes its API tokens (ticked by default)", async ({ page, browser }) => {
  await logIn(page);
  await page.goto("/settings/accounts");
  const leaked = { email: `leaked-${Date.now()}@hookline.test`, password: "the-leaked-password" };
  const create = page.locator("form", { has: page.getByRole("button", { name: "Create account" }) });
  await create.getByLabel("Email").fill(leaked.email);
  await create.getByLabel("Role").selectOption("operator");
  await create.getByLabel("Initial password").fill(leaked.password);
  await create.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText(`Created ${leaked.email}`);

  // The account signs in elsewhere and makes a token for a script.
  const elsewhere = await browser.newContext();
  const theirs = await elsewhere.newPage();
  await logIn(theirs, leaked);
  await theirs.goto("/settings/tokens");
  await theirs.getByLabel("Name", { exact: true }).fill("leaked script");
  await theirs.getByLabel("Role").selectOption("viewer");
  await theirs.getByRole("button", { name: "Create token" }).click();
  const token = (await theirs.getByTestId("new-token-value").textContent())!.trim();
  const api = () => fetch(`${E2E.baseURL}/api/v1/events?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  expect((await api()).status).toBe(200);

  const row = page.getByTestId("account-row").filter({ hasText: leaked.email });
  await row.getByText("Set password").click();
  await row.getByLabel(`New password for ${leaked.email}`).fill("a-brand-new-password");
  const signOut = row.getByLabel("Also sign out everywhere and revoke API tokens");
  await expect(signOut).toBeChecked();
  await row.getByRole("button", { name: "Set", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("1 API token(s) revoked");

  expect((await api()).status).toBe(401);
  await theirs.goto("/events");
  await expect(theirs).toHaveURL(/\/login/);
  await elsewhere.close();

  // The accounts table scrolls in its own box on a phone; the page itself does not.
  await checkWidths(page, shots, "settings-accounts");
});

test("a notification channel's failed test send shows its answer, also on a phone", async ({ page }) => {
  await logIn(page);
  await page.goto("/settings/notifications");
  const name = `Pager ${Date.now().toString(36)}`;
  const add = page.locator("form", { has: page.getByRole("button", { name: "Add channel" }) });
  await add.getByLabel("Name").fill(name);
  await add.getByLabel("URL (webhook or Slack)").fill("http://127.0.0.1:9/pager/with/a/long/path/that/would/not/fit/on/a/phone");
  await add.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Channel ${name} added.` })).toBeVisible();

  const channel = page.getByTestId("notification-channel").filter({ hasText: name });
  await channel.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Test failed" })).toBeVisible();
  const logRow = channel.getByRole("row").filter({ hasText: "failed" });
  await expect(logRow).toHaveCount(1);

  await checkWidths(page, shots, "settings-notifications", async () => {
    // Type and attempts fold under the status, so the answer stays on screen.
    const answer = logRow.getByRole("cell").last();
    await expect(answer).not.toBeEmpty();
    const box = (await answer.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await expect(logRow.getByText("test · ×1")).toBeVisible();
  });
});
