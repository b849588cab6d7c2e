#!/usr/bin/env node
// `npx hookline <command>` from a checkout.
//
// When the compiled CLI (build/hookline/cli.js, from `npm run build`) is current, it runs
// in this process: no TypeScript loader, and signals reach the command directly. When it
// is missing or older than the sources (scripts/build-state.mjs), the TypeScript CLI runs
// through tsx as a child, as before the build existed: an edited checkout never runs stale
// code. Then SIGTERM, SIGINT and SIGHUP are passed on, and the child's exit code (or
// signal) is this process's: a supervisor that signals only this pid (docker stop,
// `kill PID`) still reaches the worker's graceful stop instead of leaving it orphaned.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { bundlesStale } from "../scripts/build-state.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

if (!bundlesStale(root)) {
  await import(pathToFileURL(path.join(root, "build/hookline/cli.js")).href);
} else {
  runThroughTsx();
}

function runThroughTsx() {
  const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
  const child = spawn(process.execPath, [tsx, path.join(root, "app/cli/main.ts"), ...process.argv.slice(2)], {
    stdio: "inherit",
    // The checkout's tsconfig (the ~/ paths) also when run from another directory.
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json") },
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
}
