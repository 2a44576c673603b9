import { expect } from 'vitest';
import { NAME_PATTERN } from '../../resources/kind-registry.js';
import type { Resource } from '../../resources/resource.js';
import { compileValidator } from '../../resources/schema-validator.js';
import type { JobSpec } from '../job.js';
import { JobSpecSchema } from '../job.schema.js';
import type { ImportResult } from './index.js';

const validateSpec = compileValidator(JobSpecSchema);

/** Every resource is a valid pont Job: schema, name, unique step ids. */
export function expectValidJobs(result: ImportResult): void {
  const names = new Set<string>();
  for (const resource of result.resources) {
    expect(resource.apiVersion).toBe('pont/v1');
    expect(resource.kind).toBe('Job');
    expect(resource.metadata.name).toMatch(new RegExp(NAME_PATTERN));
    expect(resource.metadata.name.length).toBeLessThanOrEqual(63);
    expect(names.has(resource.metadata.name), `duplicate name ${resource.metadata.name}`).toBe(false);
    names.add(resource.metadata.name);
    expect(validateSpec(resource.spec), resource.metadata.name).toEqual([]);
    const ids = resource.spec.steps.map((s) => s.id);
    expect(new Set(ids).size, `step ids of ${resource.metadata.name}: ${ids.join(', ')}`).toBe(ids.length);
  }
  expect(result.origins).toHaveLength(result.resources.length);
}

export function jobNamed(result: ImportResult, name: string): Resource<JobSpec> {
  const found = result.resources.find((r) => r.metadata.name === name);
  if (!found)
    throw new Error(`no job ${name}; got ${result.resources.map((r) => r.metadata.name).join(', ')}`);
  return found;
}

/** The report of one pont job as `kind field: message` lines. */
export function reportOf(result: ImportResult, name: string): string[] {
  return result.report.filter((r) => r.name === name).map((r) => `${r.kind} ${r.field}: ${r.message}`);
}
