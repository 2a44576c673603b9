import { describe, expect, it } from 'vitest';
import { EventStreamParser, readEventStream, type StreamEvent } from './event-stream';

describe('Server-Sent Events parser', () => {
  it('reads events split anywhere across chunks, skipping comments and keep-alives', () => {
    const parser = new EventStreamParser();
    const text =
      ': pont log stream\n\nid: 0\nevent: line\ndata: {"seq":0}\n\n: keep-alive\n\nid: 1\nevent: line\ndata: {"seq":1}\n\nevent: end\ndata: {"state":"succeeded"}\n\n';
    const events: StreamEvent[] = [];
    for (let i = 0; i < text.length; i += 7) events.push(...parser.push(text.slice(i, i + 7)));
    expect(events).toEqual([
      { type: 'line', data: '{"seq":0}', id: '0' },
      { type: 'line', data: '{"seq":1}', id: '1' },
      { type: 'end', data: '{"state":"succeeded"}' },
    ]);
  });

  it('joins multi-line data, accepts CRLF and defaults the type to message', () => {
    const parser = new EventStreamParser();
    expect(parser.push('data: a\r\ndata: b\r\n\r\ndata:c\n\n')).toEqual([
      { type: 'message', data: 'a\nb' },
      { type: 'message', data: 'c' },
    ]);
  });

  it('reads a whole body stream', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder();
        controller.enqueue(encoder.encode('event: line\ndata: 1\n\nevent: li'));
        controller.enqueue(encoder.encode('ne\ndata: 2\n\n'));
        controller.close();
      },
    });
    const seen: string[] = [];
    await readEventStream(body, (events) => seen.push(...events.map((e) => `${e.type}:${e.data}`)));
    expect(seen).toEqual(['line:1', 'line:2']);
  });
});
