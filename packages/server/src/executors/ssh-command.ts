import { NodeError } from './executor.js';
import { shellJoin, shellQuote } from './shell-quote.js';

/**
 * The remote command lines the SSH executor sends. sshd hands every command line to the user's
 * login shell (`$SHELL -c LINE`), which may be bash, dash, zsh or worse, so each line is a plain
 * `/bin/sh -c 'SCRIPT' sh ARG…`: one quoted POSIX script, arguments as separate quoted words, no
 * newline and no `!` in the line itself (csh-like shells choke on those inside quotes).
 */
export function shCommand(script: string, ...args: string[]): string {
  return shellJoin(['/bin/sh', '-c', script, 'sh', ...args]);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The last line of the environment script: its absence means the script was cut short. */
const ENV_SENTINEL = '__pont_env=ok';

/**
 * The environment of a step as a shell script of `export NAME='value'` lines, sent on the channel's
 * stdin rather than on the command line, where anyone on the node could read it in `ps`.
 */
export function environmentScript(env: Record<string, string>): string {
  let script = '';
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw new NodeError(
        `invalid environment variable name ${JSON.stringify(name)}: use letters, digits and _`,
      );
    }
    if (name === '__pont_env') throw new NodeError('the environment variable name __pont_env is reserved');
    if (value.includes('\0')) throw new NodeError(`environment variable ${name} contains a NUL byte`);
    script += `export ${name}=${shellQuote(value)}\n`;
  }
  return `${script}${ENV_SENTINEL}\n`;
}

/**
 * The bootstrap every step runs under, as a /bin/sh script taking `$1` = the process group marker,
 * `$2` = the command line to exec, `$3` = the working directory (optional).
 *
 * 1. A `read` loop takes the whole of stdin (the environment script, then EOF) and evals it.
 *    Reading to EOF instead of a byte count needs no `head -c` (not POSIX, differs in busybox)
 *    and no character/byte arithmetic; the sentinel on its last line proves the script arrived
 *    whole, so a cut connection can never run the command with half its environment.
 * 2. stdin is then /dev/null, like the local executor: nothing else ever arrives on it.
 * 3. The command must lead its own process group so a kill reaches everything it started.
 *    OpenSSH's sshd already calls setsid() for every session, making this shell (pid $$) a
 *    session and group leader: `kill -0 -$$` proves it, and `exec` keeps pid and group. Where a
 *    server does not (then `kill -0 -$$` fails), `setsid` makes us one; it does not fork because
 *    we are not a group leader, so the exit status and signal still reach sshd directly.
 * 4. Just before exec, the marker line `MARKER<pgid>` goes to stderr; the executor parses it to
 *    know which group to signal and strips it from the output.
 */
const BOOTSTRAP = [
  // Builtins only (no `$(cat)`): every fork on the node costs CPU on each step of each node.
  // POSIX sh starts with IFS = space, tab, newline, so `${IFS#??}` is a newline without writing one.
  '__n=${IFS#??}; __s=; while IFS= read -r __l || [ -n "$__l" ]; do __s="$__s$__l$__n"; done',
  `eval "$__s" && [ "\${__pont_env-}" = ok ] || { echo "pont: the step environment did not arrive whole" >&2; exit 125; }`,
  'unset __pont_env __n __s __l',
  'exec </dev/null',
  'if [ -n "${3-}" ]; then cd -- "$3" || exit 1; fi',
  `if kill -0 -$$ 2>/dev/null; then echo "$1$$" >&2; eval "exec $2"; else exec setsid /bin/sh -c 'echo "$1$$" >&2; eval "exec $2"' sh "$1" "$2"; fi`,
].join('; ');

/** The full command line of a step. `command` is already a shell-quoted command line. */
export function stepCommand(marker: string, command: string, cwd?: string): string {
  return `exec ${shCommand(BOOTSTRAP, marker, command, ...(cwd !== undefined ? [cwd] : []))}`;
}

/** The command line for argv (run as is, each word quoted) or a shell string (`/bin/sh -c`). */
export function commandLine(request: { argv?: string[]; shell?: string }): string {
  if (request.shell !== undefined) return shellJoin(['/bin/sh', '-c', request.shell]);
  const argv = request.argv ?? [];
  if (argv.length === 0 || argv[0] === '') throw new NodeError('nothing to run: the command is empty');
  return shellJoin(argv);
}

export function killGroupCommand(pgid: number, signal: 'TERM' | 'KILL'): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  return shCommand(`kill -${signal} -${pgid} 2>/dev/null; exit 0`);
}

/** Prints the sha256 of `$1` with whichever tool the node has; exit 127 when it has none. */
export function sha256Command(path: string): string {
  return shCommand(
    'if command -v sha256sum >/dev/null 2>&1; then sha256sum < "$1"; ' +
      'elif command -v shasum >/dev/null 2>&1; then shasum -a 256 < "$1"; ' +
      'elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 < "$1"; ' +
      'else exit 127; fi',
    path,
  );
}

export function parseSha256(output: string): string | undefined {
  return /\b([0-9a-f]{64})\b/i.exec(output)?.[1]?.toLowerCase();
}

export const MKTEMP_COMMAND = shCommand('umask 077 && mktemp -d "${TMPDIR:-/tmp}/pont-step.XXXXXXXXXX"');

export function removeTreeCommand(path: string): string {
  return shCommand('rm -rf -- "$1"', path);
}

export function renameCommand(from: string, to: string): string {
  return shCommand('mv -f -- "$1" "$2"', from, to);
}

/**
 * Finds the bootstrap's marker line in a stderr stream and removes it. Output before the marker
 * (a login script that prints, say) passes through; after it, chunks pass through untouched.
 */
export class PgidMarkerFilter {
  pgid: number | undefined;
  private pending = Buffer.alloc(0);
  private readonly pattern: RegExp;

  constructor(private readonly marker: string) {
    this.pattern = new RegExp(`${marker.replace(/[^A-Za-z0-9]/g, '\\$&')}(\\d+)\\r?$`);
  }

  get found(): boolean {
    return this.pgid !== undefined;
  }

  /** Returns the output to pass on for this chunk (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (this.found) return chunk;
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    for (let newline = this.pending.indexOf(10); newline >= 0; newline = this.pending.indexOf(10)) {
      const line = this.pending.subarray(0, newline);
      const rest = this.pending.subarray(newline + 1);
      const match = this.pattern.exec(line.toString('latin1'));
      if (match) {
        this.pgid = Number(match[1]);
        out.push(line.subarray(0, match.index), rest);
        this.pending = Buffer.alloc(0);
        return Buffer.concat(out);
      }
      out.push(this.pending.subarray(0, newline + 1));
      this.pending = rest;
    }
    // A long line without a newline cannot hide a marker beyond its last few bytes.
    const keep = this.marker.length + 24;
    if (this.pending.length > 4096) {
      out.push(this.pending.subarray(0, this.pending.length - keep));
      this.pending = this.pending.subarray(this.pending.length - keep);
    }
    return Buffer.concat(out);
  }

  /** What is still held back when the stream ends. */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}
