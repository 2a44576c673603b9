export { readEventStream, type ServerEvent } from './event-stream.js';
export { type FollowOptions, followExecutionLog, type LogLine } from './executions.js';
export { type ApiErrorDetail, PontApiError } from './pont-api-error.js';
export {
  buildUrl,
  createPontClient,
  type PontClient,
  type PontClientOptions,
  type RequestOptions,
} from './pont-client.js';
