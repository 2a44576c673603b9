/**
 * Rundeck's references in commands and scripts, in pont's terms.
 *
 * Rundeck expands `${option.x}`, `${node.name}`, `${job.execid}` in commands and arguments, sets
 * `RD_OPTION_X`, `RD_NODE_NAME`… in the environment, and replaces `@option.x@` tokens in inline
 * scripts. pont expands `${option.x}`, `${node.name|hostname|username}` and
 * `${execution.id|job|project|environment|user}` in commands and arguments (../references.ts),
 * and gives scripts `PONT_OPTION_<NAME>` and `PONT_NODE_NAME|HOSTNAME|USERNAME` variables; it
 * expands nothing inside a script body. Anything else is reported, and a `${…}` pont would refuse
 * at apply time is neutralised as `RUNDECK{…}` so the job still applies.
 */

export interface RefScope {
  /** The pont name of a Rundeck option, by its Rundeck name. */
  option(name: string): string | undefined;
  /** The pont name of a Rundeck option, by the `X` of its `RD_OPTION_X` variable. */
  optionByEnv(suffix: string): string | undefined;
  /** A kind of translation happened (the caller reports each kind once). */
  changed(kind: string, message: string): void;
  /** Something pont cannot provide. */
  unmapped(what: string, message: string): void;
}

/** `${node.x}` / `RD_NODE_X` that pont also has. */
const NODE_FIELDS = new Set(['name', 'hostname', 'username']);
const JOB_FIELDS: Record<string, string> = {
  execid: 'execution.id',
  username: 'execution.user',
  'user.name': 'execution.user',
  project: 'execution.project',
  name: 'execution.job',
};
const JOB_ENV: Record<string, string> = {
  EXECID: 'execution.id',
  USERNAME: 'execution.user',
  USER_NAME: 'execution.user',
  PROJECT: 'execution.project',
  NAME: 'execution.job',
};

const DOLLAR_REF = /\$\{([A-Za-z_][\w-]*)((?:\.[\w-]+)*)\}/g;
const ENV_REF = /\$(?:\{(RD_[A-Z0-9_]+)\}|(RD_[A-Z0-9_]+))/g;
const PONT_REF = /\$\{\s*[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*\s*\}/g;

/** One `${root.rest}` of a command or argument, as pont text. `shell`: sh will read the text. */
function dollarRef(
  root: string,
  rest: string,
  scope: RefScope,
  shell: boolean,
  next: string,
): { text: string; needsShell?: boolean } {
  const original = `\${${root}${rest}}`;
  const name = rest.slice(1);
  if ((root === 'option' || root === 'unquotedoption') && name) {
    const pont = scope.option(name);
    if (pont === undefined) {
      scope.unmapped(original, `${original}: the job has no option "${name}"`);
      return { text: `RUNDECK{${root}${rest}}` };
    }
    if (root === 'unquotedoption') {
      scope.changed(
        'unquotedoption',
        '${unquotedoption.x} became ${option.x}: pont passes an option value as one word',
      );
    } else if (pont !== name)
      scope.changed('option-renamed', 'references to renamed options follow the new names');
    return { text: `\${option.${pont}}` };
  }
  if (root === 'node' && NODE_FIELDS.has(name)) return { text: original };
  const jobField = root === 'job' ? JOB_FIELDS[name] : undefined;
  if (jobField) {
    scope.changed(
      `job.${name}`,
      `${original} became \${${jobField}}${name === 'name' ? ' (the pont job name)' : ''}`,
    );
    return { text: `\${${jobField}}` };
  }
  if (!rest) {
    // A shell variable written ${HOME}: pont would read it as one of its references.
    if (shell) return { text: /\w/.test(next) ? `$${root}""` : `$${root}`, needsShell: true };
    scope.unmapped(original, `${original}: shell variables are not expanded here`);
    return { text: `$${root}` };
  }
  scope.unmapped(original, `${original} has no pont equivalent`);
  return { text: `RUNDECK{${root}${rest}}` };
}

/** `$RD_X` in a command or argument: Rundeck's environment variables, as pont references. */
function envRef(variable: string, scope: RefScope): string | undefined {
  if (variable.startsWith('RD_OPTION_')) {
    const pont = scope.optionByEnv(variable.slice('RD_OPTION_'.length));
    if (pont === undefined) return undefined;
    scope.changed('env-option', '$RD_OPTION_X in commands became ${option.x}');
    return `\${option.${pont}}`;
  }
  if (variable.startsWith('RD_NODE_')) {
    const field = variable.slice('RD_NODE_'.length).toLowerCase();
    if (!NODE_FIELDS.has(field)) return undefined;
    scope.changed('env-node', '$RD_NODE_X in commands became ${node.x}');
    return `\${node.${field}}`;
  }
  if (variable.startsWith('RD_JOB_')) {
    const target = JOB_ENV[variable.slice('RD_JOB_'.length)];
    if (!target) return undefined;
    scope.changed('env-job', '$RD_JOB_X in commands became ${execution.x}');
    return `\${${target}}`;
  }
  return undefined;
}

function translate(text: string, scope: RefScope, shell: boolean): { text: string; needsShell: boolean } {
  let needsShell = false;
  let out = text.replace(DOLLAR_REF, (all: string, root: string, rest: string, offset: number) => {
    if (root.startsWith('RD_') && !rest) return all; // an environment variable: below
    const r = dollarRef(root, rest, scope, shell, text[offset + all.length] ?? '');
    if (r.needsShell) needsShell = true;
    return r.text;
  });
  out = out.replace(ENV_REF, (all: string, braced: string | undefined, bare: string | undefined) => {
    const variable = braced ?? bare ?? '';
    const ref = envRef(variable, scope);
    if (ref !== undefined) return ref;
    scope.unmapped(`$${variable}`, `$${variable}: Rundeck's variable is not set by pont`);
    return shell ? all : `$${variable}`;
  });
  return { text: out, needsShell };
}

/**
 * A Rundeck `exec` command. Rundeck hands it to the node's shell; pont splits it into words
 * unless `shell` is set, so `shell` is set when the text uses shell syntax.
 */
export function translateCommand(command: string, scope: RefScope): { text: string; shell: boolean } {
  const first = translate(command, scope, true);
  const rest = first.text.replace(PONT_REF, '');
  const shell = first.needsShell || /[|&;<>()$`*?[\]\n]|(^|\s)[#~]/.test(rest);
  return { text: first.text, shell };
}

/** A script argument, job reference option value or copy destination: expanded, never a shell. */
export function translateArgument(text: string, scope: RefScope): string {
  return translate(text, scope, false).text;
}

const TOKEN = /@(option|node|job|globals|execution|unquotedoption)\.([\w.-]+)@/g;
const SCRIPT_REF = /\$\{(option|node)\.([\w.-]+)\}/g;
const SHELLS = new Set(['sh', 'bash', 'dash', 'ksh', 'zsh', 'ash', 'mksh']);

/** Whether an interpreter line (`bash -e`, `/usr/bin/env bash`, `sudo -u x sh`) runs a POSIX shell. */
export function isShellInterpreter(interpreter: string | undefined): boolean {
  if (interpreter === undefined) return true;
  return interpreter.split(/\s+/).some((word) => SHELLS.has(word.split('/').pop() ?? ''));
}

/**
 * An inline script body. Environment variable names are renamed in any language
 * (`RD_OPTION_X` → `PONT_OPTION_X`); `@option.x@` tokens and `${option.x}` become
 * `${PONT_OPTION_X}` in shell scripts only.
 */
export function translateScript(body: string, scope: RefScope, shellScript: boolean): string {
  const envName = (pont: string) => `PONT_OPTION_${pont.toUpperCase()}`;
  const renamed = body.replace(/\bRD_([A-Z0-9_]+)\b/g, (all: string, name: string) => {
    if (name.startsWith('OPTION_')) {
      const pont = scope.optionByEnv(name.slice('OPTION_'.length));
      if (pont !== undefined) {
        scope.changed('script-env-option', 'RD_OPTION_X variables in scripts became PONT_OPTION_X');
        return envName(pont);
      }
    } else if (name.startsWith('NODE_') && NODE_FIELDS.has(name.slice('NODE_'.length).toLowerCase())) {
      scope.changed('script-env-node', 'RD_NODE_X variables in scripts became PONT_NODE_X');
      return `PONT_${name}`;
    }
    scope.unmapped(all, `${all}: Rundeck's variable is not set by pont`);
    return all;
  });
  const replace = (original: string, root: string, name: string, offset: number, source: string): string => {
    const option = root === 'option' || root === 'unquotedoption' ? scope.option(name) : undefined;
    const target =
      option !== undefined
        ? envName(option)
        : root === 'node' && NODE_FIELDS.has(name)
          ? `PONT_NODE_${name.toUpperCase()}`
          : undefined;
    if (target === undefined) {
      scope.unmapped(original, `${original} in a script has no pont equivalent`);
      return original;
    }
    if (!shellScript) {
      scope.unmapped(
        original,
        `${original} in a non-shell script is not replaced by pont: read the ${target} environment variable`,
      );
      return original;
    }
    const line = source.slice(source.lastIndexOf('\n', offset) + 1, offset);
    if ((line.match(/'/g)?.length ?? 0) % 2 === 1) {
      scope.unmapped(original, `${original} sits inside single quotes, where \${${target}} does not expand`);
    }
    const form = original.startsWith('@') ? `@${root}.x@ tokens` : `\${${root}.x} references`;
    scope.changed(`script ${form}`, `${form} in shell scripts became \${PONT_…} environment variables`);
    return `\${${target}}`;
  };
  const tokens = renamed.replace(
    TOKEN,
    (all: string, root: string, name: string, offset: number, source: string) =>
      replace(all, root, name, offset, source),
  );
  if (!shellScript) return tokens;
  return tokens.replace(
    SCRIPT_REF,
    (all: string, root: string, name: string, offset: number, source: string) =>
      replace(all, root, name, offset, source),
  );
}
