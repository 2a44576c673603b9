import { Cron } from 'croner';
import type { ErrorDetail } from '../../errors/index.js';
import type { KindDefinition } from '../resources/kind-registry.js';
import { ConditionError, compileCondition, conditionReferences } from './condition.js';
import type { JobSpec, StepAction } from './job.js';
import { JobSpecSchema } from './job.schema.js';
import { NodeFilterError, parseNodeFilter } from './node-filter.js';
import { checkReference, referencesIn } from './references.js';

function actionCount(action: StepAction): number {
  return [action.exec, action.script, action.copy, action.job].filter((a) => a !== undefined).length;
}

function actionTexts(action: StepAction): string[] {
  const texts: string[] = [];
  if (typeof action.exec === 'string') texts.push(action.exec);
  if (Array.isArray(action.exec)) texts.push(...action.exec);
  if (action.copy) texts.push(action.copy.destination, action.copy.file ?? '');
  if (action.job?.options) texts.push(...Object.values(action.job.options));
  if (action.env) texts.push(...Object.values(action.env));
  if (action.script?.args) texts.push(...action.script.args);
  return texts;
}

/** Checks a job beyond its schema: one action per step, unique ids, valid references and crons. */
export function checkJobSpec(spec: JobSpec): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const optionNames = new Set<string>();
  for (const [i, option] of (spec.options ?? []).entries()) {
    if (optionNames.has(option.name))
      problems.push({ path: `spec.options[${i}].name`, message: `option "${option.name}" is defined twice` });
    optionNames.add(option.name);
    if (option.regex) {
      try {
        new RegExp(option.regex);
      } catch (error) {
        problems.push({
          path: `spec.options[${i}].regex`,
          message: `invalid regular expression: ${(error as Error).message}`,
        });
      }
    }
    if (option.type === 'enum' && !option.values?.length) {
      problems.push({ path: `spec.options[${i}].values`, message: 'an enum option needs values' });
    }
  }
  if (spec.nodes?.filter) {
    try {
      parseNodeFilter(spec.nodes.filter);
    } catch (error) {
      if (error instanceof NodeFilterError)
        problems.push({ path: 'spec.nodes.filter', message: error.message });
      else throw error;
    }
  }
  const stepIds = new Set<string>();
  for (const [i, step] of spec.steps.entries()) {
    const path = `spec.steps[${i}]`;
    if (stepIds.has(step.id))
      problems.push({ path: `${path}.id`, message: `step id "${step.id}" is used twice` });
    if (actionCount(step) !== 1) {
      problems.push({ path, message: 'a step does exactly one thing: set one of exec, script, copy or job' });
    }
    if (step.copy && !step.copy.file === !step.copy.path) {
      problems.push({
        path: `${path}.copy`,
        message: 'a copy needs one source: file (uploaded) or path (under the data directory)',
      });
    }
    if (step.copy?.path && (step.copy.path.includes('..') || step.copy.path.startsWith('/'))) {
      problems.push({
        path: `${path}.copy.path`,
        message: 'a relative path under the data directory, without ".."',
      });
    }
    if (step.onError && actionCount(step.onError) !== 1) {
      problems.push({
        path: `${path}.onError`,
        message: 'an error handler does exactly one thing: exec, script, copy or job',
      });
    }
    for (const [where, action] of [
      ['', step],
      ['.onError', step.onError],
    ] as const) {
      if (!action) continue;
      for (const text of actionTexts(action)) {
        for (const ref of referencesIn(text)) {
          const problem = checkReference(ref, optionNames, where ? new Set([...stepIds, step.id]) : stepIds);
          if (problem) problems.push({ path: `${path}${where}`, message: `\${${ref}}: ${problem}` });
        }
      }
    }
    if (step.when) {
      try {
        compileCondition(step.when);
        for (const ref of conditionReferences(step.when)) {
          const problem = checkReference(ref, optionNames, stepIds);
          if (problem) problems.push({ path: `${path}.when`, message: `\${${ref}}: ${problem}` });
        }
      } catch (error) {
        if (error instanceof ConditionError)
          problems.push({ path: `${path}.when`, message: `invalid condition: ${error.message}` });
        else throw error;
      }
    }
    stepIds.add(step.id);
  }
  const scheduleNames = new Set<string>();
  for (const [i, schedule] of (spec.schedules ?? []).entries()) {
    if (scheduleNames.has(schedule.name))
      problems.push({
        path: `spec.schedules[${i}].name`,
        message: `schedule "${schedule.name}" is defined twice`,
      });
    scheduleNames.add(schedule.name);
    try {
      new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
    } catch (error) {
      problems.push({
        path: `spec.schedules[${i}].cron`,
        message: `invalid cron or time zone: ${(error as Error).message}`,
      });
    }
    for (const name of Object.keys(schedule.options ?? {})) {
      if (!optionNames.has(name))
        problems.push({
          path: `spec.schedules[${i}].options.${name}`,
          message: `no option "${name}" in this job`,
        });
    }
  }
  return problems;
}

export const jobKind: KindDefinition = {
  kind: 'Job',
  plural: 'jobs',
  scope: 'project',
  description: 'A runbook: options, steps run on the nodes of an environment, schedules, notifications.',
  spec: JobSpecSchema,
  async check(resource, lookup) {
    const spec = resource.spec as unknown as JobSpec;
    const project = resource.metadata.project ?? '';
    const problems = checkJobSpec(spec);
    for (const [i, schedule] of (spec.schedules ?? []).entries()) {
      if (!(await lookup.get('Environment', project, schedule.environment))) {
        problems.push({
          path: `spec.schedules[${i}].environment`,
          message: `environment "${schedule.environment}" does not exist in project ${project}`,
        });
      }
    }
    for (const [i, use] of (spec.secrets ?? []).entries()) {
      if (!(await lookup.get('Secret', project, use.secret))) {
        problems.push({
          path: `spec.secrets[${i}].secret`,
          message: `secret "${use.secret}" does not exist in project ${project}`,
        });
      }
    }
    for (const [i, step] of spec.steps.entries()) {
      for (const [where, ref] of [
        ['', step.job],
        ['.onError', step.onError?.job],
      ] as const) {
        if (ref && ref.name !== resource.metadata.name && !(await lookup.get('Job', project, ref.name))) {
          problems.push({
            path: `spec.steps[${i}]${where}.job.name`,
            message: `job "${ref.name}" does not exist in project ${project}`,
          });
        }
      }
    }
    return problems;
  },
};
