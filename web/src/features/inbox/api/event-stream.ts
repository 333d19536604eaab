/** What a text/event-stream carries: an event, or the reconnection time the server asks for. */
export type StreamMessage =
  { type: "event"; id: string | undefined; event: string; data: string } | { type: "retry"; milliseconds: number };

/**
 * The messages of a text/event-stream body, by the rules of the HTML standard: lines end with
 * CRLF, LF or CR; `field: value`; a blank line ends an event; a line starting with a colon is a
 * comment (the server's heartbeat).
 */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let lastId: string | undefined;
  let event = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = LINE_END.exec(buffer); end; end = LINE_END.exec(buffer)) {
        // A CR that ends the buffer may be the first half of a CRLF still on its way.
        if (end[0] === "\r" && end.index === buffer.length - 1) break;
        const line = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        if (line === "") {
          if (data.length > 0) yield { type: "event", id: lastId, event: event || "message", data: data.join("\n") };
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const fieldValue = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") data.push(fieldValue);
        else if (field === "event") event = fieldValue;
        else if (field === "id" && !fieldValue.includes("\0")) lastId = fieldValue;
        else if (field === "retry" && /^\d+$/.test(fieldValue))
          yield { type: "retry", milliseconds: Number(fieldValue) };
      }
    }
  } finally {
    // Also when the reader stops early: the connection is let go.
    await reader.cancel().catch(() => undefined);
  }
}

const LINE_END = /\r\n|\r|\n/;
