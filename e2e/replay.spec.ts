import { expect, test } from "@playwright/test";

import { startReceiver, type Receiver } from "../tests/support/receiver";
import { newSecret } from "../tests/support/svix";
import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

const SHOTS = ".cache/e2e-screenshots";
const run = Date.now().toString(36);

test.describe.configure({ mode: "serial" });

let receiver: Receiver;

test.beforeAll(async () => {
  // A consumer inside the test: it verifies every request with the real svix library.
  receiver = await startReceiver(newSecret());
  hookline(["send", "all", "--count", "2", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
});

test.afterAll(async () => {
  await receiver?.close();
});

test("an operator creates a target, replays one event and a filtered batch, and watches them arrive", async ({ page }) => {
  page.on("dialog", (dialog) => void dialog.accept());
  await logIn(page);

  // Create a target; its generated secret is shown exactly once.
  await page.goto("/targets");
  await expect(page.getByRole("heading", { name: "Targets", exact: true })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(`Consumer ${run}`);
  await page.getByLabel("URL").fill(receiver.url);
  await page.getByLabel("Max sends per second").fill("50");
  await page.getByRole("button", { name: "Create target" }).click();
  const secret = (await page.getByTestId("secret-value").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  receiver.useSecret(secret);
  await page.screenshot({ path: `${SHOTS}/targets-created.png`, fullPage: true });

  // The test button sends a sample signed with that secret and shows the answer.
  await page.getByRole("link", { name: `Open Consumer ${run}` }).click();
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByTestId("test-result")).toContainText("Accepted");
  await expect(page.getByTestId("test-result")).toContainText("HTTP 200");
  expect(receiver.requests.at(-1)!.verified).toBe(true);
  await page.screenshot({ path: `${SHOTS}/target-page.png`, fullPage: true });
  await page.reload();
  await expect(page.getByText("Copy it into your consumer now")).toHaveCount(0);

  // Replay one event from its page.
  await page.goto("/events?type=user.created");
  await page.getByTestId("event-type-link").first().click();
  await expect(page).toHaveURL(/\/events\/[0-9A-Z]+/);
  const before = receiver.requests.length;
  await page.getByLabel("Replay to").selectOption({ label: `Consumer ${run}` });
  await page.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(page.getByText("Queued.")).toBeVisible();
  await expect(page.getByTestId("event-dispatch").first()).toHaveAttribute("data-status", "sent", { timeout: 15_000 });
  const attempt = page.getByTestId("attempt-row").first();
  await expect(attempt).toContainText("OK", { timeout: 10_000 });
  await expect(attempt).toContainText("HTTP 200");
  await expect(attempt).toContainText(`Consumer ${run}`);
  expect(receiver.requests.length).toBe(before + 1);
  const single = receiver.requests.at(-1)!;
  expect(single.verified).toBe(true);
  expect(JSON.parse(single.body.toString()).type).toBe("user.created");
  await page.screenshot({ path: `${SHOTS}/event-replayed.png`, fullPage: true });

  // Bulk replay: the event list's filter, counted before confirming, then live progress.
  await page.goto("/events?type=user.*");
  await page.getByTestId("replay-link").click();
  await expect(page).toHaveURL(/\/replays\/new\?type=user/);
  const count = Number((await page.getByTestId("replay-count").textContent())!.replace(/,/g, ""));
  expect(count).toBeGreaterThan(2);
  await page.getByLabel("Target", { exact: true }).selectOption({ label: `Consumer ${run} — ${receiver.url}` });
  await page.getByLabel("Max per second").fill("20");
  const beforeBulk = receiver.requests.length;
  await page.getByRole("button", { name: `Replay ${count} events` }).click();
  await expect(page).toHaveURL(/\/replays\/[0-9A-Za-z]+$/);
  await expect(page.getByRole("progressbar", { name: "Replay progress" })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/replay-running.png`, fullPage: true });
  await expect(page.locator("[data-job-status=done]")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("count-sent")).toHaveText(String(count));
  await expect(page.getByTestId("count-left")).toHaveText("0");
  await expect(page.getByRole("progressbar", { name: "Replay progress" })).toHaveAttribute("aria-valuenow", String(count));
  await page.screenshot({ path: `${SHOTS}/replay-done.png`, fullPage: true });

  const bulk = receiver.requests.slice(beforeBulk);
  expect(bulk).toHaveLength(count);
  expect(bulk.every((r) => r.verified)).toBe(true);
  expect(bulk.every((r) => JSON.parse(r.body.toString()).type.startsWith("user."))).toBe(true);

  // The jobs list and the target page show it.
  await page.goto("/replays");
  await expect(page.getByTestId("job-row").first()).toContainText("done");
  await page.screenshot({ path: `${SHOTS}/replays.png`, fullPage: true });
  await page.goto("/targets");
  const row = page.getByTestId("target-row").filter({ hasText: `Consumer ${run}` });
  await expect(row.getByTestId("success-rate")).toContainText("100%");
  await page.screenshot({ path: `${SHOTS}/targets.png`, fullPage: true });
});
