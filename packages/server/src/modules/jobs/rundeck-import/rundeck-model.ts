/** Reads Rundeck's canonical job map (YAML, or XML once converted) into the types of rundeck-types.ts. */

import { structuredToQuartz } from './quartz-cron.js';
import { Fields, isMap } from './rundeck-fields.js';
import type {
  Locator,
  Path,
  RundeckAction,
  RundeckDispatch,
  RundeckErrorHandler,
  RundeckJob,
  RundeckJobRef,
  RundeckNodes,
  RundeckNotification,
  RundeckOption,
  RundeckStep,
} from './rundeck-types.js';

/** One job of the canonical map form; `path` locates it in the file (`[3]` for the 4th job). */
export function readJob(value: unknown, path: Path, at: Locator): RundeckJob {
  if (!isMap(value)) return at.fail(path, 'expected a job definition (a map with name and sequence)');
  const f = new Fields(value, path, at);
  const name = f.text('name');
  if (!name) return at.fail([...path, 'name'], 'the job has no name');
  const sequence = f.fields('sequence');
  if (!sequence) return at.fail([...path, 'sequence'], `job "${name}" has no sequence`);
  f.ignore('id', 'defaultTab', 'nodeFilterEditable', 'excludeFilterUncheck', 'project');

  const job: RundeckJob = {
    name: name.trim(),
    executionEnabled: f.bool('executionEnabled', true),
    scheduleEnabled: f.bool('scheduleEnabled', true),
    multipleExecutions: f.bool('multipleExecutions', false),
    nodesSelectedByDefault: f.bool('nodesSelectedByDefault', true),
    options: readOptions(f),
    keepgoing: sequence.bool('keepgoing', false),
    strategy: sequence.text('strategy')?.trim() ?? 'node-first',
    strategyConfigured: false,
    workflowLogFilters: [],
    steps: [],
    notifications: readNotifications(f),
    plugins: [],
    scheduleDefinitions: [],
    unknown: [],
    ...lineOf(at, path),
  };
  const group = f.text('group')?.replace(/^\/+|\/+$/g, '');
  if (group) job.group = group;
  const uuid = f.text('uuid') ?? (typeof value.id === 'string' ? value.id : undefined);
  if (uuid) job.uuid = uuid.trim();
  for (const key of [
    'description',
    'loglevel',
    'timeout',
    'timeZone',
    'maxMultipleExecutions',
    'notifyAvgDurationThreshold',
  ] as const) {
    const text = f.text(key);
    if (text !== undefined) job[key] = key === 'description' ? text : text.trim();
  }
  readRetry(f, job);
  const loglimit = f.text('loglimit');
  if (loglimit) {
    job.loglimit = { limit: loglimit };
    const action = f.text('loglimitAction');
    const status = f.text('loglimitStatus');
    if (action) job.loglimit.action = action;
    if (status) job.loglimit.status = status;
  } else f.ignore('loglimitAction', 'loglimitStatus');
  const extra: string[] = [];
  const nodes = readNodes(f, extra);
  if (nodes) job.nodes = nodes;
  readSequence(sequence, job, extra);
  readSchedule(f, job);
  const orchestrator = f.fields('orchestrator');
  if (orchestrator) job.orchestrator = orchestrator.text('type') ?? 'unknown';
  const plugins = f.fields('plugins');
  for (const [service, providers] of Object.entries(plugins?.map ?? {})) {
    const names = isMap(providers) ? Object.keys(providers) : [];
    job.plugins.push(...names.map((p) => `${service}/${p}`));
  }
  for (const [i, schedule] of f.list('schedules').entries()) {
    job.scheduleDefinitions.push(
      isMap(schedule) && typeof schedule.name === 'string' ? schedule.name : `#${i + 1}`,
    );
  }
  job.unknown = [...f.unknown(), ...extra];
  return job;
}

function lineOf(at: Locator, path: Path): { line?: number } {
  const line = at.line(path);
  return line === undefined ? {} : { line };
}

function readRetry(f: Fields, job: RundeckJob): void {
  const retry = f.raw('retry');
  const delayKey = f.text('retryDelay');
  if (isMap(retry)) {
    const r = f.child(retry, [...f.path, 'retry'], 'retry');
    const count = r.text('retry');
    const delay = r.text('delay') ?? delayKey;
    if (count) job.retry = { count: count.trim(), ...(delay ? { delay: delay.trim() } : {}) };
    return;
  }
  const count = f.text('retry');
  if (count) job.retry = { count: count.trim(), ...(delayKey ? { delay: delayKey.trim() } : {}) };
}

function readOptions(f: Fields): RundeckOption[] {
  const raw = f.raw('options');
  if (raw === undefined || raw === null || raw === '') return [];
  // The old map form: {name: {definition}}.
  const entries: Array<[unknown, Path, string | undefined]> = Array.isArray(raw)
    ? raw.map((o, i) => [o, [...f.path, 'options', i], undefined])
    : isMap(raw)
      ? Object.entries(raw).map(([name, o]) => [o ?? {}, [...f.path, 'options', name], name])
      : [];
  return entries.map(([value, path, key]) => {
    const o = f.child(value, path, 'an option');
    const name = key ?? o.text('name');
    if (!name) return o.fail([...path, 'name'], 'the option has no name');
    o.ignore('name', 'sortIndex', 'valuesListDelimiter', 'config');
    const listDelimiter = o.text('valuesListDelimiter') ?? ',';
    const rawValues = o.raw('values');
    const option: RundeckOption = {
      name: name.trim(),
      required: o.bool('required', false),
      enforced: o.bool('enforced', false) || o.bool('enforcedvalues', false),
      multivalued: o.bool('multivalued', false),
      multivalueAllSelected:
        o.bool('multivalueAllSelected', false) || o.bool('multivaluedAllSelected', false),
      secure: o.bool('secure', false),
      valueExposed: o.bool('valueExposed', false),
      isDate: o.bool('isDate', false),
      sortValues: o.bool('sortValues', false),
      hidden: o.bool('hidden', false),
      unknown: [],
    };
    if (Array.isArray(rawValues)) option.values = rawValues.map((v) => String(v));
    else if (typeof rawValues === 'string' && rawValues !== '')
      option.values = rawValues.split(listDelimiter).map((v) => v.trim());
    for (const key of [
      'label',
      'description',
      'value',
      'valuesUrl',
      'regex',
      'delimiter',
      'storagePath',
      'dateFormat',
      'type',
      'optionValuesPluginType',
    ] as const) {
      const text = key === 'value' || key === 'delimiter' ? o.str(key) : o.text(key);
      if (text !== undefined && text !== '') option[key] = text;
    }
    option.unknown = o.unknown();
    return option;
  });
}

function readNodes(f: Fields, extra: string[]): RundeckNodes | undefined {
  const nf = f.fields('nodefilters');
  const jobDispatch = f.fields('dispatch');
  if (!nf) return undefined;
  const filterExclude = nf.text('filterExclude');
  const parts: string[] = [];
  const filter = nf.text('filter');
  if (filter) parts.push(filter.trim());
  else {
    // Deprecated include/exclude maps, turned into filter text the way Rundeck's asFilter() does.
    for (const [key, prefix] of [
      ['include', ''],
      ['exclude', '!'],
    ] as const) {
      for (const [attr, v] of Object.entries(nf.fields(key)?.map ?? {})) {
        if (v !== undefined && v !== null && String(v).trim() !== '')
          parts.push(`${prefix}${attr}: ${quoteFilterValue(String(v).trim())}`);
      }
    }
  }
  nf.ignore('include', 'exclude');
  const d = nf.fields('dispatch') ?? jobDispatch;
  const excludePrecedence = nf.optBool('excludeprecedence');
  const dispatch: RundeckDispatch = {};
  if (d) {
    const threadcount = d.text('threadcount');
    if (threadcount) dispatch.threadcount = threadcount.trim();
    for (const key of ['keepgoing', 'excludePrecedence', 'successOnEmptyNodeFilter'] as const) {
      const value = d.optBool(key);
      if (value !== undefined) dispatch[key] = value;
    }
    for (const key of ['rankAttribute', 'rankOrder'] as const) {
      const text = d.text(key);
      if (text) dispatch[key] = text.trim();
    }
    extra.push(...d.unknown());
  }
  extra.push(...nf.unknown());
  if (excludePrecedence !== undefined) dispatch.excludePrecedence = excludePrecedence;
  // Without a filter Rundeck does not dispatch to nodes: the job runs on the server.
  if (parts.length === 0) return undefined;
  const nodes: RundeckNodes = { filter: parts.join(' '), dispatch };
  if (filterExclude) nodes.filterExclude = filterExclude.trim();
  return nodes;
}

function quoteFilterValue(value: string): string {
  return /\s/.test(value) ? `"${value}"` : value;
}

function readSequence(s: Fields, job: RundeckJob, extra: string[]): void {
  const config = s.fields('pluginConfig');
  if (config) {
    const strategies = config.fields('WorkflowStrategy');
    for (const [, value] of Object.entries(strategies?.map ?? {})) {
      if (isMap(value) && Object.keys(value).length > 0) job.strategyConfigured = true;
    }
    job.workflowLogFilters = logFilterTypes(config.list('LogFilter'));
    extra.push(...config.unknown());
  }
  const commands = s.list('commands');
  job.steps = commands.map((c, i) => readStep(s.child(c, [...s.path, 'commands', i], 'a step'), job));
  extra.push(...s.unknown());
}

function logFilterTypes(list: unknown[]): string[] {
  return list.map((p) => (isMap(p) && typeof p.type === 'string' ? p.type : 'unknown'));
}

function readStep(c: Fields, job: RundeckJob): RundeckStep {
  const step: RundeckStep = { action: readAction(c, job.name), logFilters: [], unknown: [] };
  const description = c.text('description');
  if (description) step.description = description.trim();
  const handler = c.fields('errorhandler');
  if (handler) {
    const h: RundeckErrorHandler = {
      action: readAction(handler, job.name),
      keepgoingOnSuccess: handler.bool('keepgoingOnSuccess', false),
      unknown: [],
    };
    const hd = handler.text('description');
    if (hd) h.description = hd.trim();
    handler.ignore('plugins');
    h.unknown = handler.unknown();
    step.errorHandler = h;
  }
  const plugins = c.fields('plugins');
  if (plugins) step.logFilters = logFilterTypes(plugins.list('LogFilter'));
  step.unknown = c.unknown();
  return step;
}

function readAction(c: Fields, jobName: string): RundeckAction {
  const exec = c.str('exec');
  if (exec !== undefined) return { kind: 'exec', command: exec.trim() };
  for (const kind of ['script', 'scriptfile', 'scripturl'] as const) {
    const source = c.str(kind);
    if (source === undefined) continue;
    const action: RundeckAction = {
      kind,
      source: kind === 'script' ? source : source.trim(),
      argsQuoted: c.bool('interpreterArgsQuoted', false),
    };
    const args = c.text('args');
    const interpreter = c.text('scriptInterpreter');
    const extension = c.text('fileExtension');
    if (args) action.args = args.trim();
    if (interpreter) action.interpreter = interpreter.trim();
    if (extension) action.fileExtension = extension.trim();
    c.ignore('expandTokenInScriptFile');
    return action;
  }
  const jobref = c.fields('jobref');
  if (jobref) return { kind: 'jobref', ref: readJobRef(jobref) };
  const type = c.text('type');
  if (type) {
    const configuration: Record<string, string> = {};
    for (const [key, value] of Object.entries(c.fields('configuration')?.map ?? {})) {
      if (value === undefined || value === null) continue;
      configuration[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    return { kind: 'plugin', type: type.trim(), nodeStep: c.bool('nodeStep', false), configuration };
  }
  return c.fail(
    c.path,
    `a step of job "${jobName}" needs exec, script, scriptfile, scripturl, jobref or a plugin type`,
  );
}

function readJobRef(j: Fields): RundeckJobRef {
  const ref: RundeckJobRef = {
    nodeStep: j.bool('nodeStep', false),
    importOptions: j.bool('importOptions', false),
    failOnDisable: j.bool('failOnDisable', false),
    ignoreNotifications: j.bool('ignoreNotifications', false),
    childNodes: j.bool('childNodes', false),
    hasDispatch: false,
    unknown: [],
  };
  for (const key of ['name', 'group', 'uuid', 'project', 'args'] as const) {
    const text = j.text(key);
    if (text) ref[key] = key === 'group' ? text.trim().replace(/^\/+|\/+$/g, '') : text.trim();
  }
  j.ignore('useName');
  const nf = j.fields('nodefilters');
  if (nf) {
    const filter = nf.text('filter');
    if (filter) ref.nodeFilter = filter.trim();
    ref.hasDispatch = nf.has('dispatch');
    nf.ignore('dispatch');
  }
  if (j.has('dispatch')) {
    ref.hasDispatch = true;
    j.ignore('dispatch');
  }
  ref.unknown = j.unknown();
  return ref;
}

function readSchedule(f: Fields, job: RundeckJob): void {
  const s = f.fields('schedule');
  if (!s) return;
  const crontab = s.text('crontab');
  if (crontab) {
    s.ignore('time', 'month', 'year', 'weekday', 'dayofmonth');
    job.schedule = { quartz: crontab.trim(), crontab: true };
    return;
  }
  const time = s.fields('time');
  const parts: Record<string, string | undefined> = {
    seconds: time?.str('seconds'),
    minute: time?.str('minute'),
    hour: time?.str('hour'),
    month: s.str('month'),
    year: s.str('year'),
    dayOfMonth: s.fields('dayofmonth')?.str('day'),
    dayOfWeek: s.fields('weekday')?.str('day'),
  };
  const trimmed = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v?.trim()]));
  job.schedule = { quartz: structuredToQuartz(trimmed), crontab: false };
}

function readNotifications(f: Fields): RundeckNotification[] {
  const n = f.fields('notification');
  if (!n) return [];
  const out: RundeckNotification[] = [];
  for (const trigger of Object.keys(n.map)) {
    const entries = n.list(trigger);
    for (const [i, entry] of entries.entries()) {
      const e = n.child(entry, [...n.path, trigger, ...(entries.length > 1 ? [i] : [])], 'a notification');
      const urls = e.text('urls');
      if (urls) {
        const webhook: RundeckNotification = {
          trigger,
          kind: 'webhook',
          urls: urls
            .split(',')
            .map((u) => u.trim())
            .filter(Boolean),
        };
        const format = e.text('format');
        const method = e.text('httpMethod');
        if (format) webhook.format = format.trim();
        if (method) webhook.httpMethod = method.trim();
        out.push(webhook);
      } else e.ignore('format', 'httpMethod');
      const email = e.fields('email');
      const recipients = e.text('recipients') ?? email?.text('recipients');
      if (recipients) out.push({ trigger, kind: 'email', recipients: recipients.trim() });
      for (const plugin of e.list('plugin')) {
        out.push({
          trigger,
          kind: 'plugin',
          type: isMap(plugin) && typeof plugin.type === 'string' ? plugin.type : 'unknown',
        });
      }
    }
  }
  return out;
}
