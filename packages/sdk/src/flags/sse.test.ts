import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse.js';

describe('SSE parser', () => {
  it('splits events across arbitrary chunks, with CRLF, comments, ids and multi-line data', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    const text =
      ': heartbeat\r\n\r\nid: 7\r\nevent: unleash-updated\r\ndata: {"a":\r\ndata: 1}\r\n\r\ndata: plain\n\nevent: ignored-without-data\n\n';
    for (const ch of text) parser.push(ch);
    expect(events).toEqual([
      { event: 'unleash-updated', data: '{"a":\n1}', id: '7' },
      { event: 'message', data: 'plain', id: '7' },
    ]);
  });

  it('waits for the end of an event before dispatching it', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    parser.push('event: x\ndata: 1\n');
    expect(events).toEqual([]);
    parser.push('\r');
    parser.push('\n');
    expect(events).toEqual([{ event: 'x', data: '1' }]);
  });
});
