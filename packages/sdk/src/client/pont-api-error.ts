export interface ApiErrorDetail {
  path?: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  document?: number;
  expected?: string;
}

/** An error answer from the pont API: `{error: {code, message, details}}` plus the HTTP status. */
export class PontApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ApiErrorDetail[];

  constructor(status: number, code: string, message: string, details: ApiErrorDetail[] = []) {
    super(message);
    this.name = 'PontApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}
