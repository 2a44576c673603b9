import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import {
  type CommandRequest,
  type CommandResult,
  type ExecNode,
  type Executor,
  NodeError,
  type NodeSession,
} from './executor.js';
import { sha256File } from './file-hash.js';
import {
  commandLine,
  environmentScript,
  killGroupCommand,
  MKTEMP_COMMAND,
  PgidMarkerFilter,
  parseSha256,
  removeTreeCommand,
  renameCommand,
  sha256Command,
  stepCommand,
} from './ssh-command.js';
import { connectNode, execCollect, nodeAddress, openExec, openSftp, Slots } from './ssh-connection.js';

export interface SshExecutorOptions {
  /** TCP connect + handshake + authentication. Default 20 s. */
  connectTimeoutMs?: number;
  /** SSH keepalive interval; the connection is declared dead after 3 missed answers. Default 15 s. */
  keepaliveMs?: number;
  /**
   * Channels one session opens at once for commands, SFTP and helpers (default 8). OpenSSH refuses
   * more than MaxSessions (10 by default) per connection; two more are kept for kill requests, so
   * an abort can always get through. Further runs wait for a free channel.
   */
  maxChannels?: number;
}

/** Time given to a node to close a channel after the group was SIGKILLed before we close it ourselves. */
const CLOSE_AFTER_KILL_MS = 2000;

/**
 * Runs commands on nodes over SSH (the `ssh2` package): one connection per open(), many channels
 * on it. See ssh-command.ts for how the environment and the process group are handled remotely.
 */
export function createSshExecutor(options: SshExecutorOptions = {}): Executor {
  const connectOptions = {
    connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
    keepaliveMs: options.keepaliveMs ?? 15_000,
  };
  const maxChannels = Math.max(1, options.maxChannels ?? 8);
  return {
    async open(node, hooks) {
      const client = await connectNode(node, connectOptions, hooks);
      return new SshSession(node, client, new Slots(maxChannels), new Slots(2));
    },
  };
}

interface ActiveRun {
  pgid?: number;
  /** Resolves once the run's channel has closed. */
  done: Promise<void>;
}

/** How long close() waits for killed commands to report their end before hanging up. */
const CLOSE_WAIT_MS = 5000;

class SshSession implements NodeSession {
  private readonly address: string;
  private closed = false;
  private lost: string | undefined;
  private readonly active = new Set<ActiveRun>();
  private sftpSession: Promise<{ sftp: SFTPWrapper; release(): void }> | undefined;
  private tempDir: Promise<string> | undefined;
  private tempCount = 0;
  private readonly ended: Promise<void>;

  constructor(
    private readonly node: ExecNode,
    private readonly client: Client,
    private readonly slots: Slots,
    private readonly controlSlots: Slots,
  ) {
    this.address = nodeAddress(node);
    this.ended = new Promise((resolve) => client.once('close', () => resolve()));
    client.on('error', (error) => {
      this.lost ??= error.message;
    });
    client.once('close', () => {
      this.lost ??= 'connection closed';
    });
  }

  private what(action: string): string {
    return `node ${this.node.name} (${this.address}): ${action}`;
  }

  private ensureUsable(action: string): void {
    if (this.closed) throw new NodeError(this.what(`${action}: the session is closed`));
    if (this.lost !== undefined) throw new NodeError(this.what(`${action}: connection lost (${this.lost})`));
  }

  async run(request: CommandRequest): Promise<CommandResult> {
    this.ensureUsable('run');
    const command = commandLine(request);
    const envScript = environmentScript(request.env);
    if (request.signal.aborted) return { exitCode: null, aborted: true };
    const marker = `pont-pgid-${randomBytes(8).toString('hex')}:`;
    let channel: ClientChannel;
    try {
      const line = stepCommand(marker, command, request.cwd);
      channel = await openExec(
        this.client,
        this.slots,
        line,
        this.what('cannot start command'),
        request.signal,
      );
    } catch (error) {
      // Aborted while waiting for a free channel: it never started.
      if (request.signal.aborted) return { exitCode: null, aborted: true };
      throw error;
    }
    let channelClosed = () => {};
    const run: ActiveRun = { done: new Promise((resolve) => (channelClosed = resolve)) };
    this.active.add(run);
    const filter = new PgidMarkerFilter(marker);
    return new Promise<CommandResult>((resolve, reject) => {
      let exit: { code: number | null; signal?: string } | undefined;
      let aborted = false;
      let killWhenKnown: 'TERM' | undefined;
      const timers: NodeJS.Timeout[] = [];
      const onAbort = () => {
        aborted = true;
        if (run.pgid !== undefined) void this.signalGroup(run.pgid, 'TERM');
        else killWhenKnown = 'TERM';
        timers.push(
          setTimeout(() => {
            if (run.pgid !== undefined) void this.signalGroup(run.pgid, 'KILL');
            timers.push(setTimeout(() => channel.close(), CLOSE_AFTER_KILL_MS));
          }, request.graceMs ?? 5000),
        );
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      channel.on('data', (chunk: Buffer) => request.onOutput('stdout', chunk));
      channel.stderr.on('data', (chunk: Buffer) => {
        const wasFound = filter.found;
        const out = filter.push(chunk);
        if (out.length > 0) request.onOutput('stderr', out);
        if (!wasFound && filter.pgid !== undefined) {
          run.pgid = filter.pgid;
          if (killWhenKnown) void this.signalGroup(filter.pgid, killWhenKnown);
        }
      });
      channel.on('exit', (code: number | null, signal?: string) => {
        exit = { code, ...(signal ? { signal } : {}) };
      });
      channel.on('close', () => {
        request.signal.removeEventListener('abort', onAbort);
        for (const timer of timers) clearTimeout(timer);
        this.active.delete(run);
        channelClosed();
        const rest = filter.flush();
        if (rest.length > 0) request.onOutput('stderr', rest);
        const finish = () => {
          if (exit)
            resolve({ exitCode: exit.code, ...(exit.signal ? { signal: exit.signal } : {}), aborted });
          else if (aborted) resolve({ exitCode: null, aborted });
          else
            reject(
              new NodeError(
                this.what(`connection lost while the command ran${this.lost ? ` (${this.lost})` : ''}`),
              ),
            );
        };
        // Whatever the leader did, nothing it started may outlive an aborted step.
        if (aborted && run.pgid !== undefined) void this.signalGroup(run.pgid, 'KILL').then(finish);
        else finish();
      });
      channel.on('error', () => {
        // Reported through 'close'; without a listener an error would crash the server.
      });
      // The environment goes on stdin, then EOF: the bootstrap reads it all before exec.
      channel.end(envScript);
      if (request.signal.aborted) onAbort();
    });
  }

  /** Best effort: signal a remote process group from a second channel. Never throws. */
  private async signalGroup(pgid: number, signal: 'TERM' | 'KILL'): Promise<void> {
    if (this.lost !== undefined) return;
    try {
      await execCollect(
        this.client,
        this.controlSlots,
        killGroupCommand(pgid, signal),
        this.what(`kill ${signal}`),
      );
    } catch {
      // The connection is gone: there is no way left to reach the group from here.
    }
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= openSftp(this.client, this.slots, this.what('sftp'));
    const pending = this.sftpSession;
    pending.catch(() => {
      if (this.sftpSession === pending) this.sftpSession = undefined;
    });
    return pending.then((s) => s.sftp);
  }

  async copy(
    localPath: string,
    remotePath: string,
    options: { mode?: number; sha256: string },
  ): Promise<void> {
    this.ensureUsable('copy');
    const expected = options.sha256.toLowerCase();
    const local = await sha256File(localPath);
    if (local !== expected) {
      throw new NodeError(
        `local file ${localPath} has sha256 ${local}, expected ${expected}; nothing was copied`,
      );
    }
    const mode = options.mode ?? (await stat(localPath)).mode & 0o7777;
    const sftp = await this.sftp();
    // Write beside the target and rename over it once verified: a reader (Tomcat watching its
    // webapps/, a running binary) never sees a half-written or corrupt file. The dot name keeps
    // watchers that match on extension away from the temporary file.
    const dir = posix.dirname(remotePath);
    const temp = posix.join(dir, `.${posix.basename(remotePath)}.pont-${randomBytes(6).toString('hex')}`);
    try {
      await sftpCall<void>(
        (cb) => sftp.fastPut(localPath, temp, { mode }, cb),
        this.what(`copy ${localPath} to ${remotePath}`),
      );
      await sftpCall<void>((cb) => sftp.chmod(temp, mode, cb), this.what(`chmod ${remotePath}`));
      const remote = await this.remoteSha256(sftp, temp);
      if (remote !== expected) {
        throw new NodeError(
          this.what(`checksum mismatch after copying to ${remotePath}: expected ${expected}, got ${remote}`),
        );
      }
      await this.rename(sftp, temp, remotePath);
    } catch (error) {
      await sftpCall<void>((cb) => sftp.unlink(temp, cb), 'cleanup').catch(() => {});
      throw error;
    }
  }

  private async remoteSha256(sftp: SFTPWrapper, path: string): Promise<string | undefined> {
    const result = await execCollect(this.client, this.slots, sha256Command(path), this.what('sha256'));
    const hash = parseSha256(result.stdout);
    if (result.exitCode === 0 && hash) return hash;
    if (result.exitCode !== 127)
      throw new NodeError(this.what(`cannot checksum ${path}: ${result.stderr.trim()}`));
    // No checksum tool on the node: read the file back and hash it here.
    const hashing = createHash('sha256');
    await new Promise<void>((resolve, reject) => {
      sftp
        .createReadStream(path)
        .on('data', (chunk: Buffer) => hashing.update(chunk))
        .on('error', reject)
        .on('end', () => resolve());
    });
    return hashing.digest('hex');
  }

  private async rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
    try {
      await sftpCall<void>((cb) => sftp.ext_openssh_rename(from, to, cb), 'rename');
    } catch {
      // Servers without posix-rename@openssh.com: mv replaces the target just as atomically.
      const moved = await execCollect(this.client, this.slots, renameCommand(from, to), this.what('rename'));
      if (moved.exitCode !== 0)
        throw new NodeError(this.what(`cannot move the copy into ${to}: ${moved.stderr.trim()}`));
    }
  }

  async writeTemp(content: string): Promise<string> {
    this.ensureUsable('writeTemp');
    const dir = await this.ensureTempDir();
    const sftp = await this.sftp();
    const file = posix.join(dir, `script-${++this.tempCount}`);
    const what = this.what(`write ${file}`);
    await sftpCall<void>((cb) => sftp.writeFile(file, content, { mode: 0o700 }, cb), what);
    await sftpCall<void>((cb) => sftp.chmod(file, 0o700, cb), what);
    return file;
  }

  private ensureTempDir(): Promise<string> {
    this.tempDir ??= execCollect(this.client, this.slots, MKTEMP_COMMAND, this.what('mktemp')).then(
      (result) => {
        const dir = result.stdout.trim();
        if (result.exitCode !== 0 || !dir.startsWith('/')) {
          this.tempDir = undefined;
          throw new NodeError(
            this.what(`mktemp -d failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`),
          );
        }
        return dir;
      },
    );
    return this.tempDir;
  }

  /**
   * Removes the session's temporary files and ends the connection. Commands still running are
   * killed (their whole group) first: nothing started by a session outlives it.
   */
  async close(): Promise<void> {
    if (this.closed) return this.ended;
    this.closed = true;
    if (this.lost === undefined) {
      const runs = [...this.active];
      await Promise.all(
        runs.map((run) => (run.pgid !== undefined ? this.signalGroup(run.pgid, 'KILL') : undefined)),
      );
      // Let them report how they ended (SIGKILL) rather than cutting them off mid-channel.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(runs.map((run) => run.done)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      const dir = await this.tempDir?.catch(() => undefined);
      if (dir)
        await execCollect(this.client, this.slots, removeTreeCommand(dir), this.what('cleanup')).catch(
          () => {},
        );
    }
    const sftp = await this.sftpSession?.catch(() => undefined);
    sftp?.sftp.end();
    this.client.end();
    const timer = setTimeout(() => this.client.destroy(), 5000);
    await this.ended;
    clearTimeout(timer);
  }
}

function sftpCall<T>(
  start: (callback: (error: Error | null | undefined, value?: T) => void) => void,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, value) => {
      if (error) reject(new NodeError(`${what}: ${error.message}`));
      else resolve(value as T);
    });
  });
}
