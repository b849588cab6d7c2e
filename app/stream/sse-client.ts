// A minimal Server-Sent Events reader over fetch, for `hookline listen` and the tests
// (Node 20 has no EventSource). It follows the parsing rules of the spec: fields per
// line, events end at a blank line, comments start with ":".
// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

export interface ServerSentEvent {
  id: string | null;
  event: string;
  data: string;
}

/** Yields each event of a text/event-stream body until it ends. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let text = "";
  let id: string | null = null;
  let event = "";
  let data: string[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = text.search(/\r\n|\r|\n/)) !== -1) {
      const line = text.slice(0, newline);
      text = text.slice(newline + (text.startsWith("\r\n", newline) ? 2 : 1));
      if (line === "") {
        if (data.length) yield { id, event: event || "message", data: data.join("\n") };
        event = "";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "event") event = value;
      else if (field === "id" && !value.includes("\0")) id = value;
    }
  }
}
