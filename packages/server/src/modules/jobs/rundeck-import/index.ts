/**
 * `pont import rundeck`: Rundeck job definitions (YAML or XML exports) → pont Job resources.
 * Pure functions: text in, resources and a report of what did not carry over out; no I/O.
 */
import { LABEL_VALUE_PATTERN } from '../../resources/kind-registry.js';
import { API_VERSION, type Resource } from '../../resources/resource.js';
import type { JobSpec } from '../job.js';
import { fullName, mapJob } from './rundeck-map.js';
import { optionNameMap } from './rundeck-options.js';
import type { ResolvedJob } from './rundeck-steps.js';
import type { ReportEntry, RundeckJob, RundeckJobRef } from './rundeck-types.js';
import { readXmlJobs } from './rundeck-xml.js';
import { RundeckFormatError, readYamlJobs } from './rundeck-yaml.js';

export { quartzToCron } from './quartz-cron.js';
export { convertFilter } from './rundeck-filter.js';
export type { ReportEntry } from './rundeck-types.js';
export { RundeckFormatError } from './rundeck-yaml.js';

export interface ImportOptions {
  /** The pont project the jobs go to. */
  project: string;
  /** The environment schedules run in; without it schedules are reported, not converted. */
  environment?: string;
}

export interface ImportSource {
  file: string;
  text: string;
}

export interface ImportResult {
  resources: Resource<JobSpec>[];
  report: ReportEntry[];
  /** Where each resource came from, in the same order. */
  origins: Array<{ file: string; line?: number; job: string }>;
  /** Rundeck jobs with a schedule (converted or not). */
  scheduled: string[];
}

/** One file: YAML (a list of jobs) or XML (`<joblist>`), detected from its content. */
export function importRundeck(text: string, options: ImportOptions & { file: string }): ImportResult {
  return importRundeckFiles([{ file: options.file, text }], options);
}

/** Parses a file into Rundeck jobs; malformed input throws a RundeckFormatError (file:line:column). */
export function readRundeckJobs(text: string, file: string): RundeckJob[] {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) return readXmlJobs(text, file);
  if (start === '') throw new RundeckFormatError(file, 1, 1, 'the file is empty');
  return readYamlJobs(text, file);
}

interface Entry {
  job: RundeckJob;
  file: string;
  name: string;
  options: Map<string, string>;
}

/**
 * Several files at once: job references are resolved across all of them and names are made
 * unique across all of them (Rundeck names are unique per group, pont names per project).
 */
export function importRundeckFiles(sources: ImportSource[], options: ImportOptions): ImportResult {
  const report: ReportEntry[] = [];
  const entries: Entry[] = [];
  const taken = new Set<string>();
  for (const source of sources) {
    for (const job of readRundeckJobs(source.text, source.file)) {
      const name = uniqueName(job, taken);
      entries.push({ job, file: source.file, name, options: optionNameMap(job) });
    }
  }
  const resolveJob = (ref: RundeckJobRef): ResolvedJob | undefined => {
    const found =
      (ref.uuid ? entries.find((e) => e.job.uuid === ref.uuid) : undefined) ??
      (ref.name
        ? entries.find((e) => e.job.name === ref.name && (e.job.group ?? '') === (ref.group ?? ''))
        : undefined);
    if (found) return { name: found.name, options: found.options, found: true };
    if (!ref.name) return undefined;
    return { name: slugName(ref.name) || 'job', found: false };
  };
  const result: ImportResult = { resources: [], report, origins: [], scheduled: [] };
  for (const entry of entries) {
    const { job } = entry;
    const { spec, annotations } = mapJob({
      job,
      name: entry.name,
      options: entry.options,
      resolveJob,
      report: (r) => report.push(r),
      ...(options.environment ? { environment: options.environment } : {}),
    });
    const metadata: Resource['metadata'] = { project: options.project, name: entry.name };
    if (job.uuid) {
      if (job.uuid.length <= 63 && new RegExp(LABEL_VALUE_PATTERN).test(job.uuid))
        metadata.labels = { 'rundeck.uuid': job.uuid };
      else annotations['rundeck.uuid'] = job.uuid;
    }
    metadata.annotations = annotations;
    result.resources.push({ apiVersion: API_VERSION, kind: 'Job', metadata, spec });
    result.origins.push({
      file: entry.file,
      ...(job.line !== undefined ? { line: job.line } : {}),
      job: fullName(job),
    });
    if (job.schedule) result.scheduled.push(fullName(job));
  }
  return result;
}

/** A DNS label: lowercase letters, digits and `-`, at most 63 characters. */
export function slugName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** The job's slug; on a clash, prefixed with its group, then numbered. */
function uniqueName(job: RundeckJob, taken: Set<string>): string {
  const base = slugName(job.name) || 'job';
  const candidates = [base];
  if (job.group) candidates.push(slugName(`${job.group}-${job.name}`));
  let name = candidates.find((c) => c && !taken.has(c));
  for (let n = 2; !name; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) name = candidate;
  }
  taken.add(name);
  return name;
}
