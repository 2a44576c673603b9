import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseStream {
  send(event: string, data: string, id?: string): void;
  close(): void;
  readonly closed: boolean;
}

/** Streams that are open, so shutdown can end them (a stream never finishes on its own). */
export function createSseRegistry(heartbeatMs: number) {
  const open = new Set<SseStream>();
  return {
    /** Takes over the response and returns a stream; `onClose` runs once when either side ends it. */
    open(
      request: FastifyRequest,
      reply: FastifyReply,
      headers: Record<string, string>,
      onClose: () => void,
    ): SseStream {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        ...headers,
      });
      raw.flushHeaders?.();
      request.raw.socket?.setNoDelay?.(true);
      let closed = false;
      const heartbeat = setInterval(() => {
        if (!closed) raw.write(':\n\n');
      }, heartbeatMs);
      heartbeat.unref();
      const stream: SseStream = {
        send(event, data, id) {
          if (closed) return;
          let text = id !== undefined ? `id: ${id}\n` : '';
          text += `event: ${event}\n`;
          for (const line of data.split('\n')) text += `data: ${line}\n`;
          raw.write(`${text}\n`);
        },
        close() {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          open.delete(stream);
          onClose();
          raw.end();
        },
        get closed() {
          return closed;
        },
      };
      open.add(stream);
      raw.on('close', () => stream.close());
      return stream;
    },
    closeAll(): void {
      for (const stream of [...open]) stream.close();
    },
    get size(): number {
      return open.size;
    },
  };
}

export type SseRegistry = ReturnType<typeof createSseRegistry>;
