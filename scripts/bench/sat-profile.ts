// Saturation profile of Hookline's Postgres ingest (issue 16): a fresh database, the
// server as the bench runs it (NODE_ENV=production, `node --import tsx server.ts`),
// 32 keep-alive connections of signed deliveries for N seconds, then the CPU time of
// the server process, the load generator and the Postgres backends, per delivery, and
// optionally one CPU profile per server thread (--cpu-prof DIR).
//
//   npx tsx scripts/bench/sat-profile.ts [--seconds 10 --connections 32 --rate N --cpu-prof DIR]
// (--rate: N deliveries/s instead of as many as the connections carry, for p99 at a set load)
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";

const args = new Map<string, string>();
process.argv.slice(2).forEach((a, i, all) => { if (a.startsWith("--")) args.set(a.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]!); });
const SECONDS = Number(args.get("seconds") ?? 10);
const CONNECTIONS = Number(args.get("connections") ?? 32);
const PROF = args.get("cpu-prof");
const ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres";
const DB = "hookline_bench_sat";
const URL_ = `postgresql://postgres@127.0.0.1:5432/${DB}`;
const SECRET = "whsec_" + Buffer.from("hookline-bench-secret-0123456789").toString("base64");
const PORT = 3395;
const TICK = 10;
/** CPU ms per thread name of a process (/proc/PID/task/TID/stat). */
function threadsOf(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      out.set(`${name}#${tid === String(pid) ? "main" : tid}`, (Number(f[11]) + Number(f[12])) * TICK);
    } catch {}
  }
  return out;
}
const cpuOf = (pid: number) => { try { const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8"); const f = s.slice(s.lastIndexOf(")") + 2).split(" "); return (Number(f[11]) + Number(f[12])) * TICK; } catch { return 0; } };
// The backends connected to this run's database only (other work may share the server).
const pgPids = new Set<number>();
const pgApp = new Map<number, string>();
async function notePgPids() {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  for (const row of (await c.query(`SELECT pid, application_name || ':' || backend_type AS application_name FROM pg_stat_activity WHERE datname = $1`, [DB])).rows) { pgPids.add(row.pid); pgApp.set(row.pid, row.application_name || "other"); }
  await c.end();
}
const pgCpu = (pids: Map<number, number>) => { for (const pid of pgPids) pids.set(pid, cpuOf(pid) || pids.get(pid) || 0); return [...pids.values()].reduce((a, b) => a + b, 0); };

const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${DB}"`);
await admin.end();
const file = "/tmp/sat/deliveries.json";
const envs = buildSamples("all", { count: 2000, seed: 42 });
fs.writeFileSync(file, JSON.stringify(Array.from({ length: 120_000 }, (_, i) => { const body = JSON.stringify(envs[i % envs.length]); return { body, headers: signDelivery(SECRET, body).headers }; })));
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORT: String(PORT), HOST: "127.0.0.1", DATABASE_URL: URL_, HOOKLINE_DATA_DIR: "/tmp/sat", SESSION_SECRET: "bench-session-secret-0123456789", HOOKLINE_ENCRYPTION_KEY: "bench-encryption-key-0123456789", CLERK_WEBHOOK_SIGNING_SECRET: SECRET };
const nodeArgs = [...(PROF ? ["--cpu-prof", "--cpu-prof-dir", PROF] : []), ...(args.has("compiled") ? [...(process.env.SEMI ? [`--max-semi-space-size=${process.env.SEMI}`] : []), ...(process.env.NODEFLAGS ? process.env.NODEFLAGS.split(" ") : []), "build/hookline/server.js"] : ["--import", "tsx", "server.ts"])];
const BASELINE = args.has("baseline");
const server = BASELINE
  ? spawn(process.execPath, [...(PROF ? ["--cpu-prof", "--cpu-prof-dir", PROF] : []), "scripts/bench/baseline-pg-server.mjs"], { env: { ...process.env, PORT: String(PORT), BASELINE_DATABASE_URL: URL_, CLERK_WEBHOOK_SIGNING_SECRET: SECRET }, stdio: ["ignore", "ignore", "inherit"] })
  : spawn(process.execPath, nodeArgs, { env, stdio: ["ignore", "ignore", "inherit"] });
for (let i = 0; ; i++) { try { if ((await fetch(`http://127.0.0.1:${PORT}/${BASELINE ? "" : "healthz"}`)).status < 500) break; } catch {} if (i > 300) throw new Error("no start"); await new Promise((r) => setTimeout(r, 200)); }
// warm-up
await new Promise<void>((resolve) => { const c = spawn(process.execPath, ["scripts/bench/load.mjs", JSON.stringify({ url: `http://127.0.0.1:${PORT}/${BASELINE ? "" : "webhooks/clerk"}`, file, connections: 8, duration: 2, offset: 100_000 })], { stdio: "ignore" }); c.on("exit", () => resolve()); });
await notePgPids();
const before = new Map<number, number>();
pgCpu(before);
const th0 = threadsOf(server.pid!);
const s0 = cpuOf(server.pid!), t0 = Date.now();
let loadPid = 0, loadCpu = 0;
const out = await new Promise<string>((resolve) => {
  const c = spawn(process.execPath, ["scripts/bench/load.mjs", JSON.stringify({ url: `http://127.0.0.1:${PORT}/${BASELINE ? "" : "webhooks/clerk"}`, file, connections: CONNECTIONS, duration: SECONDS, ...(args.has("rate") ? { rate: Number(args.get("rate")) } : {}) })], { stdio: ["ignore", "pipe", "inherit"] });
  loadPid = c.pid!; let o = ""; c.stdout.on("data", (d) => (o += d));
  const timer = setInterval(() => { loadCpu = Math.max(loadCpu, cpuOf(loadPid)); void notePgPids(); }, 500);
  c.on("exit", () => { clearInterval(timer); resolve(o); });
});
await notePgPids();
const after = new Map<number, number>();
for (const pid of pgPids) if (!before.has(pid)) before.set(pid, 0);
const th1 = threadsOf(server.pid!);
const s1 = cpuOf(server.pid!), p1 = pgCpu(after), wall = Date.now() - t0;
const r = JSON.parse(out.trim().split("\n").pop()!);
const pgByApp: Record<string, number> = {};
for (const [pid, ms] of after) pgByApp[pgApp.get(pid) ?? "?"] = (pgByApp[pgApp.get(pid) ?? "?"] ?? 0) + ms - (before.get(pid) ?? 0);
const n = r.requests as number;
const perThread: Record<string, number> = {};
for (const [k, v] of th1) { const name = k; perThread[name] = +((perThread[name] ?? 0) + (v - (th0.get(k) ?? 0)) / n).toFixed(3); }
server.kill("SIGTERM");
await new Promise((r2) => server.once("exit", r2));
console.log(JSON.stringify({ rps: r.throughput, n, p99: r.p99, errors: r.errors + r.non2xx, wallMs: wall, serverMsPerDelivery: +((s1 - s0) / n).toFixed(3), pgMsPerDelivery: +((p1 - [...before.values()].reduce((a, b) => a + b, 0)) / n).toFixed(3), loadMsPerDelivery: +(loadCpu / n).toFixed(3), pgMsPerDeliveryByApp: Object.fromEntries(Object.entries(pgByApp).map(([k, v]) => [k, +(v / n).toFixed(3)])), perThread, load: fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") }));
