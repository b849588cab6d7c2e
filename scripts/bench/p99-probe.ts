// Where a slow answer waited, on Postgres: 500 signed deliveries/s against a running server
// for N seconds; prints each burst of answers over 40 ms with what the database's backends
// were doing meanwhile (pg_stat_activity sampled every 10 ms: wait event, running time,
// statement). Found the p99 bursts at 500/s to be IO:WALSync (docs/benchmarks.md, stop 24).
//
//   npx tsx scripts/bench/p99-probe.ts PORT DATABASE_URL SIGNING_SECRET [SECONDS]
import http from "node:http";
import pg from "pg";
import { buildSamples } from "~/catalog/samples";
import { signDelivery } from "~/catalog/sign";
const [port, dbUrl, secret, seconds = "30"] = process.argv.slice(2);
const envs = buildSamples("all", { count: 2000, seed: 7 });
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const samples: { t: number; activity: string }[] = [];
const c = new pg.Client({ connectionString: dbUrl });
await c.connect();
const t0 = Date.now();
let sampling = true;
void (async () => {
  while (sampling) {
    const { rows } = await c.query(`SELECT application_name a, state, wait_event_type || ':' || coalesce(wait_event,'') w, left(regexp_replace(query, '\\s+', ' ', 'g'), 50) q, extract(epoch from (now() - query_start))*1000 AS ms FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`);
    samples.push({ t: Date.now() - t0, activity: rows.map((r) => `${r.a}|${r.w}|${Math.round(r.ms)}ms|${r.q}`).join(" ;; ") });
    await new Promise((r) => setTimeout(r, 10));
  }
})();
const results: { start: number; ms: number }[] = [];
let i = 0;
const total = Number(seconds) * 500;
await new Promise<void>((done) => {
  let finished = 0;
  const timer = setInterval(() => {
    for (let k = 0; k < 5 && i < total; k++, i++) {
      const body = JSON.stringify({ ...envs[i % envs.length], timestamp: Date.now() });
      const { headers } = signDelivery(secret!, body);
      const start = Date.now();
      const req = http.request({ host: "127.0.0.1", port: Number(port), path: "/webhooks/clerk", method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => { results.push({ start: start - t0, ms: Date.now() - start }); if (++finished === total) done(); });
      });
      req.end(body);
    }
    if (i >= total) clearInterval(timer);
  }, 10);
});
sampling = false;
results.sort((a, b) => a.ms - b.ms);
console.log("p50", results[Math.floor(results.length * 0.5)]!.ms, "p99", results[Math.floor(results.length * 0.99)]!.ms, "max", results.at(-1)!.ms);
const slow = results.filter((r) => r.ms > 40).sort((a, b) => a.start - b.start);
let last = -1000;
for (const s of slow) {
  if (s.start - last > 200) {
    console.log(`slow at ${s.start} ms: ${s.ms} ms`);
    for (const a of samples.filter((x) => x.t >= s.start - 20 && x.t <= s.start + s.ms)) if (a.activity) console.log(`   ${a.t}: ${a.activity}`);
  }
  last = s.start;
}
await c.end();
agent.destroy();
