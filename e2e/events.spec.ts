import { expect, test, type Page } from "@playwright/test";

import { E2E } from "../playwright.config";
import { signedHeaders } from "../tests/support/svix";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

const SHOTS = ".cache/e2e-screenshots";
const run = Date.now().toString(36);
const JANE = `user_e2eJane${run}`;
const MALLORY = `user_e2eMallory${run}`;
const OTP = "493817";
const XSS = "<img src=x onerror=alert(1)>";
const VIEWER = { email: `viewer-${run}@hookline.test`, password: "viewer-password-123" };

/** Posts one envelope to the running server, signed with the real svix library. */
async function deliver(type: string, data: Record<string, unknown>, timestamp: number) {
  const body = JSON.stringify({ data, object: "event", type, timestamp, instance_id: "ins_e2e" });
  const response = await fetch(`${E2E.baseURL}/webhooks/clerk`, { method: "POST", headers: signedHeaders(E2E.secret, body), body });
  expect(response.status, await response.text()).toBe(200);
}

const user = (id: string, first: string, at: number) => ({
  id,
  object: "user",
  first_name: first,
  last_name: "Doe",
  email_addresses: [{ id: `idn_${id}`, email_address: `${id.toLowerCase()}@example.com` }],
  updated_at: at,
});

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // Realistic traffic from the CLI (two linked stories of every type), then our own events.
  hookline(["send", "all", "--count", "2", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
  const t = Date.now() - 60_000;
  await deliver("user.created", user(JANE, "Jane", t), t);
  await deliver("user.updated", user(JANE, "Janet", t + 5_000), t + 5_000);
  await deliver("user.created", user(MALLORY, "Mallory", t + 1_000), t + 1_000);
  await deliver("user.updated", user(MALLORY, XSS, t + 6_000), t + 6_000);
  await deliver(
    "email.created",
    {
      id: `ema_${run}`,
      object: "email",
      user_id: JANE,
      to_email_address: `${JANE.toLowerCase()}@example.com`,
      subject: `${OTP} is your verification code`,
      body: `<html><body><h1 style="font-family:sans-serif">Your code is ${OTP}</h1><script>parent.alert(1)</script></body></html>`,
      body_plain: `Your code is ${OTP}`,
      slug: "verification_code",
      data: { otp_code: OTP, app: { name: "Acme" } },
    },
    t + 7_000,
  );
  hookline(["user", "create", "--email", VIEWER.email, "--role", "viewer"], { input: `${VIEWER.password}\n` });
});

function failOnDialog(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  return dialogs;
}

test("filters by type with the URL as state, and finds every event of a user id", async ({ page }) => {
  await logIn(page);
  await page.goto("/events");
  const rows = page.getByTestId("event-row");
  await expect(rows.first()).toBeVisible();
  const before = await rows.count();
  expect(before).toBeGreaterThan(20);
  expect(new Set(await rows.getByTestId("event-type-link").allTextContents()).size).toBeGreaterThan(5);

  await page.getByTestId("type-picker").locator("summary").click();
  await expect(page.getByRole("checkbox", { name: /^user\.updated\s+\d+$/ })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/events-type-picker.png` });
  await page.getByRole("checkbox", { name: /^user\.updated\s+\d+$/ }).check();
  await page.getByRole("button", { name: "Apply types" }).click();
  await expect(page).toHaveURL(/[?&]type=user\.updated(&|$)/);
  await expect.poll(async () => new Set(await rows.getByTestId("event-type-link").allTextContents())).toEqual(new Set(["user.updated"]));
  expect(await rows.count()).toBeLessThan(before);
  await page.screenshot({ path: `${SHOTS}/events-filtered-by-type.png`, fullPage: true });

  // The whole resource group, through the same picker.
  await page.goto("/events?type=user.*");
  await expect.poll(async () => [...new Set(await rows.getByTestId("event-type-link").allTextContents())].every((t) => t.startsWith("user."))).toBe(true);

  // One box for any id.
  await page.goto("/events");
  await page.getByLabel("Any id").fill(JANE);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]resource=${JANE}(&|$)`));
  await expect(rows).toHaveCount(3);
  expect((await rows.getByTestId("event-type-link").allTextContents()).sort()).toEqual(["email.created", "user.created", "user.updated"]);

  // A bad parameter is a message on the page, not a crash.
  await page.goto("/events?limit=100000");
  await expect(page.getByTestId("filter-error")).toContainText("limit");
});

test("shows new events live, without a reload", async ({ page }) => {
  await logIn(page);
  await page.goto("/events");
  await expect(page.getByTestId("live-toggle")).toHaveAttribute("aria-pressed", "true");
  const id = `user_e2eLive${run}`;
  await expect(page.locator(`text=${id}`)).toHaveCount(0);
  await deliver("user.created", user(id, "Live", Date.now()), Date.now());
  await expect(page.getByRole("link", { name: id }).first()).toBeVisible({ timeout: 10_000 });
});

test("a user.updated event shows what changed, old and new, unified and side by side", async ({ page }) => {
  await logIn(page);
  await page.goto(`/events?resource=${JANE}&type=user.updated`);
  await page.getByTestId("event-type-link").first().click();
  await expect(page.getByRole("heading", { level: 1, name: "user.updated" })).toBeVisible();

  const diff = page.getByTestId("payload-diff");
  await expect(diff).toContainText("Compared with the previous state");
  await expect(diff.getByRole("link", { name: /user\.created/ })).toBeVisible();
  const change = diff.locator('[data-testid="diff-change"][data-path="data.first_name"]');
  await expect(change.getByTestId("diff-old")).toContainText('"Jane"');
  await expect(change.getByTestId("diff-new")).toContainText('"Janet"');
  // updated_at changed too, but it is noise: hidden until asked for.
  await expect(diff.locator('[data-path="data.updated_at"]')).toHaveCount(0);
  await diff.getByLabel(/Show noise fields/).check();
  await expect(diff.locator('[data-path="data.updated_at"]')).toHaveCount(1);

  await diff.getByRole("button", { name: "Side by side" }).click();
  await expect(diff.locator("table")).toBeVisible();
  await expect(diff.locator('tr[data-path="data.first_name"]')).toContainText("Janet");
  await page.screenshot({ path: `${SHOTS}/event-diff.png`, fullPage: true });

  // The payload tree copies paths; the raw body is exactly what arrived.
  await expect(page.getByTestId("json-tree")).toContainText('"Janet"');
  await expect(page.getByTestId("raw-body")).toContainText(`"first_name":"Janet"`);
  await expect(page.getByTestId("event-delivery")).toHaveCount(1);
});

test("a viewer sees the OTP of an email masked, and cannot reveal it", async ({ page }) => {
  await logIn(page, VIEWER);
  await page.goto(`/events?resource=${JANE}&type=email.created`);
  await page.getByTestId("event-type-link").first().click();
  await expect(page.getByRole("heading", { level: 1, name: "email.created" })).toBeVisible();
  await expect(page.locator('[data-path="data.data.otp_code"]')).toContainText("••••••");
  await expect(page.getByTestId("raw-body-hidden")).toBeVisible();
  await expect(page.getByTestId("email-preview-masked")).toBeVisible();
  await expect(page.getByRole("button", { name: "Reveal" })).toHaveCount(0);
  expect(await page.content()).not.toContain(OTP);
  await page.screenshot({ path: `${SHOTS}/event-email-viewer.png`, fullPage: true });
});

test("an admin reveals the email on purpose; the preview runs no script", async ({ page }) => {
  const dialogs = failOnDialog(page);
  await logIn(page);
  await page.goto(`/events?resource=${JANE}&type=email.created`);
  await page.getByTestId("event-type-link").first().click();
  await expect(page.locator('[data-path="data.data.otp_code"]')).toContainText("••••••");
  expect(await page.content()).not.toContain(OTP);
  await page.getByRole("button", { name: "Reveal" }).click();
  await expect(page.getByTestId("revealed-notice")).toBeVisible();
  await expect(page.locator('[data-path="data.data.otp_code"]')).toContainText(OTP);
  const preview = page.getByTestId("email-preview");
  await expect(preview).toHaveAttribute("sandbox", "");
  await expect(page.frameLocator('[data-testid="email-preview"]').locator("h1")).toContainText(`Your code is ${OTP}`);
  await page.screenshot({ path: `${SHOTS}/event-email-revealed.png`, fullPage: true });
  expect(dialogs).toEqual([]);
});

test("a first_name that looks like HTML renders as text and runs nothing", async ({ page }) => {
  const dialogs = failOnDialog(page);
  await logIn(page);
  await page.goto(`/events?resource=${MALLORY}`);
  await expect(page.getByTestId("event-row")).toHaveCount(2);
  await page.getByTestId("event-row").filter({ hasText: "user.updated" }).getByTestId("event-type-link").click();
  await expect(page.getByRole("heading", { level: 1, name: "user.updated" })).toBeVisible();
  const change = page.locator('[data-testid="diff-change"][data-path="data.first_name"]');
  await expect(change.getByTestId("diff-new")).toContainText(XSS);
  await expect(page.getByTestId("json-tree")).toContainText(XSS);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/event-xss-as-text.png`, fullPage: true });
  expect(dialogs).toEqual([]);
});
