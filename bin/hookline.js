#!/usr/bin/env node
// `npx hookline <command>` from a checkout: runs the TypeScript CLI through tsx.
// SIGTERM, SIGINT and SIGHUP are passed on to it, and its exit code (or signal) is
// this process's: a supervisor that signals only this pid (docker stop, `kill PID`)
// still reaches the worker's graceful stop, instead of leaving it running orphaned.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
const child = spawn(process.execPath, [tsx, path.join(root, "app/cli/main.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  // (When the whole process group is signalled, e.g. Ctrl-C, the child gets it twice;
  // the worker and server treat a repeat within a second as the same request.)
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  console.error(`hookline: could not start the CLI: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
