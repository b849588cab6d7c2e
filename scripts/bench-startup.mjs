// npm run bench:startup: start-up time to /healthz and idle RSS, the old way (tsx
// compiling TypeScript at run time) and the new (the compiled build), side by side,
// plus the time of a CLI command both ways. Medians of --rounds (default 3).
//
//   old              node_modules/.bin/tsx server.ts: the tsx launcher and node with
//                    its loader (what `npm start` ran after its build step; the old
//                    `npm start` also rebuilt every time, which is not counted here)
//   new              node build/hookline/server.js, as deploy/hookline.service runs it
//   new, npm start   `npm start`: npm, the build check, then exec node (as above)
//
// RSS is the sum over the process tree, read from /proc 3 s after /healthz first
// answers (the worker thread has started by then). Each run has its own SQLite file.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { bundlesStale } from "./build-state.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rounds = Number(argValue("--rounds") ?? 3);
const IDLE_MS = 3_000;

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-bench-startup-"));
const baseEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME ?? tmp,
  NODE_ENV: "production",
  SESSION_SECRET: "bench-startup-session-secret-0123456789",
  HOOKLINE_ENCRYPTION_KEY: "bench-startup-encryption-key-0123456789",
  HOST: "127.0.0.1",
};

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** pid and all its descendants, from /proc. */
function tree(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  const all = [];
  const walk = (p) => {
    all.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return all;
}

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function commandOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).map((a) => path.basename(a)).slice(0, 3).join(" ");
  } catch {
    return "?";
  }
}

async function measureServer(label, command, args, round) {
  const port = await freePort();
  const dir = path.join(tmp, `${label.replace(/\W+/g, "-")}-${round}`);
  fs.mkdirSync(dir, { recursive: true });
  const env = { ...baseEnv, PORT: String(port), DATABASE_URL: `file:${path.join(dir, "hookline.db")}`, HOOKLINE_DATA_DIR: dir };
  // Every contender starts on an already migrated database (a copy of the same one).
  fs.copyFileSync(path.join(tmp, "template.db"), path.join(dir, "hookline.db"));
  const started = performance.now();
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  let readyMs = null;
  while (performance.now() - started < 60_000) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (readyMs === null) throw new Error(`${label}: no /healthz within 60 s\n${stderr}`);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const pids = tree(child.pid);
  const processes = pids.map((pid) => ({ pid, command: commandOf(pid), rss: rssKiB(pid) }));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  return { readyMs, rssKiB: processes.reduce((sum, p) => sum + p.rss, 0), processes };
}

function timeCli(args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...baseEnv, DATABASE_URL: `file:${path.join(tmp, "template.db")}`, HOOKLINE_DATA_DIR: tmp },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return performance.now() - started;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The build must be current for the new way (npm start would build it otherwise). It is
// brought up to date before each measurement, untimed: in a checkout being edited, a
// source may change between two runs.
function buildIfStale(attempt = 1) {
  const build = spawnSync(process.execPath, ["scripts/build.mjs", "--if-stale", "--quiet"], { cwd: root, stdio: "inherit" });
  if (build.status === 0) return;
  // A file added or removed while Vite read the tree fails that build; the next one sees it whole.
  if (attempt < 3) return buildIfStale(attempt + 1);
  process.exit(build.status ?? 1);
}
buildIfStale();
const migrate = spawnSync(process.execPath, ["bin/hookline.js", "migrate"], {
  cwd: root,
  env: { ...baseEnv, DATABASE_URL: `file:${path.join(tmp, "template.db")}`, HOOKLINE_DATA_DIR: tmp },
  encoding: "utf8",
});
if (migrate.status !== 0) throw new Error(`migrate failed: ${migrate.stderr}`);

const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
const contenders = [
  { label: "old (tsx server.ts)", command: process.execPath, args: [tsx, "server.ts"] },
  { label: "new (node build/hookline/server.js)", command: process.execPath, args: ["--max-semi-space-size=2", "build/hookline/server.js"], env: { MALLOC_ARENA_MAX: "2" } },
  { label: "new (npm start)", command: "npm", args: ["start", "--silent"] },
];
const results = new Map(contenders.map((c) => [c.label, []]));
for (let round = 1; round <= rounds; round++) {
  for (const contender of contenders) {
    buildIfStale();
    if (contender.env) Object.assign(baseEnv, contender.env);
    const result = await measureServer(contender.label, contender.command, contender.args, round);
    if (contender.env) for (const name of Object.keys(contender.env)) delete baseEnv[name];
    results.get(contender.label).push(result);
    console.error(`round ${round}: ${contender.label}: ${Math.round(result.readyMs)} ms, ${(result.rssKiB / 1024).toFixed(0)} MiB`);
  }
}

const cli = { old: [], new: [], bin: [] };
let fellBack = 0;
for (let round = 1; round <= rounds; round++) {
  cli.old.push(timeCli([tsx, "app/cli/main.ts", "target", "list"]));
  buildIfStale();
  cli.new.push(timeCli(["build/hookline/cli.js", "target", "list"]));
  cli.bin.push(timeCli(["bin/hookline.js", "target", "list"]));
  if (bundlesStale(root)) fellBack++;
}

const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const rows = [
  ["", ...contenders.map((c) => c.label)],
  ["start → /healthz (median)", ...contenders.map((c) => `${Math.round(median(results.get(c.label).map((r) => r.readyMs)))} ms`)],
  ["idle RSS, all processes (median)", ...contenders.map((c) => mib(median(results.get(c.label).map((r) => r.rssKiB))))],
  ["processes", ...contenders.map((c) => results.get(c.label)[0].processes.map((p) => `${p.command.split(" ")[0]} ${mib(p.rss)}`).join(" + "))],
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
console.log(`\nStart-up, ${rounds} round(s), ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
console.log(
  `\nCLI \`hookline target list\` (median): old (tsx) ${Math.round(median(cli.old))} ms; ` +
    `new: build/hookline/cli.js ${Math.round(median(cli.new))} ms, bin/hookline.js (with its build check) ${Math.round(median(cli.bin))} ms` +
    (fellBack ? ` (${fellBack} run(s) fell back to tsx: sources changed meanwhile)` : ""),
);
console.log("(npx adds its own start-up on top of either: npm resolves the checkout's bin before running it.)");
fs.rmSync(tmp, { recursive: true, force: true });
