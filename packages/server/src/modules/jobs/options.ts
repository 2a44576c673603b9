import type { ErrorDetail } from '../../errors/index.js';
import type { JobOption } from './job.js';

export interface ResolvedOptions {
  /** name → the value commands see (multi-valued joined by the delimiter). */
  values: Record<string, string>;
  /** Names of secret options, whose values are masked in logs and sealed at rest. */
  secrets: string[];
}

export type RawOptions = Record<string, unknown>;

/** PONT_OPTION_<NAME>: what a command reads. */
export function optionEnvName(name: string): string {
  return `PONT_OPTION_${name.toUpperCase()}`;
}

function asList(option: JobOption, value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value === undefined || value === null) return [];
  const text = String(value);
  if (option.multiValued) return text === '' ? [] : text.split(option.delimiter ?? ',').map((v) => v.trim());
  return [text];
}

/**
 * Checks every given value against its option and fills defaults; every problem is reported,
 * one detail per option, before anything runs. `secretDefault` reveals a `secretRef` default.
 */
export async function resolveOptions(
  options: JobOption[] | undefined,
  given: RawOptions,
  secretDefault: (ref: { secret: string; key: string }) => Promise<string | undefined>,
): Promise<{ resolved: ResolvedOptions; problems: ErrorDetail[] }> {
  const defs = options ?? [];
  const problems: ErrorDetail[] = [];
  const values: Record<string, string> = {};
  const secrets: string[] = [];
  const known = new Set(defs.map((o) => o.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      problems.push({
        path: `options.${name}`,
        message: `unknown option "${name}"`,
        expected: [...known].join(', ') || 'no options',
      });
    }
  }
  for (const option of defs) {
    const path = `options.${option.name}`;
    const type = option.type ?? (option.values && option.enforced ? 'enum' : 'string');
    if (type === 'secret') secrets.push(option.name);
    let raw = given[option.name];
    if (raw === undefined || raw === '') {
      raw = option.default;
      if (raw === undefined && option.secretRef) raw = await secretDefault(option.secretRef);
    }
    const list = asList(option, raw);
    if (list.length === 0 || (list.length === 1 && list[0] === '')) {
      if (option.required)
        problems.push({ path, message: `option "${option.label ?? option.name}" is required` });
      values[option.name] = '';
      continue;
    }
    if (list.length > 1 && !option.multiValued) {
      problems.push({ path, message: `option "${option.name}" takes one value, got ${list.length}` });
      continue;
    }
    const problem = list.map((v) => checkValue(option, type, v)).find((p) => p !== undefined);
    if (problem) {
      problems.push({ path, message: `option "${option.name}": ${problem}` });
      continue;
    }
    values[option.name] =
      type === 'boolean'
        ? list.map((v) => String(/^(true|yes|1|on)$/i.test(v))).join(',')
        : list.join(option.delimiter ?? ',');
  }
  return { resolved: { values, secrets }, problems };
}

function checkValue(option: JobOption, type: string, value: string): string | undefined {
  const secretShown = type === 'secret' ? 'the value' : `"${value}"`;
  switch (type) {
    case 'number':
      if (value.trim() === '' || Number.isNaN(Number(value))) return `${secretShown} is not a number`;
      break;
    case 'boolean':
      if (!/^(true|false|yes|no|1|0|on|off)$/i.test(value)) return `${secretShown} is not true or false`;
      break;
    case 'date':
      if (Number.isNaN(Date.parse(value)))
        return `${secretShown} is not a date (ISO 8601, e.g. 2026-12-31T23:00:00Z)`;
      break;
    case 'enum':
      if (!(option.values ?? []).includes(value))
        return `${secretShown} is not one of ${(option.values ?? []).join(', ')}`;
      break;
  }
  if (option.enforced && option.values && !option.values.includes(value)) {
    return `${secretShown} is not one of the allowed values ${option.values.join(', ')}`;
  }
  if (option.regex && !new RegExp(`^(?:${option.regex})$`).test(value))
    return `${secretShown} does not match ${option.regex}`;
  return undefined;
}
