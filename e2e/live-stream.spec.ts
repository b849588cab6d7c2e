// Live mode of /events over the event stream (issue 12): new rows appear within about a
// second with no polling of the loader, and the page falls back to polling when the
// stream cannot connect. And a real `hookline listen` shows on /listeners with its
// local app's answers, also for an event sent to it again.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { expect, test, type Page } from "@playwright/test";

import { E2E } from "../playwright.config";
import { signedHeaders } from "../tests/support/svix";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

const run = Date.now().toString(36);

async function deliver(type: string, data: Record<string, unknown>) {
  const now = Date.now();
  const body = JSON.stringify({ data, object: "event", type, timestamp: now, instance_id: "ins_e2e" });
  const response = await fetch(`${E2E.baseURL}/webhooks/clerk`, { method: "POST", headers: signedHeaders(E2E.secret, body), body });
  expect(response.status, await response.text()).toBe(200);
}

/** Requests for the /events loader's data (what polling would send). */
function loaderRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/events") && (url.searchParams.has("_data") || url.pathname.endsWith(".data"))) seen.push(request.url());
  });
  return seen;
}

test.describe.configure({ mode: "serial" });

test("new rows arrive over the event stream, with no polling requests", async ({ page }) => {
  await deliver("user.created", { id: `user_e2eStreamSeed${run}`, object: "user" });
  await logIn(page);
  const requests = loaderRequests(page);
  await page.goto("/events");
  const toggle = page.getByTestId("live-toggle");
  await expect(toggle).toHaveAttribute("data-transport", "stream");
  // Longer than the old 3 s polling interval: nothing is asked while nothing happens.
  await page.waitForTimeout(4_000);
  expect(requests).toEqual([]);

  for (let i = 0; i < 3; i++) {
    const id = `user_e2eStream${i}${run}`;
    const sentAt = Date.now();
    await deliver("user.created", { id, object: "user", first_name: "Live" });
    await expect(page.getByRole("link", { name: id }).first()).toBeVisible({ timeout: 3_000 });
    // Typically ~300 ms here (watcher tick, settle, render batching).
    expect(Date.now() - sentAt).toBeLessThan(2_000);
  }
  expect(requests).toEqual([]);
  await expect(page.getByTestId("event-row").first()).toContainText(`user_e2eStream2${run}`);
});

test("the stream honours the page's type filter", async ({ page }) => {
  await logIn(page);
  await page.goto("/events?type=session.created");
  await expect(page.getByTestId("live-toggle")).toHaveAttribute("data-transport", "stream");
  const user = `user_e2eFiltered${run}`;
  const session = `sess_e2eFiltered${run}`;
  await deliver("user.created", { id: user, object: "user" });
  await deliver("session.created", { id: session, object: "session", user_id: user });
  await expect(page.getByText(session).first()).toBeVisible({ timeout: 3_000 });
  await page.waitForTimeout(500);
  expect(new Set(await page.getByTestId("event-row").getByTestId("event-type-link").allTextContents())).toEqual(new Set(["session.created"]));
});

test("falls back to polling when the stream cannot connect", async ({ page }) => {
  await page.route("**/api/v1/events/stream**", (route) => route.fulfill({ status: 503, body: "no streams here" }));
  await logIn(page);
  await page.goto("/events");
  await expect(page.getByTestId("live-toggle")).toHaveAttribute("data-transport", "polling");
  const id = `user_e2eFallback${run}`;
  await deliver("user.created", { id, object: "user" });
  await expect(page.getByRole("link", { name: id }).first()).toBeVisible({ timeout: 10_000 });
});

test("a laptop running `hookline listen` shows on /listeners with its local app's answers, also for a replay", async ({ page }, testInfo) => {
  // The laptop's app: answers 200 to everything it receives.
  const received: string[] = [];
  const app = http.createServer((req, res) => {
    received.push(String(req.headers["svix-id"]));
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/webhooks/clerk`;
  const token = hookline(["token", "create", "--name", `laptop-${run}`, "--role", "operator"]).trim().split("\n").at(-1)!;
  const listen = spawn(process.execPath, ["bin/hookline.js", "listen", "--url", E2E.baseURL, "--token", token, "--forward-to", appUrl, "--types", "user.*"], {
    env: { PATH: process.env.PATH ?? "", HOME: E2E.dataDir, XDG_CONFIG_HOME: `${E2E.dataDir}/config` } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  listen.stdout.on("data", (chunk) => (output += chunk));
  listen.stderr.on("data", (chunk) => (output += chunk));
  try {
    await expect.poll(() => output, { timeout: 30_000 }).toContain("Connected.");
    await deliver("user.created", { id: `user_e2eLaptop${run}`, object: "user" });
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);

    await logIn(page);
    await page.goto("/listeners");
    const row = page.getByTestId("listener-row").filter({ hasText: `laptop-${run}` });
    await expect(row).toContainText(appUrl);
    await expect(row.getByTestId("listener-last-answer")).toContainText("200");
    await expect(row).toContainText("1 / 0");

    // An operator sends the stored event to the laptop again.
    const listeners = (await (await fetch(`${E2E.baseURL}/api/v1/listeners`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      listeners: { id: string; who: string }[];
    };
    const mine = listeners.listeners.find((l) => l.who === `laptop-${run}`)!;
    const events = (await (await fetch(`${E2E.baseURL}/api/v1/events?resource=user_e2eLaptop${run}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      events: { id: string }[];
    };
    const replay = await fetch(`${E2E.baseURL}/api/v1/listeners/${mine.id}/replay`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ eventId: events.events[0]!.id }),
    });
    expect(replay.status).toBe(202);
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(2);
    expect(received[1]).toBe(received[0]);
    await expect.poll(() => output).toContain("(replay)");
    await page.reload();
    await expect(row).toContainText("2 / 0");

    // From the event's page: Replay to… offers the laptop; its local answer shows there.
    await page.goto(`/events/${encodeURIComponent(events.events[0]!.id)}`);
    await page.getByTestId("replay-destination").selectOption(`listener:${mine.id}`);
    await page.getByRole("button", { name: "Send to laptop" }).click();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(3);
    expect(received[2]).toBe(received[0]);
    const answers = page.getByTestId("listener-attempt");
    await expect(answers.first()).toContainText(`laptop: laptop-${run}`, { timeout: 15_000 });
    await expect(answers.first()).toContainText("200");
    await expect(page.getByTestId("listener-replay-status")).toContainText("answer is listed below");
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: testInfo.outputPath(`event-page-laptop-answer-${width}.png`), fullPage: true });
    }
  } finally {
    listen.kill("SIGINT");
    app.close();
  }
});
