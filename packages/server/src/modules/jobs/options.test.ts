import { describe, expect, it } from 'vitest';
import type { JobOption } from './job.js';
import { resolveOptions } from './options.js';

const defs: JobOption[] = [
  { name: 'version', required: true, regex: '\\d+\\.\\d+\\.\\d+' },
  { name: 'days', type: 'number', default: 7 },
  { name: 'dry_run', type: 'boolean', default: false },
  { name: 'tier', type: 'enum', values: ['web', 'app'] },
  { name: 'hosts', multiValued: true, delimiter: ' ' },
  { name: 'when', type: 'date' },
  { name: 'password', type: 'secret', secretRef: { secret: 'db', key: 'password' } },
  { name: 'region', values: ['eu', 'us'], enforced: true, default: 'eu' },
];
const secret = async () => 'from-secret';

describe('job options', () => {
  it('fills defaults, normalises booleans, joins multi-values and reads secret defaults', async () => {
    const { resolved, problems } = await resolveOptions(
      defs,
      { version: '1.2.3', hosts: ['a', 'b'], dry_run: 'yes' },
      secret,
    );
    expect(problems).toEqual([]);
    expect(resolved.values).toMatchObject({
      version: '1.2.3',
      days: '7',
      dry_run: 'true',
      hosts: 'a b',
      password: 'from-secret',
      region: 'eu',
    });
    expect(resolved.secrets).toEqual(['password']);
  });

  it('reports every invalid value with its option, before anything runs', async () => {
    const { problems } = await resolveOptions(
      defs,
      {
        version: 'latest',
        days: 'seven',
        tier: 'db',
        when: 'tomorrow',
        region: 'asia',
        bogus: 1,
        dry_run: 'maybe',
      },
      secret,
    );
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'options.bogus',
        'options.days',
        'options.dry_run',
        'options.region',
        'options.tier',
        'options.version',
        'options.when',
      ].sort(),
    );
    expect(problems.find((p) => p.path === 'options.version')?.message).toMatch(/does not match/);
  });

  it('requires required options and never echoes a secret value', async () => {
    const { problems } = await resolveOptions(
      [...defs.slice(1), { name: 'token', type: 'secret', regex: 'tok_.*' }],
      { token: 'hunter2' },
      secret,
    );
    expect(problems.map((p) => p.message).join(' ')).not.toContain('hunter2');
    const missing = await resolveOptions(defs, {}, secret);
    expect(missing.problems[0]).toMatchObject({
      path: 'options.version',
      message: 'option "version" is required',
    });
  });
});
