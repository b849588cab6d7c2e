// Runs the real `hookline` CLI from the checkout, as an operator would.
import { execFileSync } from "node:child_process";

import { E2E } from "../../playwright.config";

export function hookline(args: string[], options: { input?: string } = {}): string {
  return execFileSync(process.execPath, ["bin/hookline.js", ...args], {
    env: { ...process.env, DATABASE_URL: E2E.databaseUrl, HOOKLINE_DATA_DIR: E2E.dataDir },
    input: options.input,
    encoding: "utf8",
    timeout: 60_000,
  });
}
