export type {
  CommandRequest,
  CommandResult,
  CopyOptions,
  ExecNode,
  Executor,
  NodeSession,
  OpenHooks,
  OutputStream,
} from './executor.js';
export { NodeError } from './executor.js';
export { sha256File } from './file-hash.js';
export { baseEnvironment, createLocalExecutor } from './local-executor.js';
export { createDirectLauncher, createSpawnerLauncher, type ProcessLauncher } from './process-launcher.js';
export { shellJoin, shellQuote, splitWords } from './shell-quote.js';
export { createSshExecutor, type SshExecutorOptions } from './ssh-executor.js';
export { fingerprintMatches, sshFingerprint } from './ssh-host-key.js';
