import { type ApiErrorDetail, PontApiError } from './pont-api-error.js';

export interface PontClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  server: string;
  token?: string;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Per-request timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as is with `contentType` instead of JSON; a stream is sent as it is read (uploads). */
  rawBody?: string | Uint8Array | ReadableStream<Uint8Array>;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface PontClient {
  readonly server: string;
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** The raw response, for streams (Server-Sent Events, downloads); errors are still thrown. */
  fetchRaw(method: string, path: string, options?: RequestOptions): Promise<Response>;
}

export function buildUrl(server: string, path: string, query?: RequestOptions['query']): string {
  const url = new URL(path, server.endsWith('/') ? server : `${server}/`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** A thin typed client over fetch that turns error answers into PontApiError. */
export function createPontClient(options: PontClientOptions): PontClient {
  const doFetch = options.fetch ?? fetch;
  const server = options.server.replace(/\/+$/, '');

  async function fetchRaw(method: string, path: string, req: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    let body: string | Uint8Array | ReadableStream<Uint8Array> | undefined;
    if (req.rawBody !== undefined) {
      body = req.rawBody;
      headers['content-type'] = req.contentType ?? 'application/octet-stream';
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const signal = req.signal ?? AbortSignal.timeout(options.timeoutMs ?? 60_000);
    let response: Response;
    try {
      const streaming = typeof body === 'object' && body !== null && 'getReader' in body;
      // Node's fetch needs duplex: 'half' to send a body that is still being read.
      const init = {
        method,
        headers,
        body: body as string | undefined,
        signal,
        ...(streaming ? { duplex: 'half' } : {}),
      };
      response = await doFetch(buildUrl(server, path, req.query), init as RequestInit);
    } catch (error) {
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new PontApiError(
        0,
        'UNAVAILABLE',
        `cannot reach pont at ${server}: ${reason}; is the server running (pont server)?`,
      );
    }
    if (!response.ok) throw await toError(response);
    return response;
  }

  return {
    server,
    fetchRaw,
    async request<T>(method: string, path: string, req: RequestOptions = {}): Promise<T> {
      const response = await fetchRaw(method, path, req);
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

async function toError(response: Response): Promise<PontApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; message?: string; details?: ApiErrorDetail[] };
    };
    if (body.error?.code) {
      return new PontApiError(
        response.status,
        body.error.code,
        body.error.message ?? response.statusText,
        body.error.details ?? [],
      );
    }
  } catch {
    // not JSON: fall through
  }
  return new PontApiError(
    response.status,
    'HTTP_ERROR',
    `${response.status} ${response.statusText}: ${text.slice(0, 200)}`,
  );
}
