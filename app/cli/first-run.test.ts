// The first run as a newcomer meets it, through the real `npx hookline` entry point (a
// child process): help and the bare command, and `send all` with no flags reaching the
// local server signed with the development secret that `npm start` generates.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROJECT_ROOT } from "~/db/migrate.server";

const BIN = path.join(PROJECT_ROOT, "bin/hookline.js");
const COMMANDS = ["migrate", "worker", "user", "token", "source", "prune", "send", "seed", "target", "backup", "listen"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hookline(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  // As a newcomer runs it: `npm start` and `npx hookline` do not set NODE_ENV.
  delete childEnv.NODE_ENV;
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: childEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("hookline help", () => {
  it("prints help and exits 1 for the bare command", async () => {
    const run = await hookline([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Usage: npx hookline <command>");
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("lists the roles and the defaults of send's --url and --secret, and exits 0 for --help", async () => {
    const run = await hookline(["--help"]);
    expect(run.code).toBe(0);
    for (const role of ["viewer", "operator", "admin"]) expect(run.stdout).toMatch(new RegExp(`^  ${role} `, "m"));
    expect(run.stdout).toContain("--url default: http://localhost:$PORT/webhooks/clerk (PORT 3000)");
    expect(run.stdout).toMatch(/--secret default: CLERK_WEBHOOK_SIGNING_SECRET, else the\s+development secret/);
  });

  it.each(COMMANDS)("`%s --help` prints that command's usage and exits 0", async (name) => {
    const run = await hookline([name, "--help"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: npx hookline ${name}\\b`));
  });

  it("prints the roles with `user create --help`, wherever --help stands", async () => {
    const run = await hookline(["user", "create", "--email", "x@example.com", "-h"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npx hookline user create/);
    expect(run.stdout).toContain("operator   also replays");
  });
});

describe("hookline send with no flags", () => {
  let dataDir: string;
  let server: http.Server;
  let port: number;
  const received: string[] = [];
  /** Answer 401 to everything, as a server with another secret would. */
  let refuse = false;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-first-run-"));
    // A receiver on all interfaces, as `npm start` listens (HOST 0.0.0.0), that verifies
    // with the development secret as the server reads it from the data directory.
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const { signingSecret } = JSON.parse(fs.readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as { signingSecret: string };
        const body = Buffer.concat(chunks).toString("utf8");
        try {
          if (refuse) throw new Error("refused");
          new Webhook(signingSecret).verify(body, request.headers as Record<string, string>);
        } catch {
          response.writeHead(401).end(JSON.stringify({ outcome: "invalid_signature" }));
          return;
        }
        received.push(`${request.url} ${(JSON.parse(body) as { type: string }).type}`);
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ outcome: "verified" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends every sample to http://localhost:$PORT/webhooks/clerk, signed with the generated secret", async () => {
    const run = await hookline(["send", "all", "--concurrency", "8"], {
      PORT: String(port),
      HOST: undefined,
      HOOKLINE_DATA_DIR: dataDir,
      CLERK_WEBHOOK_SIGNING_SECRET: undefined,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`sent \\d+ to http://localhost:${port}/webhooks/clerk: 200×\\d+; 0 failed`));
    expect(received.length).toBeGreaterThanOrEqual(51);
    expect(received.every((line) => line.startsWith("/webhooks/clerk "))).toBe(true);
  });

  it("says what to do when the server refuses the generated secret", async () => {
    refuse = true;
    try {
      const run = await hookline(["send", "user.created"], { PORT: String(port), HOOKLINE_DATA_DIR: dataDir, CLERK_WEBHOOK_SIGNING_SECRET: undefined });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^401 invalid_signature user\.created/m);
      expect(run.stderr).toContain("the server refused the generated development secret");
      expect(run.stderr).toContain("--secret");
    } finally {
      refuse = false;
    }
  });

  it("refuses a malformed CLERK_WEBHOOK_SIGNING_SECRET with a clear message, no stack trace", async () => {
    const run = await hookline(["send", "user.created"], { PORT: String(port), HOOKLINE_DATA_DIR: dataDir, CLERK_WEBHOOK_SIGNING_SECRET: "whsec_..." });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not valid|not a signing secret/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
