// The Postgres baseline for `npm run bench:ingest -- --postgres`: what a careful user
// would hand-write. node:http + svix Webhook.verify + pg (a pool of 10), one
// INSERT … ON CONFLICT DO NOTHING per delivery into a table with a unique svix-id, the
// headers as JSON and the body as bytea. Every 2xx is answered after its row is
// committed (synchronous_commit as the server has it: on by default).
import http from "node:http";

import pg from "pg";
import { Webhook } from "svix";

const port = Number(process.env.PORT);
const webhook = new Webhook(process.env.CLERK_WEBHOOK_SIGNING_SECRET);
const pool = new pg.Pool({ connectionString: process.env.BASELINE_DATABASE_URL, max: 10 });
await pool.query(`CREATE TABLE IF NOT EXISTS deliveries (
  id bigserial PRIMARY KEY, svix_id text UNIQUE, type text, received_at timestamptz, headers json, body bytea)`);
const INSERT = "INSERT INTO deliveries (svix_id, type, received_at, headers, body) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (svix_id) DO NOTHING";

http
  .createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let event;
      try {
        event = webhook.verify(body, req.headers);
      } catch {
        res.writeHead(401).end();
        return;
      }
      pool.query(INSERT, [req.headers["svix-id"], event.type, new Date(), JSON.stringify(req.headers), body]).then(
        () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'),
        () => res.writeHead(503).end(),
      );
    });
  })
  .listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));
process.on("SIGTERM", () => process.exit(0)); // lets --cpu-prof write its profile (scripts/bench/sat-profile.ts)
