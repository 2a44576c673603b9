import { describe, expect, it } from 'vitest';
import { ConditionError, compileCondition } from './condition.js';
import type { ReferenceScope } from './references.js';

const scope: ReferenceScope = {
  options: { dry_run: 'false', count: '12', env: 'prod', empty: '' },
  steps: { check: { ok: 'yes', n: '3' } },
};
const when = (text: string) => compileCondition(text)(scope);

describe('when conditions', () => {
  it('compares strings and numbers', () => {
    expect(when("${option.dry_run} == 'false'")).toBe(true);
    expect(when('${option.count} > 9')).toBe(true); // numeric, not '12' < '9'
    expect(when("${option.env} != 'prod'")).toBe(false);
    expect(when('${steps.check.outputs.n} <= 3')).toBe(true);
  });
  it('combines with && || ! and parentheses', () => {
    expect(when("!(${option.dry_run} == 'true') && (${steps.check.outputs.ok} == 'yes' || false)")).toBe(
      true,
    );
    expect(when("${option.env} == 'dev' || ${option.env} == 'test'")).toBe(false);
  });
  it('treats bare values by truthiness', () => {
    expect(when('${option.dry_run}')).toBe(false);
    expect(when('${option.empty}')).toBe(false);
    expect(when('${steps.check.outputs.ok}')).toBe(true);
    expect(when('${steps.missing.outputs.x}')).toBe(false);
  });
  it('matches regular expressions', () => expect(when("${option.env} =~ '^pr'")).toBe(true));
  it('reports syntax errors', () => {
    expect(() => compileCondition('${option.a} == ')).toThrow(ConditionError);
    expect(() => compileCondition("${option.a} === 'x'")).toThrow(/unexpected/);
    expect(() => compileCondition('')).toThrow(/empty/);
  });
});
