// Is the production build current? `npm start`, `npx hookline serve` and bin/hookline.js
// ask this before they run compiled code, so an edited checkout never runs a stale
// build. No dependencies, and only stat() calls: bin/hookline.js asks on every command.
//
// build/hookline/manifest.json (written by scripts/build.mjs) records, for each part,
// the size and modification time of every input as they were when the build started:
// - "bundles": the files esbuild read for the server, the worker thread and the CLI
//   (its metafile), plus the build script and the lockfile;
// - "remix": every non-test file under app/ and public/ and the build configuration
//   (Vite reports no metafile; a new file under app/ may be a new route).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const COMPILED_DIR = path.join(ROOT, "build", "hookline");
export const MANIFEST = path.join(COMPILED_DIR, "manifest.json");
/** Inputs of every part besides what each part lists itself. */
export const SHARED_INPUTS = ["package-lock.json", "scripts/build.mjs"];
const REMIX_FILES = ["vite.config.ts", "tailwind.config.ts", "tsconfig.json", ...SHARED_INPUTS];
const REMIX_DIRS = ["app", "public"];
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** "size:mtime" of a file relative to the root, or null when it is missing. */
export function fileStamp(relative, root = ROOT) {
  try {
    const stat = fs.statSync(path.join(root, relative));
    return `${stat.size}:${Math.trunc(stat.mtimeMs)}`;
  } catch {
    return null;
  }
}

export function stamps(files, root = ROOT) {
  return Object.fromEntries(files.map((file) => [file, fileStamp(file, root)]));
}

/** The inputs of the Remix build, found by walking the tree. */
export function remixInputs(root = ROOT) {
  const files = [...REMIX_FILES];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (!TEST_FILE.test(entry.name)) files.push(relative);
    }
  };
  for (const dir of REMIX_DIRS) walk(dir);
  return files.sort();
}

export function readManifest(root = ROOT) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "build", "hookline", "manifest.json"), "utf8"));
  } catch {
    return null;
  }
}

/** Why the recorded part is out of date (the first file that differs), or null when current. */
function changed(recorded, current) {
  if (!recorded) return "never built";
  for (const [file, stamp] of Object.entries(current)) {
    if (recorded[file] !== stamp) return `${file} changed`;
  }
  for (const file of Object.keys(recorded)) if (!(file in current)) return `${file} removed`;
  return null;
}

/** Why the compiled server, worker and CLI are out of date, or null when they are current. */
export function bundlesStale(root = ROOT, manifest = readManifest(root)) {
  const recorded = manifest?.bundles;
  if (!recorded) return "never built";
  if (!fs.existsSync(path.join(root, "build", "hookline", "server.js"))) return "build/hookline/server.js missing";
  return changed(recorded, stamps(Object.keys(recorded), root));
}

/** Why the Remix build is out of date, or null when it is current. */
export function remixStale(root = ROOT, manifest = readManifest(root)) {
  if (!fs.existsSync(path.join(root, "build", "server", "index.js"))) return "build/server/index.js missing";
  return changed(manifest?.remix, stamps(remixInputs(root), root));
}
