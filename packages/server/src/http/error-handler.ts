import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, type ErrorDetail, PontError, statusOf } from '../errors/index.js';
import { pointerToPath } from '../modules/resources/schema-validator.js';

/** Fastify's own errors (body parsing, limits, schema validation) mapped onto pont's codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

export function toPontError(error: unknown): PontError {
  if (error instanceof PontError) return error;
  const fe = error as FastifyError & {
    validation?: Array<{ instancePath: string; message?: string }>;
    validationContext?: string;
  };
  if (fe?.validation) {
    const where = fe.validationContext ?? 'body';
    const details: ErrorDetail[] = fe.validation.map((v) => ({
      path: [where === 'body' ? '' : where, pointerToPath(v.instancePath)].filter(Boolean).join('.'),
      message: v.message ?? 'invalid value',
    }));
    return new PontError(
      'VALIDATION_FAILED',
      `invalid ${where}: ${details[0]?.message ?? ''}`.trim(),
      details,
    );
  }
  const mapped = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) {
    const message =
      mapped === 'PAYLOAD_TOO_LARGE'
        ? 'request body is larger than the configured limit (PONT_BODY_LIMIT)'
        : fe.message;
    return new PontError(mapped, message);
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new PontError('BAD_REQUEST', fe.message);
  }
  return new PontError('INTERNAL', 'internal error; the server log has the details');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const pontError = toPontError(error);
    if (pontError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    else request.log.debug({ code: pontError.code }, pontError.message);
    void reply.status(statusOf(pontError.code)).headers(pontError.headers).send(pontError.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new PontError(
      'ROUTE_NOT_FOUND',
      `no route ${request.method} ${request.url.split('?')[0]}`,
      [{ path: 'url', message: 'see /api/openapi.json for the routes pont serves' }],
    );
    void reply.status(404).send(error.toJSON());
  });
}
