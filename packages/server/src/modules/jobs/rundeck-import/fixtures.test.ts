import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRundeck, importRundeckFiles } from './index.js';
import { expectValidJobs, reportOf } from './test-support.js';

/** Real Rundeck exports (see the README there). */
const FIXTURES = '/work/shared/fixtures/rundeck';
const files = readdirSync(FIXTURES)
  .filter((f) => /\.(ya?ml|xml)$/.test(f))
  .sort();
const read = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');
const load = (file: string) => importRundeck(read(file), { file, project: 'demo', environment: 'prod' });

describe('Rundeck exports from the rundeck/rundeck repository', () => {
  it('finds the fixtures', () => {
    expect(files).toEqual([
      'job-1c496173-f9ec-4991-b93f-4761c2cf947e.xml',
      'job-f9b34a63-ff95-41f4-9646-87d90b35fc3d.xml',
      'test-copyfile-job1.yaml',
      'test-copyfile-job3.yaml',
    ]);
  });

  it.each(files)('%s imports into valid pont Jobs', (file) => {
    const result = load(file);
    expect(result.resources).toHaveLength(1);
    expectValidJobs(result);
    expect(result.origins[0]).toMatchObject({ file, line: file.endsWith('.xml') ? 2 : 1 });
  });

  it('copy multi (copyfile-job1): options, node filter, exec steps and the copyfile plugin', () => {
    const result = load('test-copyfile-job1.yaml');
    const [job] = result.resources;
    expect(job?.metadata).toEqual({
      project: 'demo',
      name: 'copy-multi',
      labels: { 'rundeck.uuid': '3b09625a-8371-4d6c-9c04-9e8e90084547' },
      annotations: { 'rundeck.job': 'test/copy multi' },
    });
    expect(job?.spec).toEqual({
      description: 'copy multiple files',
      group: 'test',
      options: [
        { name: 'sourcedir', description: 'source directory', required: true },
        { name: 'destdir', description: 'dest directory', required: true },
      ],
      nodes: { filter: 'name: ssh-node' },
      steps: [
        { id: 'step-1', exec: 'mkdir -p ${option.destdir}' },
        { id: 'step-2', exec: 'echo copy from ${option.sourcedir} to  ${option.destdir}' },
        { id: 'step-3', copy: { file: '${option.sourcedir}', destination: '${option.destdir}' } },
      ],
      concurrency: 'forbid',
    });
    expect(reportOf(result, 'copy-multi')).toEqual([
      'changed name: became pont name "copy-multi"',
      'unmapped sequence.commands[2].configuration.sourcePath: Rundeck read ${option.sourcedir} on its server; pont copies the file uploaded to the project as ${option.sourcedir} once options expand (pont files push NAME PATH)',
      'unmapped sequence.commands[2].configuration.recursive: pont copies one file, not a directory tree',
    ]);
  });

  it('copy multi (copyfile-job3): the pattern of a copy is reported', () => {
    const result = load('test-copyfile-job3.yaml');
    expect(result.resources[0]?.spec.options?.map((o) => o.name)).toEqual([
      'sourcedir',
      'destdir',
      'pattern',
    ]);
    expect(result.resources[0]?.spec.steps[1]).toEqual({
      id: 'step-2',
      exec: 'echo copy from ${option.sourcedir} to  ${option.destdir} pattern: ${option.pattern}',
    });
    expect(reportOf(result, 'copy-multi')).toContain(
      'unmapped sequence.commands[2].configuration.pattern: pont copies one file; the pattern "${option.pattern}" was dropped',
    );
  });

  it('Run script from URL: a scripturl step becomes a failing step, the job runs on the server', () => {
    const result = load('job-1c496173-f9ec-4991-b93f-4761c2cf947e.xml');
    const [job] = result.resources;
    expect(job?.metadata.name).toBe('run-script-from-url');
    expect(job?.metadata.labels).toEqual({ 'rundeck.uuid': '1c496173-f9ec-4991-b93f-4761c2cf947e' });
    expect(job?.spec).toEqual({
      nodes: { local: true },
      steps: [
        {
          id: 'step-1',
          description: 'NOT CONVERTED from Rundeck: scripturl http://mock-server/helloWorld.sh',
          exec: [
            'sh',
            '-c',
            "echo 'step 1 was not converted from Rundeck: scripturl http://mock-server/helloWorld.sh' >&2; exit 1",
          ],
        },
      ],
      concurrency: 'forbid',
    });
    expect(reportOf(result, 'run-script-from-url')).toEqual([
      'changed name: became pont name "run-script-from-url"',
      'unmapped sequence.commands[0].scripturl: a script downloaded from a URL (http://mock-server/helloWorld.sh) cannot be converted: paste the script into script.body',
    ]);
  });

  it('Reference Job of deleted job: a job reference with an error handler', () => {
    const result = load('job-f9b34a63-ff95-41f4-9646-87d90b35fc3d.xml');
    const [job] = result.resources;
    expect(job?.metadata.name).toBe('reference-job-of-deleted-job');
    expect(job?.spec).toEqual({
      description: 'Reference Job of deleted Job with an error handler',
      nodes: { local: true },
      steps: [
        {
          id: 'step-1',
          job: { name: 'job-to-delete' },
          // keepgoingOnSuccess='true': pont's onError semantics exactly, so nothing to report.
          onError: {
            exec: "echo 'this is the error handler and should keep going if there is a failure WORKFLOW-STEP'",
          },
        },
      ],
      concurrency: 'forbid',
    });
    expect(reportOf(result, 'reference-job-of-deleted-job')).toEqual([
      'changed name: became pont name "reference-job-of-deleted-job"',
      'unmapped sequence.commands[0].jobref: job "Job to delete" is not in this import: it must exist in pont as "job-to-delete" before this job is applied',
    ]);
  });

  it('imports all the files together with unique names', () => {
    const result = importRundeckFiles(
      files.map((file) => ({ file, text: read(file) })),
      { project: 'demo' },
    );
    expectValidJobs(result);
    expect(result.resources.map((r) => r.metadata.name)).toEqual([
      'run-script-from-url',
      'reference-job-of-deleted-job',
      'copy-multi',
      'test-copy-multi',
    ]);
    expect(result.origins.map((o) => o.file)).toEqual(files);
    expect(result.scheduled).toEqual([]);
  });
});
