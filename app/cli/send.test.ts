import http from "node:http";
import type { AddressInfo } from "node:net";

import { Webhook } from "svix";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { buildSamples, type ClerkEnvelope } from "~/catalog/samples";
import { CliError } from "./command";
import send from "./send";

const SECRET = `whsec_${Buffer.from("send-test signing key 24").toString("base64")}`;
const WRONG_SECRET = `whsec_${Buffer.from("not the receiver's key!!").toString("base64")}`;

interface Received {
  headers: http.IncomingHttpHeaders;
  envelope: ClerkEnvelope;
}

// A real receiver that verifies with the svix library and answers like Hookline's ingest.
let received: Received[] = [];
let failTypes = new Set<string>();
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const answer = (status: number, outcome: string) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify({ outcome }));
      };
      try {
        new Webhook(SECRET).verify(body, request.headers as Record<string, string>);
      } catch {
        return answer(401, "invalid_signature");
      }
      const envelope = JSON.parse(body) as ClerkEnvelope;
      received.push({ headers: request.headers, envelope });
      if (failTypes.has(envelope.type)) return answer(500, "boom");
      answer(200, "verified");
    });
  });
  // All interfaces, so the default URL (localhost, IPv4 or IPv6) reaches it too.
  await new Promise<void>((resolve) => server.listen(0, resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/clerk`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

let output: string[];
const savedEnv = { ...process.env };

beforeEach(() => {
  received = [];
  failTypes = new Set();
  output = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => void output.push(line));
  vi.spyOn(console, "error").mockImplementation(() => {});
  delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
  delete process.env.PORT;
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...savedEnv };
  process.exitCode = undefined;
});

describe("hookline send", () => {
  it("posts signed samples in story order and reports each delivery", async () => {
    await send.run(["user.*", "--url", url, "--secret", SECRET, "--seed", "3", "--count", "2"]);

    const expected = buildSamples("user.*", { seed: 3, count: 2 });
    expect(received.map(({ envelope }) => [envelope.type, envelope.data.id])).toEqual(
      expected.map((envelope) => [envelope.type, envelope.data.id]),
    );
    const timestamps = received.map(({ envelope }) => envelope.timestamp);
    expect([...timestamps].sort((a, b) => a - b)).toEqual(timestamps);
    for (const { headers } of received) {
      expect(headers["content-type"]).toBe("application/json");
      expect(headers["user-agent"]).toBe("hookline-send");
      expect(headers["svix-id"]).toMatch(/^msg_[0-9A-Za-z]{27}$/);
      expect(Math.abs(Number(headers["svix-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    }
    expect(new Set(received.map(({ headers }) => headers["svix-id"])).size).toBe(6);

    expect(output).toHaveLength(7);
    received.forEach(({ envelope, headers }, index) => {
      expect(output[index]).toBe(`200 verified ${envelope.type} ${headers["svix-id"]}`);
    });
    expect(output[6]).toBe(`sent 6 to ${url}: 200×6; 0 failed (seed 3)`);
    expect(process.exitCode).toBeUndefined();
  });

  it("takes the first of several rotation secrets from the environment, and the port from PORT", async () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${SECRET}, ${WRONG_SECRET}`;
    process.env.PORT = new URL(url).port;
    await send.run(["session.created", "--seed", "1"]);
    expect(received).toHaveLength(1);
    expect(output[0]).toMatch(/^200 verified session\.created msg_/);
    expect(output[1]).toContain(`to http://localhost:${process.env.PORT}/webhooks/clerk:`);
  });

  it("sends one event per --count for a single type, each about a new resource", async () => {
    await send.run(["organization.created", "--url", url, "--secret", SECRET, "--count", "4"]);
    expect(received.map(({ envelope }) => envelope.type)).toEqual(Array(4).fill("organization.created"));
    expect(new Set(received.map(({ envelope }) => envelope.data.id)).size).toBe(4);
  });

  it("sends every catalog type for 'all', also with requests in parallel", async () => {
    await send.run(["all", "--url", url, "--secret", SECRET, "--concurrency", "8"]);
    const expected = buildSamples("all", { seed: 1 });
    expect(received).toHaveLength(expected.length);
    expect(new Set(received.map(({ envelope }) => envelope.type)).size).toBe(51);
    expect(output.at(-1)).toMatch(new RegExp(`^sent ${expected.length} to .*: 200×${expected.length}; 0 failed`));
  });

  it("exits with 1 and counts by status when the receiver refuses", async () => {
    await send.run(["user.created", "--url", url, "--secret", WRONG_SECRET, "--count", "2"]);
    expect(output.slice(0, 2).every((line) => line.startsWith("401 invalid_signature user.created msg_"))).toBe(true);
    expect(output[2]).toMatch(/: 401×2; 2 failed/);
    expect(process.exitCode).toBe(1);
  });

  it("keeps going after a failed delivery and reports the mix", async () => {
    failTypes = new Set(["user.updated"]);
    await send.run(["user.*", "--url", url, "--secret", SECRET]);
    expect(received).toHaveLength(3);
    expect(output).toContainEqual(expect.stringMatching(/^500 boom user\.updated msg_/));
    expect(output.at(-1)).toMatch(/: 200×2, 500×1; 1 failed/);
    expect(process.exitCode).toBe(1);
  });

  it("reports a receiver that cannot be reached", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    await send.run(["user.created", "--url", `http://127.0.0.1:${port}/webhooks/clerk`, "--secret", SECRET]);
    expect(output[0]).toMatch(/^ERR .*ECONNREFUSED.* user\.created msg_/);
    expect(output[1]).toMatch(/ERR×1; 1 failed/);
    expect(process.exitCode).toBe(1);
  });

  it.each([
    [["user.created", "--url", "http://x"], /No signing secret/],
    [["user.created", "--secret", "whsec_***"], /not valid/],
    [[], /Usage: hookline send/],
    [["user.created", "session.created"], /Usage: hookline send/],
    [["nothing.*", "--secret", SECRET], /No catalog event type matches/],
    [["user.created", "--secret", SECRET, "--count", "0"], /--count must be at least 1/],
    [["user.created", "--secret", SECRET, "--count", "2x"], /--count must be a whole number/],
    [["user.created", "--secret", SECRET, "--seed", "1.5"], /--seed must be a whole number/],
    [["user.created", "--secret", SECRET, "--url", "ftp://host/x"], /http or https/],
    [["user.created", "--secret", SECRET, "--url", "not a url"], /is not a URL/],
    [["user.created", "--secret", SECRET, "--user", " "], /--user must be/],
    [["user.created", "--secret", SECRET, "--bogus"], /Unknown option/],
  ])("rejects bad input %j", async (argv, message) => {
    const attempt = send.run(argv as string[]);
    await expect(attempt).rejects.toBeInstanceOf(CliError);
    await expect(attempt).rejects.toThrow(message);
    expect(received).toHaveLength(0);
  });

  it("pins the user with --user across user, session and billing events", async () => {
    await send.run(["all", "--url", url, "--secret", SECRET, "--user", "user_fromTheCommandLine"]);
    const userCreated = received.find(({ envelope }) => envelope.type === "user.created");
    const session = received.find(({ envelope }) => envelope.type === "session.created");
    const subscription = received.find(({ envelope }) => envelope.type === "subscription.created");
    expect(userCreated?.envelope.data.id).toBe("user_fromTheCommandLine");
    expect(session?.envelope.data.user_id).toBe("user_fromTheCommandLine");
    expect((subscription?.envelope.data.payer as { user_id: string }).user_id).toBe("user_fromTheCommandLine");
  });
});
