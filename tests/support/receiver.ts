// A real local consumer for dispatch tests: a node:http server that verifies every
// request with the real `svix` library and the target's secret, records it, and
// answers however the test says: 200, 500, 429 + Retry-After, a hang past the
// timeout, a connection reset, or anything else.
import http from "node:http";
import type { AddressInfo } from "node:net";

import { Webhook } from "svix";

export interface ReceivedRequest {
  /** Date.now() when the request's body had fully arrived. */
  at: number;
  path: string;
  svixId: string;
  svixTimestamp: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Verified with `new Webhook(secret).verify(body, headers)`, as a consumer would. */
  verified: boolean;
  verifyError: string | null;
}

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | "hang"
  | "reset";

export type Responder = (request: ReceivedRequest, index: number) => Answer;

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests for an svix-id that arrived while another request for it was still being answered. */
  concurrentDuplicates: string[];
  /** The most requests it was answering at once. */
  maxConcurrent: number;
  secret: string;
  respond(responder: Responder): void;
  /** Verify from now on with this secret (e.g. one a page just generated). */
  useSecret(secret: string): void;
  /** Resolves once at least `count` requests arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const ok: Answer = { status: 200, body: "ok" };

export async function startReceiver(secret: string, responder: Responder = () => ok): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const concurrentDuplicates: string[] = [];
  const inFlight = new Map<string, number>();
  let open = 0;
  let maxConcurrent = 0;
  let respondWith = responder;
  let webhook = new Webhook(secret);
  let currentSecret = secret;
  const waiters: (() => void)[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const svixId = String(req.headers["svix-id"] ?? "");
      let verified = false;
      let verifyError: string | null = null;
      try {
        webhook.verify(body, {
          "svix-id": svixId,
          "svix-timestamp": String(req.headers["svix-timestamp"] ?? ""),
          "svix-signature": String(req.headers["svix-signature"] ?? ""),
        });
        verified = true;
      } catch (error) {
        verifyError = (error as Error).message;
      }
      const received: ReceivedRequest = {
        at: Date.now(),
        path: req.url ?? "/",
        svixId,
        svixTimestamp: String(req.headers["svix-timestamp"] ?? ""),
        headers: req.headers,
        body,
        verified,
        verifyError,
      };
      const index = requests.push(received) - 1;
      if ((inFlight.get(svixId) ?? 0) > 0) concurrentDuplicates.push(svixId);
      inFlight.set(svixId, (inFlight.get(svixId) ?? 0) + 1);
      open++;
      maxConcurrent = Math.max(maxConcurrent, open);
      const done = () => {
        open--;
        inFlight.set(svixId, (inFlight.get(svixId) ?? 1) - 1);
      };
      res.on("close", done);
      for (const wake of waiters.splice(0)) wake();

      const answer = respondWith(received, index);
      if (answer === "hang") return;
      if (answer === "reset") {
        req.socket.resetAndDestroy();
        return;
      }
      const send = () => {
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        res.end(answer.body ?? "");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    concurrentDuplicates,
    get maxConcurrent() {
      return maxConcurrent;
    },
    get secret() {
      return currentSecret;
    },
    respond(next) {
      respondWith = next;
    },
    useSecret(next) {
      webhook = new Webhook(next);
      currentSecret = next;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
