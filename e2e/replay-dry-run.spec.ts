// Replays you can trust before you start (issue 13, E): /replays/new is a dry run
// (counts by type, the events outside the target's types left out unless ticked,
// resources, time), and the job page's counters are its log's filter, row for row,
// while a real local receiver fails some events for good and some for a retry.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { startReceiver, type Receiver } from "../tests/support/receiver";
import { newSecret } from "../tests/support/svix";
import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

const run = Date.now().toString(36);
const USER = `user_e2eDryRun${run}`;
const TARGET = `Users service ${run}`;

test.describe.configure({ mode: "serial" });

let receiver: Receiver;

test.beforeAll(async () => {
  // session.created: the consumer says stop (failed for good); user.updated: 503,
  // retried in 5 s and then in 5 min (retrying); everything else is accepted.
  receiver = await startReceiver(newSecret(), (request) => {
    const type = JSON.parse(request.body.toString()).type as string;
    if (type === "session.created") return { status: 410, headers: { "webhook-delivery": "abort-message" } };
    if (type === "user.updated") return { status: 503, body: "down for maintenance" };
    return { status: 200, body: "ok" };
  });
  // One user's whole story: user, session, email, SMS, memberships, billing.
  hookline(["send", "all", "--user", USER, "--seed", "1313", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
});

test.afterAll(async () => {
  await receiver?.close();
});

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

async function shoot(page: Page, name: string, path: (name: string) => string) {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: path(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

const number = async (page: Page, testId: string) => Number((await page.getByTestId(testId).textContent())!.replace(/[^\d]/g, ""));

test("replaying one user's events to a user.*, session.* target: dry run first, then a log whose counters match its rows", async ({ page }, testInfo) => {
  page.on("dialog", (dialog) => void dialog.accept());
  await page.setViewportSize({ width: 1440, height: 900 });
  await logIn(page);

  await page.goto("/targets");
  await page.getByLabel("Name", { exact: true }).fill(TARGET);
  await page.getByLabel("URL").fill(receiver.url);
  await page.getByLabel("Event types").fill("user.*, session.*");
  await page.getByLabel("Max sends per second").fill("20");
  await page.getByRole("button", { name: "Create target" }).click();
  receiver.useSecret((await page.getByTestId("secret-value").textContent())!.trim());

  // The dry run: by resource, as in the review that found email.* and sms.* sent unasked.
  await page.goto(`/replays/new?resource=${USER}`);
  await page.getByLabel("Target", { exact: true }).selectOption({ label: `${TARGET} — ${receiver.url}` });
  await expect(page).toHaveURL(/targetId=/);
  const rows = page.getByTestId("dry-run-type");
  await expect(rows.filter({ hasText: "email.created" })).toHaveAttribute("data-sent", "no");
  await expect(rows.filter({ hasText: "sms.created" })).toHaveAttribute("data-sent", "no");
  await expect(rows.filter({ hasText: "user.created" })).toHaveAttribute("data-sent", "yes");
  const perType = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({ type: tr.getAttribute("data-type")!, sent: tr.getAttribute("data-sent") === "yes", count: Number(tr.children[1]!.textContent!.replace(/,/g, "")) })),
  );
  const inside = perType.filter((t) => t.sent).reduce((sum, t) => sum + t.count, 0);
  const outside = perType.filter((t) => !t.sent).reduce((sum, t) => sum + t.count, 0);
  expect(perType.filter((t) => t.sent).every((t) => /^(user|session)\./.test(t.type))).toBe(true);
  expect(outside).toBeGreaterThan(0);
  await expect(page.getByTestId("replay-count")).toHaveText(String(inside));
  await expect(page.getByTestId("dry-run-outside")).toHaveText(String(outside));
  await expect(page.getByTestId("dry-run-resources")).not.toHaveText("0");
  await expect(page.getByTestId("dry-run-eta")).toHaveText(/\d+ s|min/);
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, "replays-new", (name) => testInfo.outputPath(name));

  // Ticking the box includes them; unticking leaves them out again (the default).
  const box = page.getByLabel(/Also send the \d+ events? outside the target's event types/);
  await box.check();
  await expect(page.getByTestId("replay-count")).toHaveText(String(inside + outside));
  await expect(rows.filter({ hasText: "email.created" })).toHaveAttribute("data-sent", "yes");
  await page.getByLabel(/Also send the \d+ events? outside/).uncheck();
  await expect(page.getByTestId("replay-count")).toHaveText(String(inside));

  // The time range is typed as UTC, 24-hour; the dry run follows it.
  await page.getByLabel("From (UTC)").fill("2099-01-01 00:00:00");
  await expect(page).toHaveURL(/from=2099-01-01/);
  await expect(page.getByTestId("dry-run-send")).toHaveText("0");
  await expect(page.getByText("Nothing matches, so there is nothing to replay.")).toBeVisible();
  await page.getByLabel("From (UTC)").fill("");
  await expect(page.getByTestId("dry-run-send")).toHaveText(String(inside));

  await page.getByRole("button", { name: `Replay ${inside} events` }).click();
  await expect(page).toHaveURL(/\/replays\/[0-9A-Za-z]+$/);
  await expect(page.getByText("only the target's types (user.*, session.*)")).toBeVisible();

  // session.created failed for good; user.updated is retrying, and what follows it
  // for the same user waits behind it.
  const failing = perType.find((t) => t.type === "session.created")!.count;
  expect(failing).toBeGreaterThan(0);
  await expect(page.getByTestId("count-failed")).toHaveText(String(failing), { timeout: 20_000 });
  await expect(page.getByTestId("count-retrying")).toHaveText("1", { timeout: 20_000 });
  await expect(page.getByTestId("count-total")).toHaveText(String(inside));
  // Two failed attempts of user.updated (5 s apart) still make one retrying event.
  await expect.poll(() => receiver.requests.filter((r) => JSON.parse(r.body.toString()).type === "user.updated").length, { timeout: 20_000 }).toBe(2);
  await expect(page.getByTestId("count-failed")).toHaveText(String(failing));
  await expect(page.getByTestId("count-retrying")).toHaveText("1");
  expect(receiver.requests.every((r) => r.verified)).toBe(true);
  expect(receiver.requests.every((r) => /^(user|session)\./.test(JSON.parse(r.body.toString()).type))).toBe(true);

  // Each counter filters the log to exactly the rows it counts.
  const nav = page.getByRole("navigation", { name: "Filter the log by outcome" });
  for (const [label, testId, outcome] of [
    ["Failed", "count-failed", "failed"],
    ["Retrying", "count-retrying", "retrying"],
    ["Delivered", "count-sent", "delivered"],
    ["Pending", "count-pending", "pending"],
  ] as const) {
    await nav.getByRole("link", { name: new RegExp(`^${label}`) }).click();
    await expect(page).toHaveURL(new RegExp(`outcome=${outcome}`));
    const expected = await number(page, testId);
    await expect(page.getByTestId("log-row")).toHaveCount(expected);
    if (expected) expect(await page.getByTestId("log-row").evaluateAll((trs) => trs.every((tr) => tr.getAttribute("data-outcome") === trs[0]!.getAttribute("data-outcome")))).toBe(true);
    if (expected) await expect(page.getByTestId("log-row").first()).toHaveAttribute("data-outcome", outcome);
  }
  await nav.getByRole("link", { name: /^Retrying/ }).click();
  await expect(page.getByTestId("log-row").first()).toContainText("user.updated");
  await expect(page.getByTestId("log-row").first()).toContainText("HTTP 503");
  await nav.getByRole("link", { name: /^Failed/ }).click();
  await expect(page.getByTestId("log-row").first()).toContainText("session.created");
  await expect(page.getByTestId("log-row").first()).toContainText("HTTP 410");
  await nav.getByRole("link", { name: /^All/ }).click();
  await expect(page.getByTestId("log-row")).toHaveCount(Math.min(inside, 50));
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, "replay-job", (name) => testInfo.outputPath(name));

  // Canceling moves the waiting events to Canceled, and the rows follow.
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator("[data-job-status=canceled]")).toBeVisible();
  await expect(page.getByTestId("count-retrying")).toHaveText("0");
  await nav.getByRole("link", { name: /^Canceled/ }).click();
  await expect(page.getByTestId("log-row")).toHaveCount(await number(page, "count-canceled"));
  expect(await number(page, "count-canceled")).toBeGreaterThan(0);
});
