export { ERROR_CODES, type ErrorCode, type ErrorKind, statusOf } from './error-codes.js';
export { badRequest, type ErrorDetail, forbidden, notFound, PontError } from './pont-error.js';
