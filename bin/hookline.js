#!/usr/bin/env node
// `npx hookline <command>` from a checkout: runs the TypeScript CLI through tsx.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
const result = spawnSync(process.execPath, [tsx, path.join(root, "app/cli/main.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
