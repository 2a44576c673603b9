import { describe, expect, it } from 'vitest';
import type { JobOption } from '../api/types';
import { initialValue, isChoiceList, optionType, requestValue, validateOption } from './job-options';

// The server's cases (options.test.ts): what the form refuses while typing, the server refuses too.
const defs: Record<string, JobOption> = {
  version: { name: 'version', required: true, regex: '\\d+\\.\\d+\\.\\d+' },
  days: { name: 'days', type: 'number', default: 7 },
  dry_run: { name: 'dry_run', type: 'boolean', default: false },
  tier: { name: 'tier', type: 'enum', values: ['web', 'app'] },
  hosts: { name: 'hosts', multiValued: true, delimiter: ' ' },
  when: { name: 'when', type: 'date' },
  password: {
    name: 'password',
    type: 'secret',
    required: true,
    secretRef: { secret: 'db', key: 'password' },
  },
  region: { name: 'region', values: ['eu', 'us'], enforced: true, default: 'eu' },
  zones: { name: 'zones', values: ['a', 'b', 'c'], enforced: true, multiValued: true, default: ['a', 'c'] },
  token: { name: 'token', type: 'secret', regex: 'tok_.*' },
};
const d = (name: string) => defs[name] as JobOption;

describe('run form options', () => {
  it('starts from the defaults, in the shape each field edits', () => {
    expect(initialValue(d('days'))).toBe('7');
    expect(initialValue(d('dry_run'))).toBe('false');
    expect(initialValue(d('region'))).toBe('eu');
    expect(initialValue(d('zones'))).toEqual(['a', 'c']);
    expect(initialValue(d('version'))).toBe('');
    // values carried over from "Run again" win over defaults
    expect(initialValue(d('zones'), 'b c')).toEqual(['b c']);
    expect(initialValue(d('days'), '30')).toBe('30');
  });

  it('knows which control each option needs', () => {
    expect(optionType(d('region'))).toBe('enum');
    expect(optionType(d('hosts'))).toBe('string');
    expect(isChoiceList(d('zones'))).toBe(true);
    expect(isChoiceList(d('hosts'))).toBe(false);
  });

  it('accepts good values', () => {
    expect(validateOption(d('version'), '1.2.3')).toBeUndefined();
    expect(validateOption(d('days'), '3.5')).toBeUndefined();
    expect(validateOption(d('dry_run'), 'yes')).toBeUndefined();
    expect(validateOption(d('hosts'), 'a b')).toBeUndefined();
    expect(validateOption(d('when'), '2026-12-31T23:00:00Z')).toBeUndefined();
    expect(validateOption(d('zones'), ['a', 'b'])).toBeUndefined();
  });

  it('refuses what the server refuses, with its words', () => {
    expect(validateOption(d('version'), 'latest')).toBe('"latest" does not match \\d+\\.\\d+\\.\\d+');
    expect(validateOption(d('days'), 'seven')).toBe('"seven" is not a number');
    expect(validateOption(d('tier'), 'db')).toBe('"db" is not one of web, app');
    expect(validateOption(d('when'), 'tomorrow')).toMatch(/is not a date/);
    expect(validateOption(d('region'), 'asia')).toBe('"asia" is not one of eu, us');
    expect(validateOption(d('dry_run'), 'maybe')).toBe('"maybe" is not true or false');
    expect(validateOption(d('zones'), ['a', 'z'])).toMatch(/"z" is not one of/);
  });

  it('requires required options unless a default or a secret stands in', () => {
    expect(validateOption(d('version'), '')).toBe('required');
    expect(validateOption(d('password'), '')).toBeUndefined();
    expect(validateOption({ name: 'x', required: true, default: 'y' }, '')).toBeUndefined();
  });

  it('never repeats a secret value in a message', () => {
    expect(validateOption(d('token'), 'hunter2')).toBe('the value does not match tok_.*');
  });

  it('leaves empty values out of the request so the server applies defaults', () => {
    expect(requestValue('')).toBeUndefined();
    expect(requestValue([])).toBeUndefined();
    expect(requestValue(['a'])).toEqual(['a']);
    expect(requestValue('x')).toBe('x');
  });
});
