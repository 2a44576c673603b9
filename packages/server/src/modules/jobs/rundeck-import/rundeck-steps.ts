import type { Step, StepAction } from '../job.js';
import { burst } from './rundeck-filter.js';
import {
  isShellInterpreter,
  type RefScope,
  translateArgument,
  translateCommand,
  translateScript,
} from './rundeck-references.js';
import type { RundeckAction, RundeckJob, RundeckJobRef, RundeckScriptAction } from './rundeck-types.js';

/** A job reference resolved against the jobs of the same import. */
export interface ResolvedJob {
  /** The pont name of the referenced job. */
  name: string;
  /** The referenced job's Rundeck option names → pont option names, when it is in the import. */
  options?: Map<string, string>;
  /** False when the job is not in this import: it must already exist in pont. */
  found: boolean;
}

export interface StepContext {
  job: RundeckJob;
  /** The job runs on the pont server (`nodes.local`). */
  local: boolean;
  /** pont names of the job's options. */
  optionNames: Set<string>;
  /** Reference translation that reports under `field`. */
  refs(field: string): RefScope;
  report(field: string, message: string, kind?: 'unmapped' | 'changed'): void;
  resolveJob(ref: RundeckJobRef): ResolvedJob | undefined;
}

/** A converted action, or what could not be converted (e.g. `scripturl http://…`). */
type Mapped = StepAction | { failure: string };

/** Rundeck's sequence as pont steps; each unmappable step becomes one that fails with the reason. */
export function mapSteps(ctx: StepContext): Step[] {
  const ids = new Set<string>();
  return ctx.job.steps.map((rd, i) => {
    const field = `sequence.commands[${i}]`;
    const action = mapAction(rd.action, field, ctx);
    const step: Step = { id: stepId(rd.description, i, ids) };
    if ('failure' in action) {
      // Keeps the job valid and its steps in place, and fails loudly until someone fixes it.
      step.description = `NOT CONVERTED from Rundeck: ${rd.description ?? action.failure}`;
      step.exec = [
        'sh',
        '-c',
        `echo '${safe(`step ${i + 1} was not converted from Rundeck: ${action.failure}`)}' >&2; exit 1`,
      ];
    } else {
      if (rd.description) step.description = rd.description;
      Object.assign(step, action);
    }
    const handler = rd.errorHandler;
    if (handler) {
      const hField = `${field}.errorhandler`;
      const onError = mapAction(handler.action, hField, ctx);
      if ('failure' in onError)
        ctx.report(hField, `not converted (${onError.failure}); the step has no error handler`);
      else {
        step.onError = { ...onError, ...(handler.description ? { description: handler.description } : {}) };
        if (!handler.keepgoingOnSuccess && !ctx.job.keepgoing) {
          ctx.report(
            `${hField}.keepgoingOnSuccess`,
            'Rundeck still failed the job after this handler succeeded; in pont the node carries on with the next step',
            'changed',
          );
        }
      }
      for (const key of handler.unknown) ctx.report(key, 'ignored');
    }
    if (rd.logFilters.length > 0)
      ctx.report(
        `${field}.plugins.LogFilter`,
        `log filter plugins (${rd.logFilters.join(', ')}) have no pont equivalent`,
      );
    for (const key of rd.unknown) ctx.report(key, 'not a Rundeck step field this importer knows; ignored');
    return step;
  });
}

/** A slug of the description, else `step-N`; unique within the job. */
function stepId(description: string | undefined, index: number, ids: Set<string>): string {
  const slug = (description ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  let id = slug || `step-${index + 1}`;
  if (ids.has(id)) id = `${id}-${index + 1}`;
  for (let n = 2; ids.has(id); n++) id = `step-${index + 1}-${n}`;
  ids.add(id);
  return id;
}

/** Text that sits inside single quotes and holds no `${`, which pont would read as a reference. */
function safe(text: string): string {
  return text.replace(/'/g, '"').replace(/\$\{/g, '$ {').replace(/\n/g, ' ');
}

function mapAction(action: RundeckAction, field: string, ctx: StepContext): Mapped {
  switch (action.kind) {
    case 'exec': {
      if (action.command === '') return { failure: 'empty command' };
      const { text, shell } = translateCommand(action.command, ctx.refs(`${field}.exec`));
      return shell ? { exec: text, shell: true } : { exec: text };
    }
    case 'script':
      return mapScript(action, field, ctx);
    case 'scriptfile':
    case 'scripturl': {
      const where =
        action.kind === 'scriptfile'
          ? 'a script file on the Rundeck server'
          : 'a script downloaded from a URL';
      ctx.report(
        `${field}.${action.kind}`,
        `${where} (${action.source}) cannot be converted: paste the script into script.body`,
      );
      return { failure: `${action.kind} ${action.source}` };
    }
    case 'jobref':
      return mapJobRef(action.ref, field, ctx);
    case 'plugin':
      return mapPlugin(action, field, ctx);
  }
}

function mapScript(action: RundeckScriptAction, field: string, ctx: StepContext): Mapped {
  if (action.source.trim() === '') return { failure: 'empty script' };
  let interpreter = action.interpreter;
  if (!interpreter && action.source.startsWith('#!')) {
    // Rundeck runs the script file itself, so its #! line chooses the interpreter; pont runs `sh FILE`.
    interpreter = action.source
      .slice(2, action.source.indexOf('\n') < 0 ? undefined : action.source.indexOf('\n'))
      .trim();
  }
  if (action.argsQuoted && interpreter) {
    if (/\s-c$/.test(interpreter)) {
      interpreter = interpreter.replace(/\s+-c$/, '');
      ctx.report(
        `${field}.interpreterArgsQuoted`,
        `"${action.interpreter} 'script args'" became "${interpreter} script args"`,
        'changed',
      );
    } else {
      ctx.report(
        `${field}.interpreterArgsQuoted`,
        'pont passes the script path and its arguments to the interpreter as separate words',
      );
    }
  }
  const refs = ctx.refs(`${field}.script`);
  const script: NonNullable<StepAction['script']> = {
    ...(interpreter ? { interpreter } : {}),
    body: translateScript(action.source, refs, isShellInterpreter(interpreter)),
  };
  if (action.args) {
    script.args = burst(action.args).map((arg) => translateArgument(arg, ctx.refs(`${field}.args`)));
    if (/[|&;<>`]|\$\(/.test(action.args)) {
      ctx.report(
        `${field}.args`,
        'Rundeck passed the arguments through the shell; pont passes each word as it is',
      );
    }
  }
  if (action.fileExtension) {
    ctx.report(
      `${field}.fileExtension`,
      `pont does not name the script file with ${action.fileExtension}; use an interpreter that does not need it`,
    );
  }
  return { script };
}

function mapJobRef(ref: RundeckJobRef, field: string, ctx: StepContext): Mapped {
  const f = `${field}.jobref`;
  const target = ctx.resolveJob(ref);
  if (!target) return { failure: `job reference ${ref.uuid ?? ''} (not in this import, no name)` };
  const label = [ref.group, ref.name].filter(Boolean).join('/') || ref.uuid || '';
  if (!target.found) {
    ctx.report(
      f,
      `job "${label}" is not in this import: it must exist in pont as "${target.name}" before this job is applied`,
    );
  }
  if (ref.project)
    ctx.report(
      `${f}.project`,
      `pont runs jobs of the same project; the reference to project "${ref.project}" was dropped`,
    );
  const options: Record<string, string> = {};
  const words = ref.args ? burst(ref.args) : [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith('-') || word.length < 2) {
      ctx.report(`${f}.args`, `"${word}" is not an "-option value" pair; ignored`);
      continue;
    }
    const next = words[i + 1];
    let value = '';
    if (next !== undefined && !next.startsWith('-')) {
      value = next;
      i++;
    }
    const rdName = word.slice(1);
    const name = target.options?.get(rdName) ?? sanitizeOptionName(rdName);
    options[name] = translateArgument(value, ctx.refs(`${f}.args`));
  }
  if (ref.importOptions) {
    if (target.options) {
      for (const name of target.options.values()) {
        if (ctx.optionNames.has(name) && options[name] === undefined) options[name] = `\${option.${name}}`;
      }
      ctx.report(
        `${f}.importOptions`,
        'options with the same names are passed explicitly as ${option.x}',
        'changed',
      );
    } else
      ctx.report(
        `${f}.importOptions`,
        'the referenced job is not in this import, so its options are unknown: pass them in job.options',
      );
  }
  if (ref.nodeStep)
    ctx.report(`${f}.nodeStep`, 'pont runs a job reference once per execution, not once per node');
  if (ref.nodeFilter || ref.hasDispatch)
    ctx.report(`${f}.nodefilters`, 'pont runs the referenced job on its own nodes; the override was dropped');
  for (const key of ['failOnDisable', 'ignoreNotifications', 'childNodes'] as const) {
    if (ref[key]) ctx.report(`${f}.${key}`, 'has no pont equivalent');
  }
  for (const key of ref.unknown) ctx.report(key, 'ignored');
  return { job: { name: target.name, ...(Object.keys(options).length > 0 ? { options } : {}) } };
}

/** Letters, digits and `_`, as pont requires of option names. */
export function sanitizeOptionName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
  return /^[A-Za-z_]/.test(clean) ? clean : `_${clean}`.slice(0, 64);
}

function mapPlugin(
  action: Extract<RundeckAction, { kind: 'plugin' }>,
  field: string,
  ctx: StepContext,
): Mapped {
  const config = action.configuration;
  if (action.type === 'copyfile') {
    const source = config.sourcePath?.trim();
    const destination = config.destinationPath?.trim();
    if (!source || !destination) return { failure: 'copyfile without sourcePath or destinationPath' };
    // Rundeck copied a file of its server; pont copies a file uploaded to the project, by name.
    const file = source.split('/').pop() ?? '';
    if (file === '' || file === '.' || file === '..')
      return { failure: `copyfile of the directory ${source}` };
    ctx.report(
      `${field}.configuration.sourcePath`,
      source.includes('${')
        ? `Rundeck read ${source} on its server; pont copies the file uploaded to the project as ${file} once options expand (pont files push NAME PATH)`
        : `Rundeck read ${source} on its server; pont copies a file uploaded to the project: pont files push ${file} ${source}`,
    );
    if (config.recursive === 'true')
      ctx.report(`${field}.configuration.recursive`, 'pont copies one file, not a directory tree');
    if (config.pattern)
      ctx.report(
        `${field}.configuration.pattern`,
        `pont copies one file; the pattern "${config.pattern}" was dropped`,
      );
    for (const key of Object.keys(config)) {
      if (!['sourcePath', 'destinationPath', 'recursive', 'pattern', 'echo'].includes(key))
        ctx.report(`${field}.configuration.${key}`, 'ignored');
    }
    const refs = ctx.refs(`${field}.configuration`);
    return {
      copy: { file: translateArgument(file, refs), destination: translateArgument(destination, refs) },
    };
  }
  if (action.type === 'localexec' && config.command) {
    if (ctx.local) {
      const { text, shell } = translateCommand(config.command, ctx.refs(`${field}.configuration.command`));
      return shell ? { exec: text, shell: true } : { exec: text };
    }
    ctx.report(
      field,
      'a command on the Rundeck server inside a job that runs on nodes has no pont equivalent',
    );
    return { failure: `localexec ${config.command}` };
  }
  const keys = Object.keys(config);
  ctx.report(
    `${field}.type`,
    `${action.nodeStep ? 'node' : 'workflow'} step plugin "${action.type}"${keys.length > 0 ? ` (configuration: ${keys.join(', ')})` : ''} has no pont equivalent`,
  );
  return { failure: `step plugin ${action.type}` };
}
