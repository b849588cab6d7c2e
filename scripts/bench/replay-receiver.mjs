// The consumer for `npm run bench:replay`, in its own process so its CPU and memory
// are not the worker's: verifies every request with the real svix library and the
// target's secret, answers 200, and prints one JSON line of counts on SIGTERM.
import http from "node:http";

import { Webhook } from "svix";

const webhook = new Webhook(process.env.TARGET_SECRET);
let received = 0;
let verified = 0;
const ids = new Set();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    received++;
    try {
      webhook.verify(Buffer.concat(chunks), req.headers);
      verified++;
    } catch {
      // counted as received but not verified
    }
    ids.add(req.headers["svix-id"]);
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => {
  console.log(JSON.stringify({ received, verified, distinct: ids.size }));
  process.exit(0);
});
