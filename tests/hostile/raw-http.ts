// A raw HTTP/1.1 client over a socket: hostile requests need bytes no well-behaved
// client library will send (duplicated or oversized headers, broken chunking, bodies
// trickled a byte at a time).
import net from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: [string, string][];
  body?: Buffer | string;
  /** Write the request in pieces with pauses (ms) between them. */
  trickle?: { chunkBytes: number; pauseMs: number };
  /** Send this exact head+body instead of building one. */
  raw?: Buffer;
}

export function sendRaw(port: number, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let finished = false;
    const timer = setTimeout(() => {
      socket.destroy();
      if (!finished) reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      // Closed without a word (e.g. CONNECT with no tunnel handler): status 0.
      if (text.length === 0) return resolve({ status: 0, headers: {}, body: "" });
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!match) return reject(new Error(`no HTTP response (got ${JSON.stringify(text.slice(0, 80))})`));
      const [head, ...rest] = text.split("\r\n\r\n");
      const headers: Record<string, string> = {};
      for (const line of head!.split("\r\n").slice(1)) {
        const i = line.indexOf(":");
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(match[1]), headers, body: rest.join("\r\n\r\n") });
    };
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      // Answer complete? (we always ask for Connection: close, so the end also tells)
      const text = Buffer.concat(chunks).toString("latin1");
      const headEnd = text.indexOf("\r\n\r\n");
      const length = /content-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1];
      if (headEnd >= 0 && length !== undefined && Buffer.byteLength(text.slice(headEnd + 4), "latin1") >= Number(length)) {
        done();
        socket.destroy();
      }
    });
    socket.on("end", done);
    socket.on("close", done);
    // The server may close while we are still writing (413, 408): read what it said.
    socket.on("error", done);
    socket.on("connect", async () => {
      const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
      const head = request.raw
        ? null
        : Buffer.from(
            `${request.method ?? "POST"} ${request.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n` +
              (request.headers ?? []).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
              (request.headers?.some(([k]) => /^(content-length|transfer-encoding)$/i.test(k)) ? "" : `Content-Length: ${body.length}\r\n`) +
              "\r\n",
            "latin1",
          );
      const payload = request.raw ?? Buffer.concat([head!, body]);
      if (!request.trickle) {
        socket.write(payload);
        return;
      }
      for (let offset = 0; offset < payload.length && !socket.destroyed && !finished; offset += request.trickle.chunkBytes) {
        socket.write(payload.subarray(offset, offset + request.trickle.chunkBytes));
        await new Promise((r) => setTimeout(r, request.trickle!.pauseMs));
      }
    });
  });
}
