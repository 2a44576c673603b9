// HTTP helpers for the jobs benchmark: keep-alive JSON calls and a lean Server-Sent Events reader
// (node:http, no parsing of line payloads beyond what the checks need, so the client stays cheap
// next to the server on a small shared machine).
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One JSON request; resolves {status, body}; rejects on a network error or after timeoutMs. */
export function call(url, token, method, path, body, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like call() but throws unless the status is the expected one. */
export async function ok(url, token, method, path, body, expected = [200, 201]) {
  const res = await call(url, token, method, path, body);
  if (!expected.includes(res.status))
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 800)}`);
  return res.body;
}

/**
 * Follows an execution's log over SSE until `event: end`. Counts line events by stream, checks
 * that ids are consecutive from 0, keeps the last stdout line, the final state and the times of
 * the first line and of the end.
 */
export function follow(url, token, project, id, { timeoutMs = 120_000, keepLines = false } = {}) {
  return new Promise((resolve, reject) => {
    const result = {
      lines: 0,
      stdout: 0,
      stderr: 0,
      system: 0,
      gaps: 0,
      lastStdout: undefined,
      state: undefined,
      firstLineAt: undefined,
      endAt: undefined,
      kept: [],
    };
    let expectId = 0;
    let buffer = '';
    const req = http.get(
      `${url}/api/v1/projects/${project}/executions/${id}/log?follow=1`,
      { agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => reject(new Error(`follow ${id}: ${res.statusCode} ${text.slice(0, 500)}`)));
          return;
        }
        res.setEncoding('utf8');
        const onEvent = (ev) => {
          if (ev.charCodeAt(0) === 58 /* ':' comment */) return;
          if (ev.startsWith('id: ')) {
            const nl = ev.indexOf('\n');
            const seq = Number(ev.slice(4, nl));
            if (seq !== expectId) result.gaps++;
            expectId = seq + 1;
            if (ev.startsWith('event: line\n', nl + 1)) {
              result.lines++;
              result.firstLineAt ??= performance.now();
              const data = ev.slice(ev.indexOf('data: ', nl) + 6);
              if (data.includes('"stream":"stdout"')) {
                result.stdout++;
                result.lastStdout = data;
              } else if (data.includes('"stream":"stderr"')) result.stderr++;
              else result.system++;
              if (keepLines) result.kept.push(data);
            }
            return;
          }
          if (ev.startsWith('event: end\n')) {
            result.endAt = performance.now();
            result.state = JSON.parse(ev.slice(ev.indexOf('data: ') + 6)).state;
          }
        };
        res.on('data', (chunk) => {
          buffer += chunk;
          const cut = buffer.lastIndexOf('\n\n');
          if (cut < 0) return;
          const complete = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          for (const ev of complete.split('\n\n')) onEvent(ev);
        });
        res.on('end', () => {
          clearTimeout(timer);
          if (buffer.trim()) for (const ev of buffer.split('\n\n')) onEvent(ev);
          if (!result.state)
            reject(new Error(`follow ${id}: stream ended without an end event (${result.lines} lines)`));
          else {
            if (result.lastStdout) result.lastStdout = JSON.parse(result.lastStdout).line;
            resolve(result);
          }
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`follow ${id}: not finished after ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export function closeAgent() {
  agent.destroy();
}
