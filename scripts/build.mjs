// `npm run build`: everything production runs, as JavaScript.
//   1. the Prisma clients (scripts/setup.mjs generate; skipped when the schema is unchanged);
//   2. the Remix build (build/client, build/server) with Vite;
//   3. the server, the worker thread and the CLI, bundled by esbuild into build/hookline/:
//      server.js, worker-thread.js, cli.js and their shared chunks. Packages stay in
//      node_modules (imported at run time); only the app's own TypeScript is compiled.
// Then `node build/hookline/server.js` runs with no TypeScript loader (README, "Deploying").
//
//   node scripts/build.mjs              build everything
//   node scripts/build.mjs --if-stale   build only the parts whose inputs changed (npm start)
//
// NOTE: the compiled files sit two levels below the checkout, as app/db/*.ts do, so
// paths resolved from import.meta.url (prisma/ for migrations, build/ for Remix) hold
// in both. esbuild is Vite's own (a dependency of a dependency, not one of ours).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { bundlesStale, COMPILED_DIR, MANIFEST, readManifest, remixInputs, remixStale, ROOT, SHARED_INPUTS, stamps } from "./build-state.mjs";

const ifStale = process.argv.includes("--if-stale");
const quiet = process.argv.includes("--quiet");
const say = (message) => quiet || console.log(`hookline build: ${message}`);

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const started = Date.now();
await acquireBuildLock();
run(["scripts/setup.mjs", "generate"]);

// Read after the lock: a build that held it may have just brought everything up to date.
const previous = readManifest();
const manifest = { version: 1, remix: previous?.remix ?? null, bundles: previous?.bundles ?? null };

const remixReason = ifStale ? remixStale(ROOT, previous) : "requested";
if (remixReason) {
  say(`Remix build (${remixReason})`);
  // Inputs are stamped before the build reads them: an edit made during the build leaves it stale.
  const inputs = stamps(remixInputs());
  run([path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build", ...(quiet ? ["--logLevel", "error"] : [])]);
  manifest.remix = inputs;
}

// Remix empties build/ first, build/hookline with it.
const bundlesReason = remixReason ? "after the Remix build" : ifStale ? bundlesStale(ROOT, previous) : "requested";
if (bundlesReason) {
  say(`server, worker and CLI (${bundlesReason})`);
  manifest.bundles = await bundle();
}

if (remixReason || bundlesReason) {
  fs.mkdirSync(COMPILED_DIR, { recursive: true });
  fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 1));
  say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  say("up to date");
}

/**
 * One build at a time per checkout: Remix empties build/ before it writes, so two at
 * once (two `npm start`s, a test and an e2e run) break each other. The lock is a file
 * holding the builder's pid; a lock whose process is gone is taken over.
 */
async function acquireBuildLock() {
  const lock = path.join(ROOT, ".cache", "build.lock");
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  let waiting = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      process.on("exit", () => {
        try {
          if (fs.readFileSync(lock, "utf8") === String(process.pid)) fs.rmSync(lock, { force: true });
        } catch {
          // already gone
        }
      });
      return;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    let holder = 0;
    try {
      holder = Number(fs.readFileSync(lock, "utf8")); // (empty for a moment while it is written)
    } catch {
      continue; // released meanwhile
    }
    if (holder && !alive(holder)) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (!waiting) say(`waiting for the build in progress (pid ${holder})`);
    waiting = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Bundles into a fresh directory, then swaps it in; returns the stamps of what it read. */
async function bundle() {
  const esbuild = createRequire(path.join(ROOT, "node_modules/vite/package.json"))("esbuild");
  const staging = path.join(ROOT, "build", `.hookline-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  // Stamps taken before esbuild reads, as for Remix; the list comes from its metafile.
  const before = new Map();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: "server.ts", out: "server" },
      // Started by app/worker/worker-thread.server.ts from beside the compiled server.
      { in: "app/worker/worker-thread-main.ts", out: "worker-thread" },
      { in: "app/cli/main.ts", out: "cli" },
    ],
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Packages load from node_modules as they are; ~/ paths (tsconfig) are the app's own.
    packages: "external",
    metafile: true,
    logLevel: "warning",
    plugins: [
      {
        name: "stamp-inputs",
        setup(build) {
          build.onLoad({ filter: /.*/ }, (args) => {
            const relative = path.relative(ROOT, args.path);
            if (!before.has(relative)) before.set(relative, stamps([relative])[relative]);
            return undefined;
          });
        },
      },
    ],
  });
  const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith("node_modules/"));
  const recorded = { ...stamps(SHARED_INPUTS) };
  for (const file of inputs) recorded[file] = before.get(file) ?? stamps([file])[file];

  const old = path.join(ROOT, "build", `.hookline-old-${process.pid}`);
  if (fs.existsSync(COMPILED_DIR)) fs.renameSync(COMPILED_DIR, old);
  fs.renameSync(staging, COMPILED_DIR);
  fs.rmSync(old, { recursive: true, force: true });
  return recorded;
}
