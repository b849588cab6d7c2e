// The baseline for `npm run bench:ingest`: what a careful user would hand-write.
// node:http + svix Webhook.verify + better-sqlite3, one INSERT per delivery, WAL.
// Every 2xx is answered after its row is committed.
import http from "node:http";

import Database from "better-sqlite3";
import { Webhook } from "svix";

const file = process.env.BASELINE_DB;
const port = Number(process.env.PORT);
const webhook = new Webhook(process.env.CLERK_WEBHOOK_SIGNING_SECRET);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(`CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY, svix_id TEXT UNIQUE, type TEXT, received_at INTEGER, headers TEXT, body BLOB)`);
const insert = db.prepare("INSERT OR IGNORE INTO deliveries (svix_id, type, received_at, headers, body) VALUES (?, ?, ?, ?, ?)");

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
      insert.run(req.headers["svix-id"], event.type, Date.now(), JSON.stringify(req.headers), body);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  })
  .listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));
