/**
 * Server-Sent Events read with fetch rather than EventSource. EventSource dispatches one DOM
 * event per message: in Chromium that tops out near 16k log lines a second (a 150k-line log took
 * 12 s), while reading the same stream in chunks takes under 2 s. Same endpoint, same cookies;
 * resuming is the caller's (it knows the next line number, as Last-Event-ID would).
 */

export interface StreamEvent {
  type: string;
  data: string;
  id?: string;
}

/** Splits an SSE byte stream into events as chunks arrive (comments and keep-alives dropped). */
export class EventStreamParser {
  private rest = '';

  push(chunk: string): StreamEvent[] {
    const text = (this.rest + chunk).replace(/\r\n?/g, '\n');
    const blocks = text.split('\n\n');
    this.rest = blocks.pop() ?? '';
    const events: StreamEvent[] = [];
    for (const block of blocks) {
      let type = 'message';
      let data: string | undefined;
      let id: string | undefined;
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') type = value;
        else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
        else if (field === 'id') id = value;
      }
      if (data !== undefined) events.push(id === undefined ? { type, data } : { type, data, id });
    }
    return events;
  }
}

/** Reads the stream to its end, handing over each chunk's events at once. */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvents: (events: StreamEvent[]) => void,
): Promise<void> {
  const parser = new EventStreamParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const events = parser.push(decoder.decode(value, { stream: true }));
    if (events.length > 0) onEvents(events);
  }
}
