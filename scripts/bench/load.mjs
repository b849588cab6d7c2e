// The load generator for `npm run bench:ingest`, run as its own process so it does
// not share an event loop with the server under test. Sends pre-signed, realistic
// deliveries (a mix of every Clerk type and size), each with a unique svix-id.
// Prints one JSON line of results.
import fs from "node:fs";

import autocannon from "autocannon";

const { url, file, connections, duration, rate, offset = 0 } = JSON.parse(process.argv[2]);
const deliveries = JSON.parse(fs.readFileSync(file, "utf8"));
// `offset`: where the previous phase stopped, so every phase sends svix-ids not sent yet.
let next = offset;

const result = await autocannon({
  url,
  connections,
  duration,
  overallRate: rate || undefined,
  method: "POST",
  requests: [
    {
      setupRequest(request) {
        const delivery = deliveries[next++ % deliveries.length];
        return { ...request, method: "POST", body: delivery.body, headers: delivery.headers };
      },
    },
  ],
});
const non2xx = result.non2xx;
console.log(
  JSON.stringify({
    requests: result.requests.total,
    throughput: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p90: result.latency.p90,
    p97_5: result.latency.p97_5,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx,
    sent: next - offset,
    unique: Math.min(next - offset, deliveries.length),
  }),
);
