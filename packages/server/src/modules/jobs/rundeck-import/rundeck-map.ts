import type { JobSpec, Notifications, Schedule } from '../job.js';
import { quartzToCron } from './quartz-cron.js';
import { convertFilter } from './rundeck-filter.js';
import { mapOptions } from './rundeck-options.js';
import type { RefScope } from './rundeck-references.js';
import { mapSteps, type ResolvedJob } from './rundeck-steps.js';
import type { Report, ReportEntry, RundeckJob, RundeckJobRef } from './rundeck-types.js';

export interface JobMapping {
  job: RundeckJob;
  /** The pont name given to the job. */
  name: string;
  environment?: string;
  /** Rundeck option name → pont option name (see optionNameMap). */
  options: Map<string, string>;
  resolveJob(ref: RundeckJobRef): ResolvedJob | undefined;
  report(entry: ReportEntry): void;
}

/** Rundeck's `group/name`, how the report names a job. */
export function fullName(job: { name: string; group?: string }): string {
  return job.group ? `${job.group}/${job.name}` : job.name;
}

const TRIGGERS: Record<string, keyof Notifications> = {
  onsuccess: 'onSuccess',
  onfailure: 'onFailure',
  onstart: 'onStart',
};
const STRATEGIES = new Set(['node-first', 'step-first', 'parallel']);

/** One Rundeck job as a pont Job spec, reporting what does not carry over. */
export function mapJob(m: JobMapping): { spec: JobSpec; annotations: Record<string, string> } {
  const { job } = m;
  const label = fullName(job);
  const report = (field: string, message: string, kind: ReportEntry['kind'] = 'unmapped') =>
    m.report({ job: label, name: m.name, field, message, kind });
  if (m.name !== job.name) report('name', `became pont name "${m.name}"`, 'changed');
  const seen = new Set<string>();
  const once = (key: string, field: string, message: string, kind: ReportEntry['kind']) => {
    if (seen.has(key)) return;
    seen.add(key);
    report(field, message, kind);
  };
  const refs = (field: string): RefScope => ({
    option: (name) => m.options.get(name),
    optionByEnv: (suffix) =>
      [...m.options].find(([rd]) => rd.toUpperCase().replace(/[^A-Z0-9_]/g, '_') === suffix)?.[1],
    changed: (kind, message) => once(`changed:${kind}`, field, message, 'changed'),
    unmapped: (_what, message) => once(`unmapped:${field}:${message}`, field, message, 'unmapped'),
  });
  const annotations: Record<string, string> = { 'rundeck.job': label };
  const spec: JobSpec = { steps: [] };

  if (job.description) {
    spec.description = job.description.length > 4000 ? job.description.slice(0, 4000) : job.description;
    if (job.description.length > 4000) report('description', 'cut to 4000 characters', 'changed');
  }
  if (job.group) {
    const group = job.group
      .split('/')
      .map((part) => part.replace(/[^A-Za-z0-9 _.-]/g, '-').trim())
      .filter(Boolean)
      .join('/');
    if (group) spec.group = group;
    if (group !== job.group)
      report('group', `became "${group}": pont groups use letters, digits, space, _ . - and /`, 'changed');
  }
  const options = mapOptions(job, m.options, report);
  if (options.length > 0) spec.options = options;
  const optionNames = new Set(options.map((o) => o.name));

  mapNodes(m, spec, report, refs('nodefilters.filter'));
  if (job.strategy !== 'node-first') {
    if (STRATEGIES.has(job.strategy)) spec.strategy = job.strategy as JobSpec['strategy'];
    else
      report(
        'sequence.strategy',
        `workflow strategy "${job.strategy}" has no pont equivalent; pont runs node-first`,
      );
  }
  if (job.strategyConfigured)
    report(
      'sequence.pluginConfig.WorkflowStrategy',
      'workflow strategy configuration has no pont equivalent',
    );
  if (job.keepgoing) {
    report(
      'sequence.keepgoing',
      "pont stops running a node's steps at its first failing step (unless the step has an onError handler that succeeds)",
    );
  }
  if (job.workflowLogFilters.length > 0) {
    report(
      'sequence.pluginConfig.LogFilter',
      `log filter plugins (${job.workflowLogFilters.join(', ')}) have no pont equivalent`,
    );
  }
  spec.steps = mapSteps({
    job,
    local: spec.nodes?.local === true,
    optionNames,
    refs,
    report,
    resolveJob: (ref) => m.resolveJob(ref),
  });

  if (job.timeout) {
    const timeout = duration(job.timeout);
    if (timeout.value !== undefined) spec.timeout = timeout.value;
    else report('timeout', `"${job.timeout}": ${timeout.problem}`);
  }
  if (job.retry) mapRetry(job.retry, spec, report);
  spec.concurrency = job.multipleExecutions ? 'allow' : 'forbid';
  if (job.maxMultipleExecutions)
    report('maxMultipleExecutions', 'pont has no limit on the number of concurrent executions');

  const schedule = mapSchedule(m, report);
  if (job.schedule) annotations['rundeck.schedule'] = job.schedule.quartz;
  if (schedule) spec.schedules = [schedule];
  for (const name of job.scheduleDefinitions)
    report('schedules', `schedule definition "${name}" has no pont equivalent`);

  const notifications = mapNotifications(job, report);
  if (notifications) spec.notifications = notifications;

  if (job.loglevel && job.loglevel.toUpperCase() !== 'INFO')
    report('loglevel', `log level ${job.loglevel} has no pont equivalent`);
  if (job.loglimit) {
    const extra = [job.loglimit.action, job.loglimit.status].filter(Boolean).join(', ');
    report(
      'loglimit',
      `the log limit ${job.loglimit.limit}${extra ? ` (${extra})` : ''} has no pont equivalent`,
    );
  }
  if (!job.executionEnabled) {
    report(
      'executionEnabled',
      `pont cannot disable a job: it can still be run by hand${schedule ? ' (its schedule is disabled)' : ''}`,
    );
  }
  if (job.orchestrator) report('orchestrator', `orchestrator "${job.orchestrator}" has no pont equivalent`);
  for (const plugin of job.plugins) report('plugins', `job plugin ${plugin} has no pont equivalent`);
  for (const field of job.unknown) report(field, 'not a Rundeck job field this importer knows; ignored');
  return { spec: ordered(spec), annotations };
}

/** The spec's fields in the order job.ts declares them, for readable YAML. */
function ordered(spec: JobSpec): JobSpec {
  const order: Array<keyof JobSpec> = [
    'description',
    'group',
    'options',
    'nodes',
    'dispatch',
    'strategy',
    'steps',
    'timeout',
    'retry',
    'concurrency',
    'schedules',
    'notifications',
    'secrets',
  ];
  const out: Record<string, unknown> = {};
  for (const key of order) if (spec[key] !== undefined) out[key] = spec[key];
  return out as unknown as JobSpec;
}

function mapNodes(m: JobMapping, spec: JobSpec, report: Report, refs: RefScope): void {
  const nodes = m.job.nodes;
  if (!nodes) {
    // Without a node filter Rundeck runs the job on its own server.
    spec.nodes = { local: true };
    return;
  }
  const converted = convertFilter(nodes.filter, nodes.filterExclude, nodes.dispatch.excludePrecedence);
  const filter = converted.filter.replace(/\$\{option\.([\w.-]+)\}/g, (all, name: string) => {
    const pont = refs.option(name);
    return pont ? `\${option.${pont}}` : all;
  });
  if (/\$\{/.test(filter))
    report('nodefilters.filter', 'pont does not expand ${option.x} references in node filters');
  for (const note of converted.notes) report('nodefilters.filter', note);
  const original = [nodes.filter, nodes.filterExclude ? `(exclude: ${nodes.filterExclude})` : '']
    .filter(Boolean)
    .join(' ');
  if (filter !== nodes.filter)
    report('nodefilters.filter', `"${original}" became "${filter}" for pont's matching rules`, 'changed');
  spec.nodes = { filter };
  const d = nodes.dispatch;
  const dispatch: NonNullable<JobSpec['dispatch']> = {};
  if (d.threadcount !== undefined) {
    const n = Number(d.threadcount);
    if (Number.isInteger(n) && n >= 1) {
      if (n > 1) dispatch.threadcount = Math.min(n, 1000);
      if (n > 1000) report('nodefilters.dispatch.threadcount', `${n} became 1000, pont's maximum`, 'changed');
    } else
      report('nodefilters.dispatch.threadcount', `"${d.threadcount}" is not a number of threads; 1 is used`);
  }
  if (d.keepgoing) dispatch.keepgoing = true;
  if (d.rankAttribute && d.rankAttribute !== 'nodename' && d.rankAttribute !== 'name')
    dispatch.rankAttribute = d.rankAttribute;
  if (d.rankOrder === 'descending') dispatch.rankOrder = 'descending';
  else if (d.rankOrder && d.rankOrder !== 'ascending')
    report('nodefilters.dispatch.rankOrder', `"${d.rankOrder}" is not ascending or descending`);
  if (Object.keys(dispatch).length > 0) spec.dispatch = dispatch;
  if (d.successOnEmptyNodeFilter)
    report('nodefilters.dispatch.successOnEmptyNodeFilter', 'pont fails a run when no node matches');
  if (!m.job.nodesSelectedByDefault) {
    report('nodesSelectedByDefault', 'pont runs on every matching node; Rundeck made users pick the nodes');
  }
}

function mapRetry(retry: { count: string; delay?: string }, spec: JobSpec, report: Report): void {
  const count = Number(retry.count);
  if (!/^\d+$/.test(retry.count)) {
    report(
      'retry',
      `"${retry.count}" is not a number of retries${retry.count.includes('${') ? ': pont cannot take it from an option' : ''}`,
    );
    return;
  }
  if (count === 0) return;
  spec.retry = { count: Math.min(count, 100) };
  if (count > 100) report('retry', `${count} retries became 100, pont's maximum`, 'changed');
  if (retry.delay) {
    const delay = duration(retry.delay);
    if (delay.value !== undefined) spec.retry.delay = delay.value;
    else report('retry.delay', `"${retry.delay}": ${delay.problem}`);
  }
}

/**
 * Rundeck durations: seconds (`120`), or number-unit pairs in any order (`1d 6h`, `1h30m`,
 * units s m h d w y). pont takes milliseconds or one number with a unit: the largest unit
 * that divides the total is used.
 */
export function duration(text: string): { value?: number | string; problem?: string } {
  if (text.includes('${')) return { problem: 'pont cannot take a duration from an option' };
  const trimmed = text.trim();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed);
  else {
    const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
    const pairs = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*([smhdwy])/gi)];
    if (pairs.length === 0) return { problem: 'not a duration' };
    seconds = pairs.reduce((sum, p) => sum + Number(p[1]) * (units[(p[2] ?? 's').toLowerCase()] ?? 1), 0);
  }
  const ms = Math.round(seconds * 1000);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return { value: `${ms / size}${unit}` };
  }
  return { value: ms };
}

function mapSchedule(m: JobMapping, report: Report): Schedule | undefined {
  const { job } = m;
  if (!job.schedule) return undefined;
  const field = job.schedule.crontab ? 'schedule.crontab' : 'schedule';
  const converted = quartzToCron(job.schedule.quartz);
  if (!converted.cron) {
    for (const problem of converted.problems)
      report(field, `${problem}; the schedule was not converted (kept in the rundeck.schedule annotation)`);
    return undefined;
  }
  if (!m.environment) {
    report(
      field,
      `a pont schedule runs in an environment: pass --env ENVIRONMENT to convert "${job.schedule.quartz}"`,
    );
    return undefined;
  }
  report(field, `Quartz "${job.schedule.quartz}" became cron "${converted.cron}"`, 'changed');
  const schedule: Schedule = { name: 'rundeck', cron: converted.cron, environment: m.environment };
  if (job.timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: job.timeZone });
      schedule.timezone = job.timeZone;
    } catch {
      report('timeZone', `"${job.timeZone}" is not a time zone pont knows; the schedule uses the server's`);
    }
  }
  if (!job.scheduleEnabled || !job.executionEnabled) schedule.enabled = false;
  return schedule;
}

function mapNotifications(job: RundeckJob, report: Report): Notifications | undefined {
  const out: Notifications = {};
  let webhooks = 0;
  for (const n of job.notifications) {
    const field = `notification.${n.trigger}`;
    const target = TRIGGERS[n.trigger];
    if (n.kind === 'email') {
      report(`${field}.email`, `email notifications (${n.recipients}) have no pont equivalent`);
      continue;
    }
    if (n.kind === 'plugin') {
      report(`${field}.plugin`, `notification plugin "${n.type}" has no pont equivalent`);
      continue;
    }
    if (!target) {
      report(`${field}.urls`, `${n.trigger} notifications have no pont equivalent`);
      continue;
    }
    for (const url of n.urls) {
      if (!/^https?:\/\//.test(url)) {
        report(`${field}.urls`, `"${url}" is not an http(s) URL; dropped`);
        continue;
      }
      if (url.includes('${')) report(`${field}.urls`, `pont does not expand the \${…} references in ${url}`);
      const list = out[target] ?? [];
      if (!list.some((w) => w.url === url)) out[target] = [...list, { url }];
      webhooks++;
    }
    if (n.httpMethod && n.httpMethod.toLowerCase() !== 'post')
      report(`${field}.httpMethod`, 'pont webhooks are POST requests');
    if (n.format)
      report(`${field}.format`, `pont posts its own JSON document, not Rundeck's ${n.format} one`);
  }
  if (webhooks > 0 && !job.notifications.some((n) => n.kind === 'webhook' && n.format)) {
    report(
      'notification',
      "pont webhooks post pont's JSON document, not Rundeck's notification XML: check the receivers",
      'changed',
    );
  }
  if (job.notifyAvgDurationThreshold)
    report('notifyAvgDurationThreshold', 'pont has no average-duration notification');
  return Object.keys(out).length > 0 ? out : undefined;
}
