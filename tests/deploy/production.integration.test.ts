// Hookline as deploy/ sets it up, for real: the compiled server (build/hookline, no
// TypeScript loader) behind Debian's Caddy with deploy/Caddyfile.internal-tls on
// 127.0.0.1, HOOKLINE_TRUST_PROXY=1. Clients connect from other loopback addresses
// (127.0.0.2, 127.0.0.3), so "the client's address" and "the proxy's address" differ.
// Then promtool checks a real /metrics scrape and deploy/prometheus/alerts.yml, the
// Grafana dashboard uses only metrics the scrape has, and systemd-analyze verifies
// deploy/hookline.service.
//
// caddy, promtool and systemd-analyze come from Debian packages (.ci/run installs
// caddy and prometheus). Without them a test is skipped with the reason, except in CI
// (CI=true), where a missing tool fails the run.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROJECT_ROOT } from "~/db/migrate.server";
import { envelope, newSecret, signedHeaders } from "../support/svix";

const CI = Boolean(process.env.CI);
const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
function toolOrSkip(tool: string, pkg: string): boolean {
  if (has(tool)) return true;
  if (CI) throw new Error(`${tool} is required in CI (apt-get install ${pkg}; .ci/run does)`);
  console.warn(`SKIPPED: ${tool} is not installed (apt-get install ${pkg}); CI runs these tests.`);
  return false;
}
const withCaddy = toolOrSkip("caddy", "caddy");
const withPromtool = toolOrSkip("promtool", "prometheus");
// Not a Debian package of its own to install in CI: checked where systemd is.
const withSystemd = has("systemd-analyze");
if (!withSystemd) console.warn("SKIPPED: systemd-analyze is not available; deploy/hookline.service is not verified here.");

const CLIENT = "127.0.0.2";
const OTHER_CLIENT = "127.0.0.3";
const admin = { email: "admin@hookline.test", password: "correct-horse-battery" };
const secret = newSecret();

let dir: string;
let server: ChildProcess | null = null;
let caddy: ChildProcess | null = null;
let serverPort: number;
let httpsPort: number;
let ca: Buffer;
let token: string;
const logs: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

function serverEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    SESSION_SECRET: crypto.randomBytes(24).toString("hex"),
    HOOKLINE_ENCRYPTION_KEY: "deploy-test-encryption-key-0123456789",
    DATABASE_URL: `file:${path.join(dir, "hookline.db")}`,
    HOOKLINE_DATA_DIR: dir,
    HOST: "127.0.0.1",
    PORT: String(serverPort),
    HOOKLINE_TRUST_PROXY: "1",
    CLERK_WEBHOOK_SIGNING_SECRET: secret,
    HOOKLINE_ADMIN_EMAIL: admin.email,
    HOOKLINE_ADMIN_PASSWORD: admin.password,
    HOOKLINE_LOGIN_ATTEMPTS: "3",
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs.join("").slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request through Caddy over HTTPS, from `from` (a loopback address), trusting Caddy's local CA. */
function viaProxy(
  method: string,
  pathname: string,
  options: { from?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: httpsPort,
        method,
        path: pathname,
        ca,
        localAddress: options.from ?? CLIENT,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const origin = () => `https://127.0.0.1:${httpsPort}`;

function login(from: string, password: string) {
  return viaProxy("POST", "/login", {
    from,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: origin() },
    body: new URLSearchParams({ email: admin.email, password, redirectTo: "/" }).toString(),
  });
}

beforeAll(async () => {
  if (!withCaddy && !withPromtool) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-deploy-"));
  serverPort = await freePort();
  httpsPort = await freePort();

  // The production build, as `npm start` makes it (a no-op when current).
  // Not Vitest's environment: vite.config.ts leaves Remix out under VITEST.
  const buildEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && !name.startsWith("HOOKLINE_")));
  const build = spawnSync(process.execPath, ["scripts/build.mjs", "--if-stale", "--quiet"], {
    cwd: PROJECT_ROOT,
    env: { ...buildEnv, NODE_ENV: "production" },
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);

  server = spawn(process.execPath, [path.join(PROJECT_ROOT, "build/hookline/server.js")], {
    cwd: dir,
    env: serverEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (chunk) => logs.push(String(chunk)));
  server.stderr!.on("data", (chunk) => logs.push(String(chunk)));
  await until("the compiled server's /readyz", async () => {
    const res = await fetch(`http://127.0.0.1:${serverPort}/readyz`);
    return res.status === 200 ? true : undefined;
  });

  const created = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin/hookline.js"), "token", "create", "--name", "deploy-test", "--role", "admin"], {
    cwd: dir,
    env: serverEnv(),
    encoding: "utf8",
  });
  if (created.status !== 0) throw new Error(`token create failed: ${created.stderr}`);
  token = created.stdout.trim().split("\n").at(-1)!;

  if (!withCaddy) return;
  const proxy = spawn("caddy", ["run", "--config", path.join(PROJECT_ROOT, "deploy/Caddyfile.internal-tls"), "--adapter", "caddyfile"], {
    cwd: dir,
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH,
      HOME: dir,
      XDG_DATA_HOME: path.join(dir, "caddy-data"),
      XDG_CONFIG_HOME: path.join(dir, "caddy-config"),
      CADDY_ADMIN: "off",
      CADDY_BIND: "127.0.0.1",
      CADDY_HTTP_PORT: String(await freePort()),
      CADDY_HTTPS_PORT: String(httpsPort),
      HOOKLINE_DOMAIN: "127.0.0.1",
      HOOKLINE_UPSTREAM: `127.0.0.1:${serverPort}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  caddy = proxy;
  proxy.stdout!.on("data", (chunk) => logs.push(String(chunk)));
  proxy.stderr!.on("data", (chunk) => logs.push(String(chunk)));
  const root = path.join(dir, "caddy-data/caddy/pki/authorities/local/root.crt");
  ca = await until("Caddy's local CA", async () => (fs.existsSync(root) ? fs.readFileSync(root) : undefined));
  await until("Caddy to serve HTTPS", async () => ((await viaProxy("GET", "/healthz")).status === 200 ? true : undefined));
}, 180_000);

afterAll(async () => {
  const stopped = (child: ChildProcess | null) =>
    child && child.exitCode === null ? new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM"))) : null;
  await Promise.all([stopped(caddy), stopped(server)]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(withCaddy)("behind Caddy with tls internal, HOOKLINE_TRUST_PROXY=1", () => {
  it("answers over HTTPS with Strict-Transport-Security", async () => {
    const res = await viaProxy("GET", "/login");
    expect(res.status).toBe(200);
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  });

  it("signs in over HTTPS with a Secure session cookie, and throttles logins by the client's address", async () => {
    // Three failures from 127.0.0.2 lock that client out (HOOKLINE_LOGIN_ATTEMPTS=3)...
    for (let i = 0; i < 3; i++) expect((await login(CLIENT, "wrong-password")).status).toBe(401);
    const locked = await login(CLIENT, admin.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    // ...and no one else: were the key the proxy's address (127.0.0.1), this would be 429 too.
    const signedIn = await login(OTHER_CLIENT, admin.password);
    expect(signedIn.status).toBe(302);
    const cookies = ([] as string[]).concat(signedIn.headers["set-cookie"] ?? []);
    const session = cookies.find((cookie) => cookie.startsWith("hookline_session="));
    expect(session, cookies.join("\n")).toBeDefined();
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    const home = await viaProxy("GET", "/", { from: OTHER_CLIENT, headers: { cookie: session!.split(";")[0]! } });
    expect(home.status).toBe(200);
  });

  it("records the client's address and the exact bytes of a delivery sent through the proxy", async () => {
    // Bytes a proxy might be tempted to normalise: no trailing newline, CRLF, tabs, UTF-8, escapes.
    const body = Buffer.from(
      JSON.stringify(envelope("user.created", { id: "user_deploy", first_name: "Zoë\t\u00e9\u2603", note: "a\r\nb" })).replace(":", " :  ") + "\r\n",
    );
    const sent = await viaProxy("POST", "/webhooks/clerk", { headers: signedHeaders(secret, body), body });
    expect(sent.status, sent.body.toString()).toBe(200);
    const { outcome, deliveryId } = JSON.parse(sent.body.toString()) as { outcome: string; deliveryId: string };
    expect(outcome).toBe("verified");

    const auth = { authorization: `Bearer ${token}` };
    const delivery = await viaProxy("GET", `/api/v1/deliveries/${deliveryId}`, { headers: auth });
    expect(delivery.status).toBe(200);
    const json = JSON.parse(delivery.body.toString());
    expect(json.delivery?.remoteAddr ?? json.remoteAddr).toBe(CLIENT);

    const raw = await viaProxy("GET", `/api/v1/deliveries/${deliveryId}/raw`, { headers: auth });
    expect(raw.status).toBe(200);
    expect(raw.body.equals(body)).toBe(true);
  });

  it("passes Hookline's own 413 for an oversized body through the proxy", async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, "a");
    const res = await viaProxy("POST", "/webhooks/clerk", { headers: signedHeaders(secret, body), body });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body.toString())).toMatchObject({ outcome: "body_too_large" });
  });

  it("streams Server-Sent Events through the proxy without buffering", async () => {
    const events: string[] = [];
    let arrivedAt = 0;
    const req = https.request({
      host: "127.0.0.1",
      port: httpsPort,
      path: "/api/v1/events/stream",
      ca,
      localAddress: CLIENT,
      agent: false,
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    });
    const opened = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => {
        res.on("data", (chunk: Buffer) => {
          events.push(chunk.toString());
          if (!arrivedAt && events.join("").includes("sess_deploy_stream")) arrivedAt = Date.now();
        });
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
    });
    req.end();
    try {
      expect(await opened).toBe(200);
      const body = Buffer.from(JSON.stringify(envelope("session.created", { id: "sess_deploy_stream", user_id: "user_deploy" })));
      expect((await viaProxy("POST", "/webhooks/clerk", { headers: signedHeaders(secret, body), body })).status).toBe(200);
      const answeredAt = Date.now();
      await until("the event on the stream", async () => (arrivedAt ? true : undefined), 5_000);
      // Within 1 s of ingest's answer (the commit), through Caddy: nothing buffered it.
      expect(arrivedAt - answeredAt).toBeLessThan(1_000);
    } finally {
      req.destroy();
    }
  });

  it("is ready (/readyz) with the worker's heartbeat, through the proxy", async () => {
    const res = await viaProxy("GET", "/readyz");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: "ready", checks: { worker: { ok: true } } });
  });
});

describe.runIf(withPromtool)("Prometheus", () => {
  let scrape: string;
  beforeAll(async () => {
    const res = await fetch(`http://127.0.0.1:${serverPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    scrape = await res.text();
  });

  it("`promtool check metrics` finds nothing wrong in a real scrape", () => {
    const check = spawnSync("promtool", ["check", "metrics"], { input: scrape, encoding: "utf8" });
    expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
    expect(check.status).toBe(0);
    // Standard names for the process and Node.js metrics; Hookline's own under hookline_.
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "hookline_deliveries_total", "hookline_worker_heartbeat_timestamp_seconds"]) {
      expect(scrape).toContain(`\n# TYPE ${name} `);
    }
    expect(scrape).not.toMatch(/hookline_process_/);
  });

  it("`promtool check rules` accepts deploy/prometheus/alerts.yml", () => {
    const check = spawnSync("promtool", ["check", "rules", path.join(PROJECT_ROOT, "deploy/prometheus/alerts.yml")], { encoding: "utf8" });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

  it("the alerts and the Grafana dashboard use only metrics Hookline exports", () => {
    const exported = new Set([...scrape.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap(([, name, type]) =>
      type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : type === "summary" ? [name!, `${name}_sum`, `${name}_count`] : [name!],
    ));
    // hookline_issues_open is collected from the database; its TYPE line is there with or without issues.
    const used = (text: string) => new Set([...text.matchAll(/\b((?:hookline|process|nodejs)_[a-z0-9_]+)\b/g)].map(([, name]) => name!));
    const alerts = fs.readFileSync(path.join(PROJECT_ROOT, "deploy/prometheus/alerts.yml"), "utf8");
    const dashboard = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "deploy/grafana/hookline-dashboard.json"), "utf8"));
    const queries = JSON.stringify(dashboard.panels.flatMap((panel: { targets?: { expr: string }[] }) => panel.targets ?? []).map((t: { expr: string }) => t.expr));
    const missing = [...used(alerts), ...used(queries)].filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
  });
});

describe.runIf(withCaddy || withPromtool)("npm start", () => {
  /** The pids under `pid`, from /proc. */
  function children(pid: number): number[] {
    return fs
      .readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((entry) => {
        try {
          const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  }

  it("runs one node process on the compiled server, and SIGTERM to npm alone stops it gracefully", async () => {
    const port = await freePort();
    const env = { ...serverEnv(), HOME: dir, PORT: String(port), DATABASE_URL: `file:${path.join(dir, "npm-start.db")}` };
    const npm = spawn("npm", ["start", "--silent"], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    npm.stdout!.on("data", (chunk) => (output += chunk));
    npm.stderr!.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    await until("npm start's /healthz", async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 50_000);

    // npm, and under it node itself (the script's shell exec'd it): no sh, no tsx.
    const under = children(npm.pid!);
    expect(under).toHaveLength(1);
    const argv = fs.readFileSync(`/proc/${under[0]}/cmdline`, "utf8").split("\0").filter(Boolean);
    expect(path.basename(argv[0]!)).toBe("node");
    expect(argv.at(-1)).toBe("build/hookline/server.js");
    expect(argv.join(" ")).not.toMatch(/tsx|--import|--loader/);
    expect(children(under[0]!)).toEqual([]);

    npm.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"shutdown: done"');
  }, 60_000);
});

describe.runIf(withSystemd)("systemd", () => {
  it("`systemd-analyze verify` accepts deploy/hookline.service", () => {
    const check = spawnSync("systemd-analyze", ["verify", path.join(PROJECT_ROOT, "deploy/hookline.service")], { encoding: "utf8" });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });
});
