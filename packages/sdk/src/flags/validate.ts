// Checks beyond the JSON Schema that need no database: constraint values that cannot match as
// written, rollout percentages, variant weights and payloads. The server runs them on every apply
// (with field paths) and `pont import unleash` uses them to say what it cannot import.
import { type Constraint, compileRe2 } from '@pont/flag-engine';
import {
  type FlagSpec,
  type FlagStrategy,
  type FlagVariant,
  KNOWN_STRATEGIES,
  MULTI_VALUE_OPERATORS,
  OPERATORS,
  type SegmentSpec,
} from './flag-resources.js';

export interface SpecProblem {
  path: string;
  message: string;
  expected?: string;
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function validateFlagSpec(spec: FlagSpec, base = 'spec'): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const [env, config] of Object.entries(spec.environments ?? {})) {
    const at = `${base}.environments.${env}`;
    (config.strategies ?? []).forEach((s, i) => {
      problems.push(...validateStrategy(s, `${at}.strategies[${i}]`));
    });
    problems.push(...validateVariants(config.variants ?? [], `${at}.variants`));
  }
  (spec.dependencies ?? []).forEach((d, i) => {
    if (d.enabled === false && d.variants?.length) {
      problems.push({
        path: `${base}.dependencies[${i}].variants`,
        message: 'variants only apply when the parent must be enabled',
      });
    }
  });
  return problems;
}

export function validateSegmentSpec(spec: SegmentSpec, base = 'spec'): SpecProblem[] {
  return (spec.constraints ?? []).flatMap((c, i) => validateConstraint(c, `${base}.constraints[${i}]`));
}

const PERCENT_PARAMETER: Record<string, string> = {
  flexibleRollout: 'rollout',
  gradualRolloutUserId: 'percentage',
  gradualRolloutSessionId: 'percentage',
  gradualRolloutRandom: 'percentage',
};
const REQUIRED_PARAMETER: Record<string, string> = {
  userWithId: 'userIds',
  remoteAddress: 'IPs',
  applicationHostname: 'hostNames',
};

export function validateStrategy(s: FlagStrategy, at: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (!(KNOWN_STRATEGIES as readonly string[]).includes(s.name)) {
    problems.push({
      path: `${at}.name`,
      message: `unknown strategy "${s.name}"`,
      expected: KNOWN_STRATEGIES.join(', '),
    });
  }
  const percentName = PERCENT_PARAMETER[s.name];
  if (percentName !== undefined) {
    const raw = s.parameters?.[percentName];
    if (raw === undefined && s.name !== 'flexibleRollout') {
      problems.push({ path: `${at}.parameters.${percentName}`, message: `${s.name} needs ${percentName}` });
    } else if (raw !== undefined && !isPercent(raw)) {
      problems.push({
        path: `${at}.parameters.${percentName}`,
        message: `"${raw}" is not a percentage`,
        expected: 'a whole number from 0 to 100',
      });
    }
  }
  const required = REQUIRED_PARAMETER[s.name];
  if (required !== undefined && (s.parameters?.[required] ?? '') === '') {
    problems.push({
      path: `${at}.parameters.${required}`,
      message: `${s.name} needs ${required} (a comma-separated list)`,
    });
  }
  (s.constraints ?? []).forEach((c, i) => {
    problems.push(...validateConstraint(c, `${at}.constraints[${i}]`));
  });
  problems.push(...validateVariants(s.variants ?? [], `${at}.variants`));
  return problems;
}

function isPercent(raw: string | number): boolean {
  const text = String(raw).trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return false;
  const n = Number(text);
  return n >= 0 && n <= 100;
}

export function validateConstraint(c: Constraint, at: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (!(OPERATORS as readonly string[]).includes(c.operator)) {
    return [
      { path: `${at}.operator`, message: `unknown operator "${c.operator}"`, expected: OPERATORS.join(', ') },
    ];
  }
  if (MULTI_VALUE_OPERATORS.has(c.operator)) {
    if (c.value !== undefined && c.values === undefined) {
      problems.push({
        path: `${at}.values`,
        message: `${c.operator} compares against a list: use values, not value`,
      });
    }
    if (c.operator === 'IN_CIDR') {
      (c.values ?? []).forEach((v, i) => {
        if (!isCidr(v)) {
          problems.push({
            path: `${at}.values[${i}]`,
            message: `"${v}" is not an IP address or CIDR range`,
            expected: 'such as 10.0.0.0/8 or 2001:db8::/32',
          });
        }
      });
    }
    return problems;
  }
  if (c.value === undefined || c.value === '') {
    return [{ path: `${at}.value`, message: `${c.operator} needs a value` }];
  }
  const value = c.value;
  if (c.operator.startsWith('NUM_') && (value.trim() === '' || Number.isNaN(Number(value)))) {
    problems.push({ path: `${at}.value`, message: `"${value}" is not a number` });
  } else if (c.operator.startsWith('DATE_') && Number.isNaN(Date.parse(value))) {
    problems.push({
      path: `${at}.value`,
      message: `"${value}" is not a date`,
      expected: 'ISO 8601, such as 2030-01-01T00:00:00Z',
    });
  } else if (c.operator.startsWith('SEMVER_') && !SEMVER.test(value)) {
    problems.push({
      path: `${at}.value`,
      message: `"${value}" is not a semantic version`,
      expected: 'such as 1.2.3 or 2.0.0-beta.1',
    });
  } else if (c.operator === 'REGEX') {
    const compiled = compileRe2(value, c.caseInsensitive === true);
    if (!compiled.ok)
      problems.push({ path: `${at}.value`, message: `invalid RE2 regular expression: ${compiled.error}` });
  }
  return problems;
}

function isCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.trim().split('/');
  if (rest.length > 0) return false;
  const v4 = IPV4.test(address);
  const v6 = !v4 && address.includes(':') && /^[0-9a-fA-F:.]+(%.+)?$/.test(address);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

export function validateVariants(variants: readonly FlagVariant[], at: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  let fixed = 0;
  variants.forEach((v, i) => {
    if (seen.has(v.name))
      problems.push({ path: `${at}[${i}].name`, message: `variant "${v.name}" appears twice` });
    seen.add(v.name);
    if (v.weightType === 'fix') fixed += v.weight ?? 0;
    if (v.payload?.type === 'json') {
      try {
        JSON.parse(v.payload.value);
      } catch (error) {
        problems.push({
          path: `${at}[${i}].payload.value`,
          message: `not valid JSON: ${(error as Error).message}`,
        });
      }
    }
    if (v.payload?.type === 'number' && Number.isNaN(Number(v.payload.value))) {
      problems.push({ path: `${at}[${i}].payload.value`, message: `"${v.payload.value}" is not a number` });
    }
  });
  if (fixed > 1000) {
    problems.push({ path: at, message: `fixed weights add up to ${fixed}, more than 1000 (100%)` });
  }
  return problems;
}
