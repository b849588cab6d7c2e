// "Copy as curl" as a person uses it: the command runs in a real shell with the real
// curl against a local receiver that verifies with the `svix` library. The bytes that
// arrive must be the delivery's, and a re-signed command must verify.
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newSecret, signedHeaders } from "../../tests/support/svix";
import { buildCurlCommand, curlHeaders, resignHeaders } from "./curl-command";

interface Received {
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

describe("copy as curl", () => {
  let receiver: http.Server;
  let url: string;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({ body: Buffer.concat(chunks), headers: req.headers });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks`;
  });
  afterAll(() => new Promise((resolve) => receiver.close(resolve)));

  const run = (command: string) =>
    new Promise<Received>((resolve, reject) => {
      const before = received.length;
      execFile("bash", ["-c", command], (error) => (error ? reject(error) : resolve(received[before]!)));
    });

  /** svix's verdict; it parses the body as JSON after the signature matched, which some of these bodies are not. */
  const verify = (secret: string, request: Received): string => {
    try {
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
      return "ok";
    } catch (error) {
      return error instanceof SyntaxError ? "ok" : (error as Error).message;
    }
  };

  const ORIGINAL = new Date(Date.now() - 60 * 60 * 1000);
  const bodies: [string, Buffer][] = [
    ["JSON with quotes, unicode and odd spacing", Buffer.from(` {"type":"user.updated" ,"data":{"name":"O'Brien \\"Jo\\" Zoë 🦊","$x":"\`id\` $(rm -rf /)"}}\n`)],
    ["bytes that are not UTF-8", Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x27, 0x0d, 0x0a, 0xc3, 0x28])],
    ["a body that starts with @", Buffer.from("@/etc/passwd")],
    ["CRLF line ends", Buffer.from('{"a":1}\r\n')],
  ];

  for (const [label, body] of bodies) {
    it(`sends the exact bytes, then re-signed so that svix verifies it: ${label}`, async () => {
      const secret = newSecret();
      const original = Object.entries(signedHeaders(secret, body, { timestamp: ORIGINAL }));
      const headers = curlHeaders([["host", "hookline.example"], ["x-forwarded-for", "1.2.3.4"], ...original, ["authorization", "Bearer x"]]);
      expect(headers.map(([name]) => name)).toEqual(["content-type", "svix-id", "svix-timestamp", "svix-signature"]);

      const plain = await run(buildCurlCommand({ url, headers, body }));
      expect(plain.body.equals(body)).toBe(true);
      expect(plain.headers["svix-signature"]).toBe(original.find(([n]) => n === "svix-signature")![1]);
      // The original signature is an hour old: outside svix's 5-minute tolerance.
      expect(verify(secret, plain)).toMatch(/timestamp too old/i);

      const resigned = await run(buildCurlCommand({ url, headers: await resignHeaders(headers, body, secret), body }));
      expect(resigned.body.equals(body)).toBe(true);
      expect(resigned.headers["svix-id"]).toBe(original.find(([n]) => n === "svix-id")![1]);
      // The HMAC over the exact bytes (node:crypto); svix's verify decodes the body as
      // UTF-8 first, so it can only judge bodies that are valid UTF-8.
      const content = Buffer.concat([Buffer.from(`${resigned.headers["svix-id"]}.${resigned.headers["svix-timestamp"]}.`), body]);
      const key = Buffer.from(secret.slice("whsec_".length), "base64");
      expect(resigned.headers["svix-signature"]).toBe(`v1,${crypto.createHmac("sha256", key).update(content).digest("base64")}`);
      if (Buffer.from(body.toString("utf8")).equals(body)) expect(verify(secret, resigned)).toBe("ok");
      // Another endpoint's secret does not verify it.
      expect(verify(newSecret(), resigned)).toMatch(/no matching signature/i);
    });
  }

  it("refuses a secret that is not whsec_ + base64", async () => {
    await expect(resignHeaders([["svix-id", "msg_1"]], Buffer.from("{}"), "sk_live_123")).rejects.toThrow(/whsec_/);
  });
});
