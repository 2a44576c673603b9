/**
 * The closed set of error codes pont answers with. Each code has a kind (who has to act) and one
 * HTTP status; `docs/errors.md` documents every code and a test keeps the two in step.
 */
export type ErrorKind = 'user' | 'operational' | 'bug';

export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, kind: 'user', summary: 'The request is malformed or a parameter is invalid.' },
  VALIDATION_FAILED: {
    status: 422,
    kind: 'user',
    summary: 'A resource or body does not match its schema; details give each field path.',
  },
  YAML_SYNTAX: { status: 400, kind: 'user', summary: 'A YAML document cannot be parsed.' },
  UNKNOWN_KIND: { status: 400, kind: 'user', summary: 'The kind is not one pont knows.' },
  UNAUTHENTICATED: { status: 401, kind: 'user', summary: 'No valid session or token was presented.' },
  LOGIN_FAILED: { status: 401, kind: 'user', summary: 'Wrong username or password.' },
  FORBIDDEN: {
    status: 403,
    kind: 'user',
    summary: 'The caller is authenticated but a policy refuses the action.',
  },
  CSRF_FAILED: {
    status: 403,
    kind: 'user',
    summary: 'A cookie-authenticated write came without the matching X-Pont-CSRF header.',
  },
  NOT_FOUND: { status: 404, kind: 'user', summary: 'The resource or record does not exist.' },
  ROUTE_NOT_FOUND: { status: 404, kind: 'user', summary: 'No API route matches the method and path.' },
  RESOURCE_CONFLICT: {
    status: 409,
    kind: 'user',
    summary: 'The resourceVersion sent is stale: someone changed the resource since it was read.',
  },
  ALREADY_EXISTS: { status: 409, kind: 'user', summary: 'A record with this name already exists.' },
  INVALID_STATE: {
    status: 409,
    kind: 'user',
    summary:
      'The record is in a state that does not allow the action (for example killing a finished execution).',
  },
  APPROVAL_REQUIRED: {
    status: 409,
    kind: 'user',
    summary:
      'The change touches a protected environment and must be requested and approved (flag changes: POST /api/v1/projects/{project}/flag-changes).',
  },
  DEPLOYMENT_FROZEN: {
    status: 409,
    kind: 'user',
    summary:
      'The environment is in a freeze window: deployments are refused unless an admin forces one with a reason.',
  },
  PROMOTION_REFUSED: {
    status: 409,
    kind: 'user',
    summary:
      'The version did not run successfully in the environment this one takes versions from (the promotion path).',
  },
  PAYLOAD_TOO_LARGE: { status: 413, kind: 'user', summary: 'The body exceeds the configured size limit.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    kind: 'user',
    summary: 'The body has a content type pont does not accept.',
  },
  RATE_LIMITED: {
    status: 429,
    kind: 'user',
    summary: 'Too many attempts; retry after the Retry-After delay.',
  },
  INTERNAL: { status: 500, kind: 'bug', summary: 'An unexpected error; the server log has the details.' },
  UNAVAILABLE: {
    status: 503,
    kind: 'operational',
    summary: 'A dependency (database, node, peer) cannot be reached or the server is shutting down.',
  },
} as const satisfies Record<string, { status: number; kind: ErrorKind; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
