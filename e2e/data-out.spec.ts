// Copy as curl and Download raw, as an operator uses them: the command copied from the
// event page runs in a real shell against a local receiver that verifies with `svix`.
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";

import { expect, test } from "@playwright/test";
import { Webhook } from "svix";

import { E2E } from "../playwright.config";
import { hookline } from "./support/cli";
import { logIn } from "./support/login";

test("copy as curl re-signs in the browser and the receiver verifies it; download raw gives the exact bytes", async ({ page }) => {
  const received: { body: Buffer; headers: http.IncomingHttpHeaders }[] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks`;
  // Hookline must never see the secret: watch every request the page makes.
  const secret = "whsec_" + Buffer.from("the-local-endpoint-secret-e2e").toString("base64");
  const leaked: string[] = [];
  page.on("request", (request) => {
    if (`${request.url()} ${request.postData() ?? ""}`.includes(secret.slice(6))) leaked.push(request.url());
  });

  try {
    await logIn(page);
    hookline(["send", "organization.created", "--url", `${E2E.baseURL}/webhooks/clerk`, "--secret", E2E.secret]);
    await page.goto("/events?type=organization.created");
    await page.getByTestId("event-type-link").first().click();
    await expect(page.getByTestId("copy-as-curl")).toBeVisible();

    const download = page.waitForEvent("download");
    await page.getByTestId("download-raw").click();
    const raw = fs.readFileSync((await (await download).path())!);
    const shown = await page.getByTestId("raw-body").textContent();
    expect(raw.toString("utf8")).toBe(shown);

    await page.getByTestId("copy-as-curl").locator("summary").click();
    await page.getByTestId("curl-url").fill(receiverUrl);
    await page.getByTestId("curl-resign").check();
    await page.getByTestId("curl-secret").fill(secret);
    await page.getByTestId("curl-copy").click();
    const command = (await page.getByTestId("curl-command").textContent())!;
    expect(command).toContain(receiverUrl);

    // Not execFileSync: the receiver runs in this process and must answer meanwhile.
    await promisify(execFile)("bash", ["-c", command], { timeout: 15_000 });
    expect(received).toHaveLength(1);
    expect(received[0]!.body.equals(raw)).toBe(true);
    expect(() => new Webhook(secret).verify(received[0]!.body, received[0]!.headers as Record<string, string>)).not.toThrow();
    expect(leaked).toEqual([]);
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});
