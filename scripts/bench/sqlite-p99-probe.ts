// Where ingest's slow answers come from on SQLite with no prune running: starts the
// compiled server on a given database file, sends RATE signed deliveries/s for SECONDS,
// and prints p50/p99/max per 5 s and the slow answers (> 40 ms) with their time. Run it
// with HOOKLINE_WORKER=0 and without, side by side, to split the server's own
// background work from ingest's.
//
//   npx tsx scripts/bench/sqlite-p99-probe.ts FILE [SECONDS] [RATE]
import { spawn } from "node:child_process";
import http from "node:http";

import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";

const [file, seconds = "30", rate = "200"] = process.argv.slice(2);
const SECRET = "whsec_" + Buffer.from("hookline-bench-prune-secret-0123").toString("base64");
const port = 3700 + Math.floor(Math.random() * 200);
// PROBE_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=DIR".
const nodeArgs = (process.env.PROBE_NODE_ARGS ?? "").split(" ").filter(Boolean);
const server = spawn(process.execPath, [...nodeArgs, "--max-semi-space-size=2", "build/hookline/server.js"], {
  stdio: ["ignore", "ignore", "inherit"],
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: `file:${file}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    SESSION_SECRET: "bench-prune-session-secret-0123",
    HOOKLINE_ENCRYPTION_KEY: "bench-prune-encryption-key-0123",
    CLERK_WEBHOOK_SIGNING_SECRET: SECRET,
    HOOKLINE_RETENTION_DAYS: "3650",
    LOG_LEVEL: "warn",
    MALLOC_ARENA_MAX: "2",
  },
});
for (let i = 0; ; i++) {
  const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
  if (up) break;
  if (i > 300) throw new Error("server did not start");
  await new Promise((r) => setTimeout(r, 100));
}
const envs = buildSamples("all", { count: 2000, seed: 11 });
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const results: { start: number; ms: number }[] = [];
const t0 = Date.now();
const total = Number(seconds) * Number(rate);
let sent = 0;
await new Promise<void>((done) => {
  let finished = 0;
  const perTick = Number(rate) / 100;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1 && sent < total; owed--, sent++) {
      const body = JSON.stringify({ ...envs[sent % envs.length], timestamp: Date.now() });
      const { headers } = signDelivery(SECRET, body);
      const start = Date.now();
      const req = http.request(
        { host: "127.0.0.1", port, path: "/webhooks/clerk", method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on("end", () => {
            results.push({ start: start - t0, ms: Date.now() - start });
            if (++finished === total) done();
          });
        },
      );
      req.end(body);
    }
    if (sent >= total) clearInterval(timer);
  }, 10);
});
server.kill("SIGTERM");
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
for (let s = 0; s < Number(seconds); s += 5) {
  const ms = results.filter((r) => r.start >= s * 1000 && r.start < (s + 5) * 1000).map((r) => r.ms).sort((a, b) => a - b);
  if (ms.length) console.log(`${String(s).padStart(3)}-${s + 5} s: n ${ms.length} p50 ${q(ms, 0.5)} p99 ${q(ms, 0.99)} max ${ms.at(-1)}`);
}
const all = results.map((r) => r.ms).sort((a, b) => a - b);
console.log(`all: n ${all.length} p50 ${q(all, 0.5)} p99 ${q(all, 0.99)} max ${all.at(-1)}; after 10 s: p99 ${q(results.filter((r) => r.start >= 10_000).map((r) => r.ms).sort((a, b) => a - b), 0.99)}`);
const slow = results.filter((r) => r.ms > 40).map((r) => `${(r.start / 1000).toFixed(2)}s:${r.ms}`);
console.log(`slow (> 40 ms): ${slow.length}: ${slow.slice(0, 60).join(" ")}`);
