import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { type ExecNode, NodeError, type OpenHooks } from './executor.js';
import { decideHostKey } from './ssh-host-key.js';

export interface ConnectOptions {
  connectTimeoutMs: number;
  keepaliveMs: number;
}

export function nodeAddress(node: ExecNode): string {
  const port = node.port ?? 22;
  return node.hostname.includes(':') ? `[${node.hostname}]:${port}` : `${node.hostname}:${port}`;
}

/**
 * Opens one authenticated SSH connection to a node, verifying its host key first. Every failure
 * becomes a NodeError naming the node, its address and the reason.
 */
export function connectNode(node: ExecNode, options: ConnectOptions, hooks: OpenHooks = {}): Promise<Client> {
  const address = nodeAddress(node);
  if (!node.username) {
    return Promise.reject(new NodeError(`node ${node.name} has no username: set spec.username`));
  }
  const credentials = node.credentials;
  if (!credentials?.value) {
    return Promise.reject(
      new NodeError(`node ${node.name} (${address}) has no credentials: give it a key or a password`),
    );
  }
  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let hostKeyProblem: string | undefined;
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(new NodeError(message));
    };
    const hostVerifier = (key: Buffer, verify: (valid: boolean) => void): void => {
      const decision = decideHostKey(node, address, key);
      if (!decision.accept) {
        hostKeyProblem = decision.reason;
        verify(false);
      } else if (decision.trustedOnFirstUse === undefined || !hooks.onHostKeyTrusted) {
        verify(true);
      } else {
        const fingerprint = decision.trustedOnFirstUse;
        Promise.resolve()
          .then(() => hooks.onHostKeyTrusted?.(fingerprint))
          .then(
            () => verify(true),
            (error: unknown) => {
              hostKeyProblem = `node ${node.name} (${address}): could not record its host key ${fingerprint}: ${(error as Error).message}`;
              verify(false);
            },
          );
      }
    };
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      fail(hostKeyProblem ?? describeConnectError(node, address, credentials.type, options, error));
    });
    client.on('close', () =>
      fail(hostKeyProblem ?? `cannot connect to node ${node.name} (${address}): connection closed`),
    );
    // Servers that take passwords only through PAM ask for them as keyboard-interactive prompts.
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => (credentials.type === 'password' ? credentials.value : '')));
    });
    const config: ConnectConfig = {
      host: node.hostname,
      port: node.port ?? 22,
      username: node.username,
      readyTimeout: options.connectTimeoutMs,
      keepaliveInterval: options.keepaliveMs,
      keepaliveCountMax: 3,
      hostVerifier,
      ...(credentials.type === 'key'
        ? {
            privateKey: credentials.value,
            ...(credentials.passphrase ? { passphrase: credentials.passphrase } : {}),
          }
        : { password: credentials.value, tryKeyboard: true }),
    };
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 parses the private key synchronously: a bad key or a missing passphrase lands here.
      fail(`node ${node.name} (${address}): unusable private key: ${(error as Error).message}`);
    }
  });
}

function describeConnectError(
  node: ExecNode,
  address: string,
  credentialType: 'key' | 'password',
  options: ConnectOptions,
  error: Error & { level?: string; code?: string },
): string {
  const prefix = `cannot connect to node ${node.name} (${address})`;
  if (error.level === 'client-authentication') {
    return `${prefix}: authentication as ${node.username} with its ${credentialType === 'key' ? 'private key' : 'password'} failed (${error.message}); check the node's credentials secret and the user's authorized_keys`;
  }
  if (error.level === 'client-timeout') return `${prefix}: timed out after ${options.connectTimeoutMs} ms`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${prefix}: connection refused (is sshd running and listening on port ${node.port ?? 22}?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${prefix}: host name ${node.hostname} not found`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${prefix}: host unreachable`;
    case 'ETIMEDOUT':
      return `${prefix}: timed out`;
    case 'ECONNRESET':
      return `${prefix}: connection reset by the node`;
  }
  return `${prefix}: ${error.message}`;
}

/** A counting semaphore: OpenSSH allows 10 channels per connection (MaxSessions) by default. */
export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  /** Waits for a free slot; rejects with an AbortError if `signal` aborts while waiting. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.used < this.capacity) this.used++;
    else {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const index = this.waiting.indexOf(wake);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal?.reason);
        };
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    };
  }
}

/** Opens an exec channel, holding a slot until the channel closes. */
export async function openExec(
  client: Client,
  slots: Slots,
  command: string,
  what: string,
  signal?: AbortSignal,
): Promise<ClientChannel> {
  const release = await slots.acquire(signal);
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => {
      release();
      reject(new NodeError(`${what}: ${error.message}`));
    };
    try {
      client.exec(command, (error, channel) => {
        if (error) return failed(error);
        channel.once('close', release);
        resolve(channel);
      });
    } catch (error) {
      failed(error as Error);
    }
  });
}

export interface ExecOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short helper command (mktemp, sha256sum, kill, rm) and collects its output. */
export async function execCollect(
  client: Client,
  slots: Slots,
  command: string,
  what: string,
): Promise<ExecOutput> {
  const channel = await openExec(client, slots, command, what);
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exitCode: number | null = null;
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('exit', (code: number | null) => {
      exitCode = code;
    });
    channel.on('close', () =>
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    channel.end();
  });
}

export async function openSftp(
  client: Client,
  slots: Slots,
  what: string,
): Promise<{ sftp: SFTPWrapper; release(): void }> {
  const release = await slots.acquire();
  return new Promise((resolve, reject) => {
    try {
      client.sftp((error, sftp) => {
        if (error) {
          release();
          reject(new NodeError(`${what}: cannot start SFTP: ${error.message}`));
          return;
        }
        sftp.once('close', release);
        resolve({ sftp, release });
      });
    } catch (error) {
      release();
      reject(new NodeError(`${what}: cannot start SFTP: ${(error as Error).message}`));
    }
  });
}
