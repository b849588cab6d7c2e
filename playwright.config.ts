import fs from "node:fs";
import path from "node:path";

import { defineConfig, devices } from "@playwright/test";

// Playwright cannot download its browsers on these machines; Debian's Chromium is
// used when present (CI installs it), otherwise Playwright's own.
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((file) => fs.existsSync(file));

const PORT = Number(process.env.E2E_PORT ?? 3210);
const dataDir = path.resolve(`.cache/e2e-${PORT}`);
export const E2E = {
  baseURL: `http://127.0.0.1:${PORT}`,
  // A test-only secret, built here so no literal signing secret sits in the repository.
  secret: "whsec_" + Buffer.from("e2e-test-secret-for-hookline").toString("base64"),
  admin: { email: "admin@hookline.test", password: "correct-horse-battery" },
  databaseUrl: `file:${path.join(dataDir, "hookline.db")}`,
  dataDir,
};

export default defineConfig({
  testDir: "e2e",
  outputDir: `.cache/e2e-results-${PORT}`,
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: "list",
  use: {
    baseURL: E2E.baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: systemChromium,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    // The production build, as `npm start` serves it, on its own fresh SQLite file.
    command: `rm -rf ${dataDir} && node scripts/build.mjs --if-stale --quiet && exec node build/hookline/server.js`,
    url: `${E2E.baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATABASE_URL: E2E.databaseUrl,
      HOOKLINE_DATA_DIR: dataDir,
      CLERK_WEBHOOK_SIGNING_SECRET: E2E.secret,
      HOOKLINE_ADMIN_EMAIL: E2E.admin.email,
      HOOKLINE_ADMIN_PASSWORD: E2E.admin.password,
      // Issues are evaluated every second instead of every 15 s (e2e/issues.spec.ts).
      HOOKLINE_ALERT_EVAL_MS: "1000",
    },
  },
});
