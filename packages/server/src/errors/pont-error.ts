import type { ErrorCode } from './error-codes.js';

/** One problem inside a request or file, located by field path and, for YAML, line and column. */
export interface ErrorDetail {
  path?: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Index of the document in a multi-document apply. */
  document?: number;
  expected?: string;
}

/** The one error type pont code throws; the HTTP layer maps `code` to a status by one table. */
export class PontError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** Extra response headers (Retry-After for RATE_LIMITED). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetail[] = [],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PontError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const notFound = (what: string): PontError => new PontError('NOT_FOUND', `${what} not found`);
export const forbidden = (message: string): PontError => new PontError('FORBIDDEN', message);
export const badRequest = (message: string, details: ErrorDetail[] = []): PontError =>
  new PontError('BAD_REQUEST', message, details);
