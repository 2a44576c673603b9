/**
 * How a job step reaches a node. One interface, several executors (local child processes, SSH,
 * later Kubernetes). Options and secrets travel in `env`, never inside the command text.
 */

export interface ExecNode {
  name: string;
  hostname: string;
  port?: number;
  username?: string;
  executor: 'local' | 'ssh';
  tags: string[];
  attributes: Record<string, string>;
  /** Already revealed from the node's Secret by the caller. */
  credentials?: { type: 'key' | 'password'; value: string; passphrase?: string };
  hostKey?: { fingerprint?: string; trustOnFirstUse?: boolean };
}

export type OutputStream = 'stdout' | 'stderr';

export interface CommandRequest {
  /** Run without a shell: argv[0] is the program. Exactly one of argv and shell is set. */
  argv?: string[];
  /** Run through `/bin/sh -c`. */
  shell?: string;
  env: Record<string, string>;
  cwd?: string;
  /** Aborting ends the command: SIGTERM to its whole process group, SIGKILL after `graceMs`. */
  signal: AbortSignal;
  graceMs?: number;
  /** Raw output as it arrives; the caller splits lines. */
  onOutput(stream: OutputStream, chunk: Buffer): void;
}

export interface CommandResult {
  /** null when the command was ended by a signal. */
  exitCode: number | null;
  signal?: string;
  /** True when `signal` aborted it. */
  aborted: boolean;
}

export interface CopyOptions {
  /** File mode on the node, e.g. 0o644. */
  mode?: number;
  /** sha256 (hex) of the source; the copy is verified against it on the node. */
  sha256: string;
}

/** A connection to one node, reused by every step of an execution on that node. */
export interface NodeSession {
  run(request: CommandRequest): Promise<CommandResult>;
  /** Copies a local file to `remotePath` (creating no directories) and verifies its checksum. */
  copy(localPath: string, remotePath: string, options: CopyOptions): Promise<void>;
  /** Writes a private (0700) temporary file on the node, removed by close(); returns its path. */
  writeTemp(content: string): Promise<string>;
  close(): Promise<void>;
}

export interface OpenHooks {
  /** Trust on first use: called with the fingerprint seen when the node had none recorded. */
  onHostKeyTrusted?(fingerprint: string): Promise<void> | void;
}

export interface Executor {
  open(node: ExecNode, hooks?: OpenHooks): Promise<NodeSession>;
  /** Releases what the executor keeps between sessions (helper processes). */
  close?(): void;
}

/** A failure reaching or using a node (connection refused, host key mismatch, auth failure). */
export class NodeError extends Error {
  override readonly name = 'NodeError';
}
